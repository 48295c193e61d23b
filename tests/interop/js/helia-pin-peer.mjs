// A Helia node that pins a whole DAG from its root, for Spore's HeliaPinTest: proves that an image
// (DAG-CBOR manifest blocks linking raw chunks) can be kept on ordinary IPFS infrastructure.
// Usage: node --import ./with-resolvers.mjs helia-pin-peer.mjs <multiaddr of a Spore daemon> <root cid>
// Prints one JSON line: {"pinned": true, "blocks": [cid...], "bytes": B, "ms": T} or {"error": "..."}.
import { createHeliaLight } from 'helia'
import { withLibp2pLight } from '@helia/libp2p'
import { withBitswap } from '@helia/bitswap'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { multiaddr } from '@multiformats/multiaddr'
import { CID } from 'multiformats/cid'
import * as dagCbor from '@ipld/dag-cbor'

const [addr, root] = process.argv.slice(2)
const say = (o) => process.stdout.write(JSON.stringify(o) + '\n')
const helia = withBitswap(withLibp2pLight(createHeliaLight({ codecs: [dagCbor] }), {
  addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  services: { identify: identify() }
}))
try {
  await helia.start()
  await helia.libp2p.dial(multiaddr(addr))
  const cid = CID.parse(root)
  const t0 = Date.now()
  const blocks = []
  for await (const c of helia.pins.add(cid, { signal: AbortSignal.timeout(120_000) })) blocks.push(c.toString())
  const ms = Date.now() - t0
  let bytes = 0
  for (const c of blocks) {
    const got = await helia.blockstore.get(CID.parse(c))
    if (got instanceof Uint8Array) bytes += got.length
    else for await (const p of got) bytes += p.length
  }
  say({ pinned: await helia.pins.isPinned(cid), blocks, bytes, ms })
} catch (e) {
  say({ error: String(e?.message ?? e) })
} finally {
  await helia.stop()
  process.exit(0)
}
