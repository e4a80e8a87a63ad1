// js-libp2p Kademlia DHT peer for p2pkit's DHT interop tests.
//
//   node kad.mjs --listen /ip4/127.0.0.1/tcp/0 [--protocol /ipfs/kad/1.0.0]
//
// A DHT server (clientMode false) on loopback with no bootstrap list and no address filtering
// (the default mapper would drop the loopback addresses every peer here has). It prints
// {"event":"ready","peerId":…,"addrs":[…]} and then runs commands, one JSON object per stdin line:
//   {"cmd":"connect","addr":MADDR}                 -> {"event":"connected","peerId":…}
//   {"cmd":"provide","cid":CID}                    -> {"event":"provided"}
//   {"cmd":"findprovs","cid":CID,"count":N}        -> {"event":"provider",…}… {"event":"findprovs-done","count":N}
//   {"cmd":"findpeer","peerId":ID}                 -> {"event":"peer","peerId":…,"addrs":[…]} | {"event":"peer-not-found"}
//   {"cmd":"put","key":"/pk/ID","value":B64}       -> {"event":"put-done"}
//   {"cmd":"put-ipns","value":"/ipfs/…","seq":N}   -> {"event":"put-done","key":"/ipns/<own ID>"}
//   {"cmd":"get","key":"/pk/ID"|"/ipns/ID"}        -> {"event":"value","value":B64} | {"event":"not-found"}
//   {"cmd":"in-table","peerId":ID}                 -> {"event":"in-table","present":bool,"size":N}
// A failed command prints {"event":"command-failed","cmd":…,"message":…}; closing stdin stops the node.

import { createInterface } from 'node:readline'

await import('./node20.mjs')

const { createLibp2p } = await import('libp2p')
const { tcp } = await import('@libp2p/tcp')
const { noise } = await import('@chainsafe/libp2p-noise')
const { yamux } = await import('@chainsafe/libp2p-yamux')
const { identify, identifyPush } = await import('@libp2p/identify')
const { ping } = await import('@libp2p/ping')
const { kadDHT, passthroughMapper } = await import('@libp2p/kad-dht')
const { createIPNSRecord, marshalIPNSRecord } = await import('ipns')
const { ipnsValidator } = await import('ipns/validator')
const { ipnsSelector } = await import('ipns/selector')
const { peerIdFromString } = await import('@libp2p/peer-id')
const { multiaddr } = await import('@multiformats/multiaddr')
const { CID } = await import('multiformats/cid')
const { generateKeyPair } = await import('@libp2p/crypto/keys')

const TIMEOUT_MS = 30_000

function emit (event) {
  process.stdout.write(JSON.stringify(event) + '\n')
}

function usage (msg) {
  process.stderr.write(`kad: ${msg}\nusage: kad --listen MADDR [--protocol ID]\n`)
  process.exit(2)
}

function parseArgs (argv) {
  const args = { protocol: '/ipfs/kad/1.0.0' }
  for (let i = 0; i < argv.length; i += 2) {
    if (i + 1 >= argv.length) usage(`${argv[i]} needs a value`)
    if (argv[i] === '--listen') args.listen = argv[i + 1]
    else if (argv[i] === '--protocol') args.protocol = argv[i + 1]
    else usage(`unknown flag ${argv[i]}`)
  }
  if (args.listen === undefined) usage('--listen is required')
  return args
}

// A DHT key: the namespace text followed by the peer ID's multihash bytes, as go and js build them.
function recordKey (text) {
  const m = /^\/(pk|ipns)\/(.+)$/.exec(text)
  if (m == null) throw new Error(`bad key ${text}`)
  const prefix = new TextEncoder().encode(`/${m[1]}/`)
  const id = peerIdFromString(m[2]).toMultihash().bytes
  const key = new Uint8Array(prefix.length + id.length)
  key.set(prefix, 0)
  key.set(id, prefix.length)
  return key
}

