// js-libp2p perf program for p2pkit's interop suite and benchmark runner.
//
// @libp2p/perf is not on the npm registry this project builds from, so /perf/1.0.0 is written
// here, after the libp2p perf spec. The command line is the one of libp2p's perf test plans,
// plus a few options shared with the go perf program and `p2pkit perf`:
//   perf.mjs --run-server --server-address HOST:PORT [--security noise|tls]
//   perf.mjs --server-address HOST:PORT|MADDR [--transport tcp|quic-v1|ws] [--upload-bytes N]
//            [--download-bytes N] [--security noise|tls] [--runs N] [--streams N | --conns N]
// --streams N runs N perf streams at once on one connection, --conns N runs N connections at once
// (each from its own client node, one stream each); each stream moves --upload-bytes and
// --download-bytes. Such a run first connects (at most DIAL_CONCURRENCY dials at a time), then
// starts every stream at once; it prints one {"type":"stream",...} line per stream, its time counted
// from that start to the stream's last byte, then the run's final line with the totals.
// The server uses the test plans' fixed identity (Ed25519 from a zero seed) and prints its
// addresses, one per line. The client prints {"type":"intermediary",...} about once per second
// and one {"type":"final",...} line per run; each run dials a new connection.

// js-libp2p 3 targets Node 22; Node 20 lacks these two globals (see peer.mjs).
await import('./node20.mjs')

const { createLibp2p } = await import('libp2p')
const { tcp } = await import('@libp2p/tcp')
const { noise } = await import('@chainsafe/libp2p-noise')
const { tls } = await import('@libp2p/tls')
const { yamux } = await import('@chainsafe/libp2p-yamux')
const { quic } = await import('@chainsafe/libp2p-quic')
const { webSockets } = await import('@libp2p/websockets')
const { generateKeyPairFromSeed } = await import('@libp2p/crypto/keys')
const { multiaddr } = await import('@multiformats/multiaddr')

const PERF = '/perf/1.0.0'
// Streams per connection and connections the benchmark's many-stream and many-connection rows need.
const MAX_STREAMS = 2048
const MAX_CONNECTIONS = 100_000
// Dials in flight at once in a --conns run: a thousand handshakes at once would time out on a small
// machine before any data moves.
const DIAL_CONCURRENCY = 64
const BLOCK = new Uint8Array(128 * 1024)
const SERVER_ID = '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN'

function usage (msg) {
  process.stderr.write(`perf: ${msg}\n`)
  process.exit(2)
}

function parseArgs (argv) {
  const args = { runServer: false, transport: 'tcp', upload: 0, download: 0, security: 'noise', runs: 1, streams: 1, conns: 1 }
  const valued = {
    '--server-address': 'serverAddress',
    '--transport': 'transport',
    '--upload-bytes': 'upload',
    '--download-bytes': 'download',
    '--security': 'security',
    '--runs': 'runs',
    '--streams': 'streams',
    '--conns': 'conns'
  }
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--run-server') {
      args.runServer = true
      // The test plans' js program takes `--run-server true`.
      if (argv[i + 1] === 'true' || argv[i + 1] === 'false') args.runServer = argv[++i] === 'true'
      continue
    }
    const name = valued[argv[i]]
    if (name === undefined) usage(`unknown flag ${argv[i]}`)
    if (i + 1 >= argv.length) usage(`${argv[i]} needs a value`)
    args[name] = argv[++i]
  }
  for (const n of ['upload', 'download', 'runs', 'streams', 'conns']) {
    args[n] = Number(args[n])
    if (!Number.isSafeInteger(args[n]) || args[n] < 0) usage(`bad --${n}`)
  }
  if (args.streams < 1 || args.conns < 1 || (args.streams > 1 && args.conns > 1)) usage('--streams and --conns take a positive count, and only one of them')
  if (args.serverAddress === undefined) usage('--server-address is required')
  if (!['tcp', 'quic-v1', 'ws'].includes(args.transport)) usage('--transport must be tcp, quic-v1 or ws')
  if (!['noise', 'tls'].includes(args.security)) usage('--security must be noise or tls')
  return args
}

