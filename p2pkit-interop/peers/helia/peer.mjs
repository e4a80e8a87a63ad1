// A Helia node exchanging blocks over Bitswap, for p2pkit's Bitswap interop tests and benchmark.
//
//   node peer.mjs [--dht PREFIX] [--store DIR]
//
// Helia's light core with only libp2p (TCP, Noise, Yamux, identify) and Bitswap: no HTTP gateways,
// no delegated routing, no bootstrap, no mDNS, no autoNAT/UPnP/relay. It listens on 127.0.0.1 and
// dials only loopback addresses (a connection gater refuses any other). Without --dht there is no
// DHT either, so blocks come only from peers it was told to connect to. Blocks are kept in memory,
// or with --store in DIR through blockstore-fs (a file per block, written to a temporary name and
// renamed, without fsync); pins and the rest of the datastore stay in memory.
//
// --dht PREFIX adds @libp2p/kad-dht in server mode speaking PREFIX/kad/1.0.0 (/ipfs/lan for
// Kubo's LAN DHT), keeping loopback addresses in its records (passthroughMapper). Its routing
// table fills from the peers it connects to; Helia's routing then finds providers through it (a
// block Bitswap wants is also looked up there) and "provide" announces there.
//
// It prints {"event":"ready","peerId":…,"addrs":[…]} and then runs commands, one JSON object per
// stdin line, one at a time; each answers one line:
//   {"cmd":"add","path":P}             -> {"event":"added","cid":…}  a file or a directory (recursively),
//                                         with Kubo's settings: CIDv0, dag-pb leaves, 256 KiB, 174 links
//   {"cmd":"dagput"}                   -> {"event":"dag","cid":…,"blocks":[…]}  a dag-cbor root linking
//                                         to two dag-cbor children, both linking to one raw block
//   {"cmd":"connect","addr":A}         -> {"event":"connected","peerId":…}
//   {"cmd":"provide","cid":C}          -> {"event":"provided"}  announced to the DHT (needs --dht),
//                                         tried again every second until it succeeds
//   {"cmd":"fetch","cid":C}            -> {"event":"fetched","blocks":N,"had":B,"ms":T,"rssMiB":R}  the
//                                         whole DAG, pinned (N distinct blocks; B: whether the root was
//                                         here before; T: the pinning's wall time; R: peak RSS so far)
//   {"cmd":"cat","cid":C,"out":FILE}   -> {"event":"written","bytes":N}
//   {"cmd":"get","cid":C,"out":DIR}    -> {"event":"written","files":N}  a UnixFS directory tree
//   {"cmd":"block","cid":C}            -> {"event":"block","data":BASE64}  from the local store only
//   {"cmd":"stop"}                     -> {"event":"stopped"}, then it exits (so does closing stdin)
// A failed command answers {"event":"error","step":CMD,"message":…}. Every command has a deadline.

import fs from 'node:fs'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { pipeline } from 'node:stream/promises'
import { withBitswap } from '@helia/bitswap'
import { withLibp2pLight } from '@helia/libp2p'
import { unixfs } from '@helia/unixfs'
import * as dagCbor from '@ipld/dag-cbor'
import { identify } from '@libp2p/identify'
import { kadDHT, passthroughMapper } from '@libp2p/kad-dht'
import { noise } from '@libp2p/noise'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { multiaddr } from '@multiformats/multiaddr'
import { FsBlockstore } from 'blockstore-fs'
import { createHeliaLight } from 'helia'
import { fixedSize } from 'ipfs-unixfs-importer/chunker'
import { balanced } from 'ipfs-unixfs-importer/layout'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'

// js-libp2p 3 targets Node 22; Node 20 lacks this one.
Promise.withResolvers ??= function () {
  let resolve, reject
  const promise = new Promise((res, rej) => { resolve = res; reject = rej })
  return { promise, resolve, reject }
}

const TIMEOUT_MS = 120_000

const option = (name) => {
  const i = process.argv.indexOf(name)
  return i < 0 ? undefined : process.argv[i + 1]
}
const dhtPrefix = option('--dht')
const storeDir = option('--store')
// a benchmark's 1 GiB fetch outlasts a test's deadline
const timeoutMs = Number(option('--timeout-ms') ?? TIMEOUT_MS)

// Kubo 0.39's import settings (add.mjs's unixfs-v0-2015 profile): @helia/unixfs's own defaults
// (CIDv1, raw leaves, 1 MiB, 1024 links) would override what the profile option picks.
const KUBO = {
  profile: 'unixfs-v0-2015',
  cidVersion: 0,
  rawLeaves: false,
  shardSplitStrategy: 'links-bytes',
  chunker: fixedSize({ chunkSize: 262_144 }),
  layout: balanced({ maxChildrenPerNode: 174 })
}

const emit = (o) => process.stdout.write(JSON.stringify(o) + '\n')

const loopback = (ma) => {
  const first = ma.getComponents()[0]
  return (first?.name === 'ip4' && first.value === '127.0.0.1') || (first?.name === 'ip6' && first.value === '::1')
}

// withHTTP (delegated routing, gateways) is what createHelia adds on top and is left out on
// purpose; withLibp2pLight takes this libp2p configuration as it is, adding no defaults.
const services = { identify: identify() }
if (dhtPrefix !== undefined) {
  // the DHT's routing table checks its oldest peers with ping
  services.ping = ping()
  services.dht = kadDHT({ protocol: dhtPrefix + '/kad/1.0.0', clientMode: false, peerInfoMapper: passthroughMapper })
}
let blockstore
if (storeDir !== undefined) {
  blockstore = new FsBlockstore(storeDir)
  await blockstore.open()
}
const helia = withBitswap(withLibp2pLight(createHeliaLight({ codecs: [dagCbor], blockstore }), {
  addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  peerDiscovery: [],
  services,
  connectionGater: {
    denyDialMultiaddr: (ma) => !loopback(ma),
    denyInboundConnection: (maConn) => !loopback(maConn.remoteAddr)
  }
}))
await helia.start()
const fsx = unixfs(helia)

