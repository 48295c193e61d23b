// Node 20 lacks Promise.withResolvers, which libp2p 3, noise, yamux and it-queue use.
// Loaded with `node --import ./with-resolvers.mjs`.
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function () {
    let resolve, reject
    const promise = new this((a, b) => { resolve = a; reject = b })
    return { promise, resolve, reject }
  }
}