// HOST:PORT or [V6]:PORT to a TCP multiaddr; a multiaddr passes through.
function tcpAddress (s) {
  if (s.startsWith('/')) return s
  const colon = s.lastIndexOf(':')
  if (colon <= 0) usage('--server-address must be HOST:PORT or a multiaddr')
  const host = s.slice(0, colon)
  const port = s.slice(colon + 1)
  if (host.startsWith('[')) return `/ip6/${host.slice(1, -1)}/tcp/${port}`
  return `/ip4/${host}/tcp/${port}`
}

function emit (type, timeSeconds, uploadBytes, downloadBytes) {
  process.stdout.write(JSON.stringify({ type, timeSeconds, uploadBytes, downloadBytes }) + '\n')
}

// Calls report(seconds, bytes) about once per second with the bytes counted since the last call.
function meter (report) {
  let last = performance.now()
  let bytes = 0
  return (n) => {
    bytes += n
    const now = performance.now()
    if (now - last >= 1000) {
      report((now - last) / 1000, bytes)
      last = now
      bytes = 0
    }
  }
}

async function send (stream, count, onBytes) {
  let left = count
  while (left > 0) {
    const n = Math.min(left, BLOCK.length)
    if (!stream.send(n === BLOCK.length ? BLOCK : BLOCK.subarray(0, n))) {
      await stream.onDrain()
    }
    left -= n
    onBytes?.(n)
  }
}

// Counts incoming bytes until the remote closes its write side (the stream's own iterator misses
// a FIN that arrived before iteration began, so `readableEnded` is checked too; see peer.mjs).
function drain (stream, onBytes) {
  return new Promise((resolve, reject) => {
    let total = 0
    const done = () => {
      stream.removeEventListener('message', onMessage)
      stream.removeEventListener('end', onEnd)
      stream.removeEventListener('close', onClose)
    }
    const onMessage = (evt) => { total += evt.data.byteLength; onBytes?.(evt.data.byteLength) }
    const onEnd = () => { done(); resolve(total) }
    const onClose = (evt) => { done(); evt.error != null ? reject(evt.error) : resolve(total) }
    stream.addEventListener('message', onMessage)
    stream.addEventListener('end', onEnd)
    stream.addEventListener('close', onClose)
    queueMicrotask(() => { if (stream.readableEnded) onEnd() })
  })
}

async function servePerf (stream) {
  try {
    const header = []
    let have = 0
    let toSend = null
    const received = new Promise((resolve, reject) => {
      const onMessage = (evt) => {
        if (toSend !== null) return
        header.push(evt.data.subarray())
        have += evt.data.byteLength
        if (have >= 8) {
          toSend = Buffer.concat(header, have).readBigUInt64BE(0)
        }
      }
      stream.addEventListener('message', onMessage)
      drain(stream).then(resolve, reject)
    })
    await received
    if (toSend === null) throw new Error('request cut short')
    await send(stream, Number(toSend))
    await stream.close()
  } catch (err) {
    process.stderr.write(`perf server: ${err}\n`)
    stream.abort(err)
  }
}

async function runPerf (node, target, upload, download, quiet = false) {
  const stream = await node.dialProtocol(target, PERF, { maxOutboundStreams: MAX_STREAMS })
  const req = Buffer.alloc(8)
  req.writeBigUInt64BE(BigInt(download))
  const reading = drain(stream, quiet ? undefined : meter((s, b) => emit('intermediary', s, 0, b)))
  if (!stream.send(req)) await stream.onDrain()
  await send(stream, upload, quiet ? undefined : meter((s, b) => emit('intermediary', s, b, 0)))
  const closing = stream.close()
  const got = await reading
  await closing
  if (got !== download) throw new Error(`asked for ${download} bytes, got ${got}`)
}

