// A Helia node (createHeliaLight + withLibp2pLight + withBitswap) for Spore's Bitswap interop tests
// and benchmark, driven by JSON lines on stdin; every reply is one JSON line on stdout.
// Usage: node --import ./with-resolvers.mjs helia-bitswap-peer.mjs
// Prints {"peerId": ..., "addresses": [...]} first. Commands:
//   {"op":"random","count":N,"size":S,"seed":K} -> stores N random raw blocks; {"cids":[...]}
//   {"op":"put","data":"<base64>"}              -> {"cid": ...}
//   {"op":"putFiles","dir":D}                   -> stores every file under D named by a raw-codec CID (a Spore
//                                                 block store's blocks/); {"cids":[...],"bytes":B}
//   {"op":"dial","addr":"<multiaddr>"}          -> {"peer": ...}
//   {"op":"get","cids":[...],"parallel":P}      -> fetches all (P at a time), checks hashes; {"blocks":N,"bytes":B,"ms":T,"sha256":[hex...]}
//   {"op":"quit"}
// Errors reply {"error":"..."}.
import { createHeliaLight } from 'helia'
import { withLibp2pLight } from '@helia/libp2p'
import { withBitswap } from '@helia/bitswap'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { multiaddr } from '@multiformats/multiaddr'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { createHash } from 'node:crypto'
import readline from 'node:readline'

const helia = withBitswap(withLibp2pLight(createHeliaLight(), {
  addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  services: { identify: identify() }
}))
await helia.start()
const say = (o) => process.stdout.write(JSON.stringify(o) + '\n')
say({ peerId: helia.libp2p.peerId.toString(), addresses: helia.libp2p.getMultiaddrs().map(String) })

async function readBlock (cid, signal) {
  const got = await helia.blockstore.get(cid, { signal })
  if (got instanceof Uint8Array) return got
  const parts = []
  for await (const p of got) parts.push(p)
  return Buffer.concat(parts)
}

function prng (seed) {
  let x = BigInt(seed) * 0x9E3779B97F4A7C15n + 1n
  return (buf) => {
    for (let i = 0; i < buf.length; i += 8) {
      x ^= x << 13n; x &= 0xFFFFFFFFFFFFFFFFn; x ^= x >> 7n; x ^= x << 17n; x &= 0xFFFFFFFFFFFFFFFFn
      const v = x
      for (let j = 0; j < 8 && i + j < buf.length; j++) buf[i + j] = Number((v >> BigInt(8 * j)) & 0xFFn)
    }
  }
}

async function handle (cmd) {
  switch (cmd.op) {
    case 'random': {
      const fill = prng(cmd.seed ?? 1)
      const cids = []
      for (let i = 0; i < cmd.count; i++) {
        const b = new Uint8Array(cmd.size)
        fill(b.subarray(0, Math.min(64, b.length)))
        b.fill(i & 0xff, 64)
        const dv = new DataView(b.buffer); if (b.length >= 72) dv.setUint32(64, i)
        const cid = CID.createV1(raw.code, await sha256.digest(b))
        await helia.blockstore.put(cid, b)
        cids.push(cid.toString())
      }
      return { cids }
    }
    case 'put': {
      const b = Buffer.from(cmd.data, 'base64')
      const cid = CID.createV1(raw.code, await sha256.digest(b))
      await helia.blockstore.put(cid, b)
      return { cid: cid.toString() }
    }
    case 'putFiles': {
      const { readdir, readFile } = await import('node:fs/promises')
      const cids = []
      let bytes = 0
      for (const sub of (await readdir(cmd.dir)).sort()) {
        if (sub.startsWith('.')) continue
        for (const name of (await readdir(cmd.dir + '/' + sub)).sort()) {
          let cid
          try { cid = CID.parse(name) } catch { continue }
          if (cid.code !== raw.code) continue
          const b = await readFile(cmd.dir + '/' + sub + '/' + name)
          await helia.blockstore.put(cid, new Uint8Array(b.buffer, b.byteOffset, b.length))
          cids.push(cid.toString())
          bytes += b.length
        }
      }
      return { cids, bytes }
    }
    case 'dial': {
      const conn = await helia.libp2p.dial(multiaddr(cmd.addr))
      return { peer: conn.remotePeer.toString() }
    }
    case 'get': {
      const t0 = Date.now()
      const cids = cmd.cids.map(c => CID.parse(c))
      const out = new Array(cids.length)
      let bytes = 0
      let next = 0
      const parallel = cmd.parallel ?? 32
      const signal = AbortSignal.timeout(cmd.timeoutMs ?? 120000)
      async function worker () {
        while (next < cids.length) {
          const i = next++
          const b = await readBlock(cids[i], signal)
          const digest = await sha256.digest(b)
          if (!CID.createV1(cids[i].code, digest).equals(cids[i])) throw new Error('block ' + cids[i] + ' does not match its CID')
          bytes += b.length
          out[i] = cmd.hashes === false ? '' : createHash('sha256').update(b).digest('hex')
        }
      }
      await Promise.all(Array.from({ length: Math.min(parallel, cids.length) }, worker))
      return { blocks: cids.length, bytes, ms: Date.now() - t0, sha256: out }
    }
    case 'quit':
      await helia.stop()
      process.exit(0)
    default:
      throw new Error('unknown op ' + cmd.op)
  }
}

const rl = readline.createInterface({ input: process.stdin })
for await (const line of rl) {
  if (!line.trim()) continue
  try {
    say(await handle(JSON.parse(line)))
  } catch (e) {
    say({ error: String(e?.message ?? e) })
  }
}
await helia.stop()
process.exit(0)