// What add.mjs walks: names in order, hidden ones skipped, symlinks followed.
async function * walk (root, rel) {
  const names = (await fs.promises.readdir(path.join(root, rel))).filter(n => !n.startsWith('.')).sort()
  for (const name of names) {
    const r = rel === '' ? name : rel + '/' + name
    const full = path.join(root, r)
    if ((await fs.promises.stat(full)).isDirectory()) {
      yield { path: '/' + r }
      yield * walk(root, r)
    } else {
      yield { path: '/' + r, content: fs.createReadStream(full) }
    }
  }
}

async function add (target, signal) {
  if (!(await fs.promises.stat(target)).isDirectory()) {
    return fsx.addByteStream(fs.createReadStream(target), { ...KUBO, signal })
  }
  let root
  // the last entry is the wrapping directory, the target itself
  for await (const e of fsx.addAll(walk(target, ''), { ...KUBO, wrapWithDirectory: true, signal })) root = e.cid
  return root
}

async function putBlock (code, bytes) {
  const cid = CID.createV1(code, await sha256.digest(bytes))
  await helia.blockstore.put(cid, bytes)
  return cid
}

async function readBlock (cid, signal) {
  const parts = []
  for await (const part of helia.blockstore.get(cid, { offline: true, signal })) parts.push(part)
  return Buffer.concat(parts)
}

async function get (cid, dir, signal) {
  await fs.promises.mkdir(dir, { recursive: true })
  let files = 0
  for await (const e of fsx.ls(cid, { signal })) {
    const out = path.join(dir, e.name)
    // listed entries carry no type
    if ((await fsx.stat(e.cid, { signal })).type === 'directory') {
      files += await get(e.cid, out, signal)
    } else {
      await pipeline(fsx.cat(e.cid, { signal }), fs.createWriteStream(out))
      files++
    }
  }
  return files
}

async function run (cmd) {
  const signal = AbortSignal.timeout(timeoutMs)
  switch (cmd.cmd) {
    case 'add':
      return { event: 'added', cid: (await add(cmd.path, signal)).toString() }
    case 'dagput': {
      const leaf = await putBlock(raw.code, new TextEncoder().encode('a raw leaf from Helia'))
      const kids = []
      for (let i = 0; i < 2; i++) kids.push(await putBlock(dagCbor.code, dagCbor.encode({ index: i, leaf })))
      const root = await putBlock(dagCbor.code, dagCbor.encode({ name: 'helia dag-cbor', children: kids }))
      return { event: 'dag', cid: root.toString(), blocks: [root, ...kids, leaf].map(String) }
    }
    case 'connect': {
      const c = await helia.libp2p.dial(multiaddr(cmd.addr), { signal })
      return { event: 'connected', peerId: c.remotePeer.toString() }
    }
    case 'provide': {
      // the DHT's routing table fills once identify has run on a new connection: until then
      // there is nobody to announce to, so try again
      const cid = CID.parse(cmd.cid)
      for (;;) {
        try {
          await helia.routing.provide(cid, { signal })
          return { event: 'provided' }
        } catch (err) {
          if (signal.aborted) throw err
          await new Promise(resolve => setTimeout(resolve, 1000))
        }
      }
    }
    case 'fetch': {
      // pinning walks the whole DAG, fetching each block it lacks over Bitswap
      const root = CID.parse(cmd.cid)
      const had = await helia.blockstore.has(root)
      const seen = new Set()
      const start = performance.now()
      for await (const c of helia.pins.add(root, { signal })) seen.add(c.toString())
      const ms = Math.round(performance.now() - start)
      // maxRSS is in KiB
      return { event: 'fetched', blocks: seen.size, had, ms, rssMiB: Math.round(process.resourceUsage().maxRSS / 1024) }
    }
    case 'cat': {
      let bytes = 0
      await pipeline(fsx.cat(CID.parse(cmd.cid), { signal }), async function * (chunks) {
        for await (const c of chunks) { bytes += c.byteLength; yield c }
      }, fs.createWriteStream(cmd.out))
      return { event: 'written', bytes }
    }
    case 'get':
      return { event: 'written', files: await get(CID.parse(cmd.cid), cmd.out, signal) }
    case 'block':
      return { event: 'block', data: (await readBlock(CID.parse(cmd.cid), signal)).toString('base64') }
    case 'stop':
      return { event: 'stopped' }
    default:
      throw new Error(`unknown command ${cmd.cmd}`)
  }
}

async function stop () {
  // a stuck stop must not keep the process alive
  setTimeout(() => process.exit(1), 10_000).unref()
  await helia.stop()
  process.exit(0)
}

emit({ event: 'ready', peerId: helia.libp2p.peerId.toString(), addrs: helia.libp2p.getMultiaddrs().map(String) })

const lines = createInterface({ input: process.stdin })
let queue = Promise.resolve()
lines.on('line', (line) => {
  if (line.trim() === '') return
  queue = queue.then(async () => {
    let cmd
    try {
      cmd = JSON.parse(line)
      emit(await run(cmd))
      if (cmd.cmd === 'stop') await stop()
    } catch (err) {
      // an AggregateError (a block no broker found) says more in its errors
      const why = [err, ...(err?.errors ?? [])].map(e => `${e?.name}: ${e?.message ?? e}`).join('; ')
      emit({ event: 'error', step: cmd?.cmd ?? 'parse', message: why })
    }
  })
})
lines.on('close', () => { queue.then(stop) })
