// A scripted session of kubo-rpc-client, the JavaScript client of Kubo's RPC API, unchanged, against
// one daemon: node session.mjs --api http://127.0.0.1:PORT --tree DIR --peer MULTIADDR/p2p/ID
//
// Prints one JSON line per step: {"step": name, "result": …} or {"step": name, "error": message}.
// A result holds what the content decides (CIDs, bytes, listings, pins, messages) in full and, for
// what the node decides (its ID, versions, sizes on disk), only the shape (the sorted keys), so that
// the lines printed against a Kubo daemon and against a p2pkit daemon holding the same content can
// be compared one for one. Every wait has a deadline; the process exits 0 once all steps ran.
import { create, globSource, CID } from 'kubo-rpc-client'
import { createHash } from 'node:crypto'

const args = {}
for (let i = 2; i < process.argv.length; i += 2) {
  args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1]
}
for (const required of ['api', 'tree', 'peer']) {
  if (args[required] == null) {
    console.error('usage: node session.mjs --api URL --tree DIR --peer MULTIADDR')
    process.exit(2)
  }
}

const ipfs = create({ url: args.api, timeout: '60s' })
const peerId = args.peer.split('/p2p/').pop()
const topic = 'p2pkit-rpc-session'

// JSON with CIDs as strings, bytes as base64 and bigints as decimal strings.
function plain (value) {
  return JSON.parse(JSON.stringify(value, (key, v) => {
    const cid = CID.asCID(v)
    if (cid != null) return { '/': cid.toString() }
    if (v instanceof Uint8Array) return { bytes: Buffer.from(v).toString('base64') }
    if (typeof v === 'bigint') return v.toString()
    if (v != null && typeof v === 'object' && typeof v.toString === 'function' &&
        v.constructor?.name?.endsWith('PeerId')) return v.toString()
    return v
  }))
}

const shape = (object) => Object.keys(object).sort()

function digest (chunks) {
  const hash = createHash('sha256')
  let length = 0
  for (const chunk of chunks) {
    hash.update(chunk)
    length += chunk.length
  }
  return { length, sha256: hash.digest('hex') }
}

async function collect (iterable) {
  const all = []
  for await (const item of iterable) all.push(item)
  return all
}

async function withDeadline (ms, what, promise) {
  let timer
  const deadline = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([promise, deadline])
  } finally {
    clearTimeout(timer)
  }
}

async function step (name, run) {
  try {
    const result = await withDeadline(90_000, name, run())
    console.log(JSON.stringify({ step: name, result: plain(result) }))
    return result
  } catch (e) {
    console.log(JSON.stringify({ step: name, error: e.message }))
    return undefined
  }
}

const id = await step('id', async () => {
  const r = await ipfs.id()
  const self = r.id.toString()
  return { keys: shape(r), addressesEndWithId: r.addresses.every(a => a.toString().endsWith('/p2p/' + self)) }
})
await step('version', async () => shape(await ipfs.version()))

// add: a tree with progress events; each event's path and bytes count, the last per path compared
let root
await step('add a tree with progress', async () => {
  const progress = new Map()
  let events = 0
  const added = await collect(ipfs.addAll(globSource(args.tree, '**/*'), {
    wrapWithDirectory: true,
    pin: false,
    progress: (bytes, path) => { events++; progress.set(path, bytes) }
  }))
  root = added[added.length - 1].cid
  return {
    added: added.map(a => ({ path: a.path, cid: a.cid, size: a.size })),
    lastProgressPerPath: Object.fromEntries([...progress.entries()].sort()),
    sawProgress: events > 0
  }
})
await step('add raw-leaves cidv1 one file', async () => {
  const a = await ipfs.add({ path: 'one.txt', content: 'one file\n' }, { cidVersion: 1, rawLeaves: true, pin: false })
  return { path: a.path, cid: a.cid, size: a.size }
})
await step('cat a file', async () => digest(await collect(ipfs.cat(`/ipfs/${root}/big.bin`))))
await step('cat a range', async () => digest(await collect(ipfs.cat(`/ipfs/${root}/big.bin`, { offset: 1000, length: 70000 }))))
await step('cat text', async () => Buffer.concat(await collect(ipfs.cat(`${root}/sub/b.txt`))).toString())
await step('cat a directory', async () => collect(ipfs.cat(`/ipfs/${root}`)))
await step('cat a missing link', async () => collect(ipfs.cat(`/ipfs/${root}/missing`)))
await step('ls', async () => (await collect(ipfs.ls(root))).map(e => ({ name: e.name, cid: e.cid, size: e.size, type: e.type })))

