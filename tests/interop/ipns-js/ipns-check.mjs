// Checks IPNS records with js-ipns, the reference JavaScript implementation, for IpnsInteropTest.
// Usage:
//   node ipns-check.mjs validate <routing key hex> <record base64>
//       -> {"value","sequence","validity","ttl"} when js-ipns accepts the record, else {"error"}
//   node ipns-check.mjs create <value> <sequence> <lifetime ms>
//       -> {"routingKey": hex, "record": base64} signed by a fresh Ed25519 key (V1+V2, as js publishes)
import { createIPNSRecord, marshalIPNSRecord, unmarshalIPNSRecord, multihashToIPNSRoutingKey } from 'ipns'
import { ipnsValidator } from 'ipns/validator'
import { generateKeyPair } from '@libp2p/crypto/keys'

const [op, ...args] = process.argv.slice(2)
const say = (o) => process.stdout.write(JSON.stringify(o, (k, v) => typeof v === 'bigint' ? v.toString() : v) + '\n')
try {
  if (op === 'validate') {
    const key = Buffer.from(args[0], 'hex')
    const bytes = Buffer.from(args[1], 'base64')
    await ipnsValidator(key, bytes)
    const r = unmarshalIPNSRecord(bytes)
    say({ value: r.value, sequence: r.sequence, validity: r.validity, ttl: r.ttl })
  } else if (op === 'create') {
    const priv = await generateKeyPair('Ed25519')
    const rec = await createIPNSRecord(priv, args[0], BigInt(args[1]), Number(args[2]))
    say({ routingKey: Buffer.from(multihashToIPNSRoutingKey(priv.publicKey.toMultihash())).toString('hex'), record: Buffer.from(marshalIPNSRecord(rec)).toString('base64') })
  } else {
    say({ error: 'unknown op ' + op })
  }
} catch (e) {
  say({ error: String(e?.message ?? e) })
}
