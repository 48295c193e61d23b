// A js-libp2p peer that Spore's tests drive over stdin/stdout, one JSON object per line.
// Start: node --import ./with-resolvers.mjs spore-peer.mjs   (env LISTEN, SEED = 64 hex chars)
// Prints {"event":"ready","peer":...,"addrs":[...]} once listening, then answers each command
// line {"id":N,"cmd":...} with {"id":N,"ok":true,...} or {"id":N,"ok":false,"error":...}.
// Commands: dial, ping, peerinfo, echo (parallel streams on /spore/test/echo/1.0.0, verified),
// sink (one stream's throughput to /spore/bench/sink/1.0.0), handshakes (new connections per
// second), connections, stop.
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { multiaddr } from '@multiformats/multiaddr'
import { peerIdFromString } from '@libp2p/peer-id'
import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { createInterface } from 'node:readline'
import { randomBytes, createHash } from 'node:crypto'

const ECHO = '/spore/test/echo/1.0.0'
const SINK = '/spore/bench/sink/1.0.0'
const STREAM_LIMITS = { maxInboundStreams: 1024, maxOutboundStreams: 1024 }

const config = {
  addresses: { listen: [process.env.LISTEN ?? '/ip4/127.0.0.1/tcp/0'] },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  services: { identify: identify(), ping: ping() },
  // js limits inbound connections to 5 per second per address by default; the handshake
  // benchmark and the tests dial far more often from loopback.
  connectionManager: { maxConnections: 1000, inboundConnectionThreshold: 100000, maxIncomingPendingConnections: 1000 }
}
if (process.env.SEED) config.privateKey = await generateKeyPairFromSeed('Ed25519', Buffer.from(process.env.SEED, 'hex'))
const node = await createLibp2p(config)

const out = (o) => process.stdout.write(JSON.stringify(o) + '\n')

await node.handle(ECHO, async (stream) => {
  try {
    for await (const chunk of stream) {
      if (!stream.send(chunk)) await stream.onDrain()
    }
    await stream.close()
  } catch (e) { stream.abort(e) }
}, STREAM_LIMITS)

await node.handle(SINK, async (stream) => {
  let n = 0
  for await (const chunk of stream) n += chunk.byteLength
  stream.send(Uint8Array.of(1))
  await stream.close()
}, STREAM_LIMITS)

async function sendAll (stream, data, chunk = 65536) {
  for (let off = 0; off < data.length; off += chunk) {
    if (!stream.send(data.subarray(off, Math.min(data.length, off + chunk)))) await stream.onDrain()
  }
}

async function readAll (stream) {
  const parts = []
  for await (const c of stream) parts.push(c.subarray ? c.subarray() : c)
  return Buffer.concat(parts.map(p => Buffer.from(p.buffer, p.byteOffset, p.byteLength)))
}

const sha = (b) => createHash('sha256').update(b).digest('hex')

const commands = {
  async dial ({ addr }) {
    const c = await node.dial(multiaddr(addr))
    return { peer: c.remotePeer.toString(), remoteAddr: c.remoteAddr.toString() }
  },
  async ping ({ addr }) {
    return { rtt: await node.services.ping.ping(multiaddr(addr)) }
  },
  async peerinfo ({ peer }) {
    const p = await node.peerStore.get(peerIdFromString(peer))
    const text = (k) => p.metadata.has(k) ? new TextDecoder().decode(p.metadata.get(k)) : null
    return {
      protocols: p.protocols,
      addrs: p.addresses.map(a => a.multiaddr.toString()),
      agentVersion: text('AgentVersion'),
      protocolVersion: text('ProtocolVersion')
    }
  },
  async echo ({ addr, streams, size }) {
    const conn = await node.dial(multiaddr(addr))
    const started = Date.now()
    const results = await Promise.all(Array.from({ length: streams }, async () => {
      const data = randomBytes(size)
      const stream = await conn.newStream(ECHO, STREAM_LIMITS)
      const reading = readAll(stream)
      await sendAll(stream, data)
      await stream.close()
      const back = await reading
      return back.length === data.length && sha(back) === sha(data)
    }))
    return { matched: results.filter(x => x).length, streams, ms: Date.now() - started }
  },
  async sink ({ addr, bytes }) {
    const conn = await node.dial(multiaddr(addr))
    const stream = await conn.newStream(SINK, STREAM_LIMITS)
    const chunk = Buffer.alloc(256 * 1024)
    const reading = readAll(stream)
    const t = process.hrtime.bigint()
    for (let left = bytes; left > 0; left -= chunk.length) {
      if (!stream.send(left >= chunk.length ? chunk : chunk.subarray(0, left))) await stream.onDrain()
    }
    await stream.close()
    await reading
    const s = Number(process.hrtime.bigint() - t) / 1e9
    return { seconds: s, mbps: bytes / s / 1e6 }
  },
  async handshakes ({ addr, count }) {
    const ma = multiaddr(addr)
    const t = process.hrtime.bigint()
    let failed = 0
    let lastError = null
    for (let i = 0; i < count; i++) {
      try {
        const c = await node.dial(ma, { force: true })
        await c.close()
      } catch (e) { failed++; lastError = String(e?.message ?? e) }
    }
    const s = Number(process.hrtime.bigint() - t) / 1e9
    return { perSecond: (count - failed) / s, failed, lastError }
  },
  async connections () {
    return { peers: node.getConnections().map(c => c.remotePeer.toString()) }
  },
  async stop () {
    setTimeout(async () => { await node.stop(); process.exit(0) }, 10)
    return {}
  }
}

out({ event: 'ready', peer: node.peerId.toString(), addrs: node.getMultiaddrs().map(m => m.toString()) })

const rl = createInterface({ input: process.stdin })
rl.on('line', async (line) => {
  let req
  try { req = JSON.parse(line) } catch (e) { out({ ok: false, error: 'bad json: ' + e.message }); return }
  try {
    const f = commands[req.cmd]
    if (!f) throw new Error('unknown command ' + req.cmd)
    out({ id: req.id, ok: true, ...(await f(req)) })
  } catch (e) {
    out({ id: req.id, ok: false, error: String(e?.message ?? e) })
  }
})
rl.on('close', async () => { await node.stop(); process.exit(0) })
