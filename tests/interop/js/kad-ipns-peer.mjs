// A js-libp2p Kademlia peer that stores and finds IPNS records, checked by js-ipns's validator and
// selector, for Spore's DhtIpnsInteropTest. js-ipns comes from tests/setup/15-ipns-js.sh: give
// its directory in IPNS_JS (default $SPORE_TEST_CACHE/npm-ipns/current).
// Usage: node --import ./with-resolvers.mjs kad-ipns-peer.mjs
// Prints "id <peer id>", "listening <multiaddr>", "ready". Commands, one per line:
//   dial <multiaddr>                 -> "dialed <peer id>"
//   put <key hex> <record base64>    -> "put done" (stored here and sent to the closest peers)
//   get <key hex>                    -> "value <record base64>" (the best record js found) or "value none"
//   local <key hex>                  -> "local <record base64>" or "local none" (this node's own store only)
// Errors print "error <message>".
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { kadDHT, passthroughMapper } from '@libp2p/kad-dht'
import { multiaddr } from '@multiformats/multiaddr'
import readline from 'node:readline'

const ipnsDir = process.env.IPNS_JS ?? `${process.env.SPORE_TEST_CACHE ?? '/var/cache/spore-tests'}/npm-ipns/current`
const { ipnsValidator } = await import(`${ipnsDir}/node_modules/ipns/dist/src/validator.js`)
const { ipnsSelector } = await import(`${ipnsDir}/node_modules/ipns/dist/src/selector.js`)

const node = await createLibp2p({
  addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  services: {
    identify: identify(),
    ping: ping(),
    dht: kadDHT({
      protocol: '/ipfs/kad/1.0.0',
      clientMode: false,
      peerInfoMapper: passthroughMapper,
      validators: { ipns: ipnsValidator },
      selectors: { ipns: ipnsSelector }
    })
  }
})
await node.start()
console.log('id', node.peerId.toString())
for (const ma of node.getMultiaddrs()) console.log('listening', ma.toString())
console.log('ready')

const b64 = (u) => Buffer.from(u).toString('base64')
const rl = readline.createInterface({ input: process.stdin })
for await (const line of rl) {
  const [cmd, ...rest] = line.trim().split(/\s+/)
  try {
    const signal = AbortSignal.timeout(30000)
    if (cmd === 'dial') {
      const conn = await node.dial(multiaddr(rest[0]), { signal })
      console.log('dialed', conn.remotePeer.toString())
    } else if (cmd === 'put') {
      await node.contentRouting.put(Buffer.from(rest[0], 'hex'), Buffer.from(rest[1], 'base64'), { signal })
      console.log('put done')
    } else if (cmd === 'get') {
      try {
        console.log('value', b64(await node.contentRouting.get(Buffer.from(rest[0], 'hex'), { signal })))
      } catch (e) {
        console.log('value none', String(e?.name ?? e))
      }
    } else if (cmd === 'local') {
      let found = null
      for await (const ev of node.services.dht.get(Buffer.from(rest[0], 'hex'), { signal, offline: true })) {
        if (ev.name === 'VALUE') found = ev.value
      }
      console.log('local', found == null ? 'none' : b64(found))
    } else {
      console.log('error unknown command', cmd)
    }
  } catch (e) {
    console.log('error', String(e?.message ?? e).replace(/\n/g, ' '))
  }
}