// pins
await step('pin ls before', async () => collect(ipfs.pin.ls({ paths: [root] })))
await step('pin add', async () => ipfs.pin.add(root))
await step('pin ls', async () => collect(ipfs.pin.ls({ paths: [root] })))
await step('pin ls recursive', async () => (await collect(ipfs.pin.ls({ type: 'recursive' })))
  .filter(p => p.cid.equals(root)))
await step('pin rm', async () => ipfs.pin.rm(root))
await step('pin add direct', async () => ipfs.pin.add(root, { recursive: false }))
await step('pin ls direct', async () => collect(ipfs.pin.ls({ paths: [root], type: 'direct' })))
await step('pin rm direct', async () => ipfs.pin.rm(root, { recursive: false }))

// blocks and dag
const block = await step('block put', async () => ipfs.block.put(new TextEncoder().encode('raw block bytes\n')))
await step('block stat', async () => ipfs.block.stat(block))
await step('block get', async () => Buffer.from(await ipfs.block.get(block)).toString())
const node = { hello: 'world', list: [1, 2, { deep: true }], link: root, bytes: new Uint8Array([1, 2, 3]) }
const dagCid = await step('dag put', async () => ipfs.dag.put(node))
await step('dag put dag-json', async () => ipfs.dag.put(node, { storeCodec: 'dag-json' }))
await step('dag get', async () => ipfs.dag.get(dagCid))
await step('dag get path', async () => ipfs.dag.get(dagCid, { path: '/list/2/deep' }))
await step('dag get through a link', async () => {
  const r = await ipfs.dag.get(dagCid, { path: '/link' })
  return { remainderPath: r.remainderPath, links: r.value.Links?.map(l => ({ name: l.Name, cid: l.Hash })) }
})

// pubsub: messages this node publishes reach its own subscription
await step('pubsub pub and sub', async () => {
  const got = []
  let warm = false
  const handler = (msg) => {
    const text = new TextDecoder().decode(msg.data)
    if (text === 'warm-up') {
      warm = true
    } else {
      got.push({ text, keys: shape(msg), topic: msg.topic, fromIsPeerId: typeof msg.from?.toString() === 'string' })
    }
  }
  await ipfs.pubsub.subscribe(topic, handler)
  // the subscription is open once a message published after it comes back
  const start = Date.now()
  while (!warm) {
    if (Date.now() - start > 30_000) throw new Error('no warm-up message came back within 30 s')
    await ipfs.pubsub.publish(topic, new TextEncoder().encode('warm-up'))
    await new Promise(resolve => setTimeout(resolve, 300))
  }
  for (const text of ['first', 'second', 'third']) {
    await ipfs.pubsub.publish(topic, new TextEncoder().encode(text))
  }
  while (got.length < 3) {
    if (Date.now() - start > 60_000) throw new Error(`only ${got.length} of 3 messages came back within 60 s`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  const ls = await ipfs.pubsub.ls()
  const peers = await ipfs.pubsub.peers(topic)
  await ipfs.pubsub.unsubscribe(topic, handler)
  return { messages: got, topics: ls.filter(t => t === topic), peers: peers.length }
})

// keys and names
let key
await step('key gen', async () => {
  const k = await ipfs.key.gen('session', { type: 'ed25519' })
  key = { id: k.id.toString(), name: k.name }
  // the ID differs per node: compared is that it is an Ed25519 key's name in base36 (k51…)
  return { keys: shape(k), name: k.name, id: key.id.startsWith('k51') ? 'ed25519 base36' : key.id }
})
await step('key gen again', async () => {
  await ipfs.key.gen('session', { type: 'ed25519' })
  return 'created twice'
})
await step('key list', async () => (await ipfs.key.list()).map(k => k.name).sort())
await step('name publish', async () => {
  const r = await ipfs.name.publish(`/ipfs/${root}`, { key: 'session', lifetime: '24h', ttl: '1m', allowOffline: true, resolve: false })
  return { keys: shape(r), value: r.value, nameIsKey: r.name === key?.id }
})
await step('name resolve', async () => collect(ipfs.name.resolve(`/ipns/${key?.id}`, { recursive: false })))

// swarm: connect to the other daemon, list it, disconnect
await step('swarm connect', async () => {
  await ipfs.swarm.connect(args.peer)
  return true
})
await step('swarm peers', async () => {
  const peers = await ipfs.swarm.peers()
  return { count: peers.length, keys: peers.map(shape), peer: peers.map(p => p.peer.toString() === peerId) }
})
await step('swarm disconnect', async () => {
  await ipfs.swarm.disconnect(args.peer)
  return true
})

await step('stats bw', async () => (await collect(ipfs.stats.bw())).map(shape))
await step('repo stat', async () => shape(await ipfs.repo.stat()))
process.exit(id === undefined ? 1 : 0)