const args = parseArgs(process.argv.slice(2))
const privateKey = await generateKeyPair('Ed25519')
const node = await createLibp2p({
  privateKey,
  addresses: { listen: [args.listen] },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  services: {
    identify: identify(),
    identifyPush: identifyPush(),
    ping: ping(),
    dht: kadDHT({
      protocol: args.protocol,
      clientMode: false,
      peerInfoMapper: passthroughMapper,
      validators: { ipns: ipnsValidator },
      selectors: { ipns: ipnsSelector },
      allowQueryWithZeroPeers: true
    })
  }
})
const dht = node.services.dht

emit({ event: 'ready', peerId: node.peerId.toString(), addrs: node.getMultiaddrs().map(a => a.toString()) })

async function run (cmd) {
  const signal = AbortSignal.timeout(TIMEOUT_MS)
  switch (cmd.cmd) {
    case 'connect': {
      const c = await node.dial(multiaddr(cmd.addr), { signal })
      emit({ event: 'connected', peerId: c.remotePeer.toString() })
      return
    }
    case 'provide': {
      for await (const e of dht.provide(CID.parse(cmd.cid), { signal })) { void e }
      emit({ event: 'provided' })
      return
    }
    case 'findprovs': {
      const seen = new Set()
      for await (const e of dht.findProviders(CID.parse(cmd.cid), { signal })) {
        if (e.name !== 'PROVIDER') continue
        for (const p of e.providers) {
          const id = p.id.toString()
          if (seen.has(id)) continue
          seen.add(id)
          emit({ event: 'provider', peerId: id, addrs: p.multiaddrs.map(a => a.toString()) })
        }
        if (seen.size >= (cmd.count ?? 20)) break
      }
      emit({ event: 'findprovs-done', count: seen.size })
      return
    }
    case 'findpeer': {
      const target = peerIdFromString(cmd.peerId)
      for await (const e of dht.findPeer(target, { signal })) {
        if (e.name === 'FINAL_PEER' && e.peer.id.equals(target)) {
          emit({ event: 'peer', peerId: cmd.peerId, addrs: e.peer.multiaddrs.map(a => a.toString()) })
          return
        }
      }
      emit({ event: 'peer-not-found' })
      return
    }
    case 'put': {
      for await (const e of dht.put(recordKey(cmd.key), Buffer.from(cmd.value, 'base64'), { signal })) { void e }
      emit({ event: 'put-done', key: cmd.key })
      return
    }
    case 'put-ipns': {
      const record = await createIPNSRecord(privateKey, cmd.value, BigInt(cmd.seq), 3600_000)
      const key = `/ipns/${node.peerId.toString()}`
      for await (const e of dht.put(recordKey(key), marshalIPNSRecord(record), { signal })) { void e }
      emit({ event: 'put-done', key })
      return
    }
    case 'get': {
      let best
      for await (const e of dht.get(recordKey(cmd.key), { signal })) {
        if (e.name === 'VALUE') best = e.value
      }
      emit(best === undefined ? { event: 'not-found' } : { event: 'value', value: Buffer.from(best).toString('base64') })
      return
    }
    case 'in-table': {
      const found = await dht.routingTable.find(peerIdFromString(cmd.peerId))
      emit({ event: 'in-table', present: found != null, size: dht.routingTable.size })
      return
    }
    default:
      throw new Error(`unknown command ${cmd.cmd}`)
  }
}

const lines = createInterface({ input: process.stdin })
let queue = Promise.resolve()
lines.on('line', (line) => {
  if (line.trim() === '') return
  queue = queue.then(async () => {
    let cmd
    try {
      cmd = JSON.parse(line)
      await run(cmd)
    } catch (err) {
      emit({ event: 'command-failed', cmd: cmd?.cmd ?? null, message: String(err?.message ?? err) })
    }
  })
})
lines.on('close', () => {
  queue.then(() => node.stop()).then(() => process.exit(0))
})
