// Helia's UnixFS importer (@helia/unixfs with its defaults) for p2pkit's interop tests and benchmark.
//   node add.mjs add PATH [--store none|memory|DIR] [--profile unixfs-v0-2015|unixfs-v1-2025]
//                                                      a file or a directory (recursively)
//   node add.mjs cat CID --store DIR                   reads a file back, counting its bytes
// add prints one JSON line per entry, {"path","cid","size"} (path "" for the top-level entry),
// then {"root","ms"}; cat prints {"bytes","ms"}. --store DIR is a blockstore-fs directory;
// "none" keeps no block (only the CIDs are computed), "memory" a MemoryBlockstore.
import fs from 'node:fs'
import path from 'node:path'
import { unixfs } from '@helia/unixfs'
import { MemoryBlockstore } from 'blockstore-core'
import { fixedSize } from 'ipfs-unixfs-importer/chunker'
import { balanced } from 'ipfs-unixfs-importer/layout'
import { FsBlockstore } from 'blockstore-fs'

const [command, target, ...rest] = process.argv.slice(2)
let storeArg = 'none'
const options = {}
for (let i = 0; i < rest.length; i++) {
  if (rest[i] === '--store') storeArg = rest[++i]
  else if (rest[i] === '--profile') options.profile = rest[++i]
}
// @helia/unixfs's own defaults (CIDv1, raw leaves, 1 MiB, 1024 links) would override what the
// importer's profile option picks, so a profile's settings are spelled out as well.
if (options.profile === 'unixfs-v0-2015') {
  Object.assign(options, { cidVersion: 0, rawLeaves: false, shardSplitStrategy: 'links-bytes',
    chunker: fixedSize({ chunkSize: 262_144 }), layout: balanced({ maxChildrenPerNode: 174 }) })
} else if (options.profile === 'unixfs-v1-2025') {
  Object.assign(options, { cidVersion: 1, rawLeaves: true, shardSplitStrategy: 'block-bytes',
    chunker: fixedSize({ chunkSize: 1_048_576 }), layout: balanced({ maxChildrenPerNode: 1024 }) })
} else if (options.profile !== undefined) {
  process.stderr.write('unknown profile ' + options.profile + '\n'); process.exit(2)
}

class NullBlockstore {
  async put (cid) { return cid }
  async has () { return false }
  async * get () { throw new Error('the null blockstore keeps nothing') }
}

async function store () {
  if (storeArg === 'none') return new NullBlockstore()
  if (storeArg === 'memory') return new MemoryBlockstore()
  const s = new FsBlockstore(storeArg)
  await s.open()
  return s
}

const out = (o) => process.stdout.write(JSON.stringify(o) + '\n')

// What @helia/unixfs's globSource(dir, '**/*') yields (hidden names skipped, symlinks followed),
// without the glob: it-glob reads a backslash in a file name as an escape and loses the file.
async function * walk (root, rel) {
  const names = (await fs.promises.readdir(path.join(root, rel))).filter(n => !n.startsWith('.')).sort()
  for (const name of names) {
    const r = rel === '' ? name : rel + '/' + name
    const full = path.join(root, r)
    const st = await fs.promises.stat(full)
    if (st.isDirectory()) {
      yield { path: '/' + r }
      yield * walk(root, r)
    } else {
      yield { path: '/' + r, content: fs.createReadStream(full) }
    }
  }
}

async function add () {
  const blockstore = await store()
  const fsx = unixfs({ blockstore })
  const started = performance.now()
  const stat = await fs.promises.lstat(target)
  let root
  if (stat.isDirectory()) {
    // the directory's own entry is the wrapping one, with path ''
    for await (const e of fsx.addAll(walk(target, ''), { ...options, wrapWithDirectory: true })) {
      out({ path: e.path === undefined ? '' : e.path.replace(/^\//, ''), cid: e.cid.toString(), size: Number(e.size) })
      root = e.cid
    }
  } else {
    root = await fsx.addByteStream(fs.createReadStream(target), options)
    out({ path: '', cid: root.toString(), size: stat.size })
  }
  out({ root: root.toString(), ms: performance.now() - started })
  if (blockstore.close) await blockstore.close()
}

async function cat () {
  const blockstore = await store()
  const fsx = unixfs({ blockstore })
  const { CID } = await import('multiformats/cid')
  const started = performance.now()
  let bytes = 0
  for await (const chunk of fsx.cat(CID.parse(target))) bytes += chunk.byteLength
  out({ bytes, ms: performance.now() - started })
  if (blockstore.close) await blockstore.close()
}

try {
  if (command === 'add') await add()
  else if (command === 'cat') await cat()
  else { process.stderr.write('usage: add.mjs add PATH [--store none|memory|DIR] | cat CID --store DIR\n'); process.exit(2) }
} catch (e) {
  process.stderr.write(String(e && e.stack || e) + '\n')
  process.exit(1)
}