// One perf stream per client node at once, or `streams` at once on the first node's connection;
// prints each stream's completion time (from the run's start) and the run's.
async function runMany (nodes, target, streams, upload, download) {
  let next = 0
  await Promise.all(Array.from({ length: Math.min(DIAL_CONCURRENCY, nodes.length) }, async () => {
    while (next < nodes.length) await nodes[next++].dial(target)
  }))
  const start = performance.now()
  const n = Math.max(streams, nodes.length)
  const times = await Promise.all(Array.from({ length: n }, async (_, i) => {
    await runPerf(nodes[Math.min(i, nodes.length - 1)], target, upload, download, true)
    return (performance.now() - start) / 1000
  }))
  const total = (performance.now() - start) / 1000
  for (const t of times) emit('stream', t, upload, download)
  emit('final', total, upload * n, download * n)
  await Promise.all(nodes.map(node => node.hangUp(target)))
}

async function main () {
  const args = parseArgs(process.argv.slice(2))
  const onQuic = args.transport === 'quic-v1'
  let address = tcpAddress(args.serverAddress)
  // HOST:PORT names a UDP port for QUIC, which brings its own TLS and streams.
  if (onQuic && !args.serverAddress.startsWith('/')) address = address.replace('/tcp/', '/udp/') + '/quic-v1'
  // ws: plain WebSocket over the TCP port, upgraded with --security and yamux like TCP
  const onWs = args.transport === 'ws'
  if (onWs && !args.serverAddress.startsWith('/')) address = address + '/ws'
  const privateKey = args.runServer ? await generateKeyPairFromSeed('Ed25519', new Uint8Array(32)) : undefined
  const config = (privateKey) => ({
    ...(privateKey ? { privateKey } : {}),
    addresses: { listen: args.runServer ? [address] : [] },
    transports: onQuic ? [quic()] : onWs ? [webSockets()] : [tcp({ dialOpts: { noDelay: true }, listenOpts: { noDelay: true } })],
    connectionEncrypters: onQuic ? [] : [args.security === 'tls' ? tls() : noise()],
    streamMuxers: onQuic ? [] : [yamux({ maxInboundStreams: MAX_STREAMS, maxOutboundStreams: MAX_STREAMS })],
    // js-libp2p refuses more than 5 inbound connections per second from one host by default,
    // which breaks repeated runs (--runs) against a js server; its other defaults (300
    // connections, 10 pending inbound ones) would refuse the many-connection row, and its 10 s
    // dial and upgrade timeouts end handshakes that queue behind hundreds of others on one thread.
    connectionManager: {
      dialTimeout: 60_000,
      inboundUpgradeTimeout: 60_000,
      inboundConnectionThreshold: 1_000_000,
      maxConnections: MAX_CONNECTIONS,
      maxIncomingPendingConnections: MAX_CONNECTIONS,
      maxDialQueueLength: MAX_CONNECTIONS
    }
  })
  const node = await createLibp2p(config(privateKey))
  await node.handle(PERF, servePerf, { maxInboundStreams: MAX_STREAMS, maxOutboundStreams: MAX_STREAMS })
  if (args.runServer) {
    for (const a of node.getMultiaddrs()) process.stdout.write(a.toString() + '\n')
    const stop = async () => { await node.stop().catch(() => {}); process.exit(0) }
    process.on('SIGTERM', stop)
    process.on('SIGINT', stop)
    return
  }
  const target = multiaddr(address.includes('/p2p/') ? address : `${address}/p2p/${SERVER_ID}`)
  if (args.streams > 1 || args.conns > 1) {
    const nodes = [node]
    while (nodes.length < args.conns) nodes.push(await createLibp2p(config()))
    for (let i = 0; i < args.runs; i++) await runMany(nodes, target, args.streams, args.upload, args.download)
    await Promise.all(nodes.map(n => n.stop()))
    process.exit(0)
  }
  for (let i = 0; i < args.runs; i++) {
    const start = performance.now()
    await runPerf(node, target, args.upload, args.download)
    emit('final', (performance.now() - start) / 1000, args.upload, args.download)
    await node.hangUp(target)
  }
  await node.stop()
  process.exit(0)
}

main().catch(err => {
  process.stderr.write(`perf: ${err?.stack ?? err}\n`)
  process.exit(1)
})
