// A js-libp2p peer for Spore's Kademlia and mDNS interop tests, driven line by line on stdin.
// Usage: node --import ./with-resolvers.mjs kad-mdns-peer.mjs [--mdns] [--listen MULTIADDR]
// Prints "id <peer id>", "listening <multiaddr>" for each address, then "ready".
// Commands (one per line) and their replies:
//   dial <multiaddr>        -> "dialed <peer id>"
//   provide <cid>           -> "provided"
//   findprov <cid> <limit>  -> "provider <peer id> <multiaddr>..." per provider, then "findprov done"
//   findpeer <peer id>      -> "peer <peer id> <multiaddr>..." or "peer none"
//   rt                      -> "rt <routing table size>"
// With --mdns, every discovery prints "discovered <peer id> <multiaddr>...".
// Errors print "error <message>".
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { kadDHT, passthroughMapper } from '@libp2p/kad-dht'
import { mdns } from '@libp2p/mdns'
import { multiaddr } from '@multiformats/multiaddr'
import { peerIdFromString } from '@libp2p/peer-id'
import { CID } from 'multiformats/cid'
import readline from 'node:readline'

const args = process.argv.slice(2)
const withMdns = args.includes('--mdns')
const li = args.indexOf('--listen')
const listen = li >= 0 ? args[li + 1] : '/ip4/127.0.0.1/tcp/0'

const node = await createLibp2p({
  addresses: { listen: [listen] },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  peerDiscovery: withMdns ? [mdns({ interval: 1000 })] : [],
  services: {
    identify: identify(),
    ping: ping(),
    dht: kadDHT({ protocol: '/ipfs/kad/1.0.0', clientMode: false, peerInfoMapper: passthroughMapper })
  }
})
node.addEventListener('peer:discovery', (evt) => {
  const { id, multiaddrs } = evt.detail
  console.log('discovered', id.toString(), ...multiaddrs.map(m => m.toString()))
})
await node.start()
console.log('id', node.peerId.toString())
for (const ma of node.getMultiaddrs()) console.log('listening', ma.toString())
console.log('ready')

const rl = readline.createInterface({ input: process.stdin })
for await (const line of rl) {
  const [cmd, ...rest] = line.trim().split(/\s+/)
  try {
    const signal = AbortSignal.timeout(30000)
    if (cmd === 'dial') {
      const conn = await node.dial(multiaddr(rest[0]), { signal })
      console.log('dialed', conn.remotePeer.toString())
    } else if (cmd === 'provide') {
      await node.contentRouting.provide(CID.parse(rest[0]), { signal })
      console.log('provided')
    } else if (cmd === 'findprov') {
      const limit = Number(rest[1] ?? 1)
      let n = 0
      for await (const p of node.contentRouting.findProviders(CID.parse(rest[0]), { signal })) {
        console.log('provider', p.id.toString(), ...p.multiaddrs.map(m => m.toString()))
        if (++n >= limit) break
      }
      console.log('findprov done')
    } else if (cmd === 'findpeer') {
      try {
        const p = await node.peerRouting.findPeer(peerIdFromString(rest[0]), { signal })
        console.log('peer', p.id.toString(), ...p.multiaddrs.map(m => m.toString()))
      } catch (e) {
        console.log('peer none', e.message)
      }
    } else if (cmd === 'rt') {
      console.log('rt', node.services.dht.routingTable.size)
    } else if (cmd === 'quit') {
      break
    } else {
      console.log('error unknown command', cmd)
    }
  } catch (e) {
    console.log('error', (e?.message ?? String(e)).replace(/\n/g, ' '))
  }
}
await node.stop()
process.exit(0)
