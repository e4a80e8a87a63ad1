// js-libp2p peer for p2pkit's interop suite.
//
// Command-line contract shared with the go and rust peers:
//   peer --listen /ip4/127.0.0.1/tcp/0 --security noise|tls --muxer yamux|mplex [--identity-key FILE]
//   peer --dial <multiaddr/p2p/ID> --security noise|tls --muxer yamux|mplex [--echo-bytes N] [--streams N]
// The transport follows the address: TCP, or WebSocket for .../ws and .../tls/ws (wss). wss needs
// --wss-cert FILE --wss-key FILE (PEM) to listen; --wss-ca FILE (PEM) is the CA trusted when dialing.
// Circuit relay v2: --relay-service (with --listen) runs @libp2p/circuit-relay-v2's relay server
// with its defaults; --reserve <relay multiaddr/p2p/ID> (with --listen) listens through the relay
// and reports a "reserved" event; --dial takes a .../p2p/RELAY/p2p-circuit/p2p/ID address too
// (echo and ping then run on the limited relayed connection).
// Events go to stdout as one JSON object per line; diagnostics go to stderr.

import { readFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'

// js-libp2p 3 targets Node 22; Node 20 lacks these two globals, so they are supplied
// before any libp2p module is loaded (hence the dynamic imports below).
await import('./node20.mjs')

const { createLibp2p } = await import('libp2p')
const { tcp } = await import('@libp2p/tcp')
const { webSockets } = await import('@libp2p/websockets')
const { quic } = await import('@chainsafe/libp2p-quic')
const { noise } = await import('@chainsafe/libp2p-noise')
const { tls } = await import('@libp2p/tls')
const { yamux } = await import('@chainsafe/libp2p-yamux')
const { mplex } = await import('@libp2p/mplex')
const { identify } = await import('@libp2p/identify')
const { ping } = await import('@libp2p/ping')
const { generateKeyPair, privateKeyFromProtobuf } = await import('@libp2p/crypto/keys')
const { multiaddr } = await import('@multiformats/multiaddr')
const { circuitRelayTransport, circuitRelayServer } = await import('@libp2p/circuit-relay-v2')

const ECHO = '/p2pkit/echo/1.0.0'
const STEP_TIMEOUT_MS = 30_000
const STREAM_LIMIT = 1024
const CHUNK = 64 * 1024
const AGENT = 'p2pkit-interop/js-libp2p-3.3.11'

function emit (event) {
  process.stdout.write(JSON.stringify(event) + '\n')
}

function fail (step, err) {
  emit({ event: 'error', step, message: String(err?.message ?? err) })
  process.exit(1)
}

function usage (msg) {
  process.stderr.write(`peer: ${msg}\n` +
    'usage: peer --listen MADDR | --dial MADDR --security noise|tls --muxer yamux|mplex ' +
    '[--identity-key FILE] [--echo-bytes N] [--streams N]\n')
  process.exit(2)
}

function parseArgs (argv) {
  const args = { security: 'noise', muxer: 'yamux', echoBytes: 1 << 20, streams: 100 }
  const names = {
    '--listen': 'listen',
    '--dial': 'dial',
    '--security': 'security',
    '--muxer': 'muxer',
    '--identity-key': 'identityKey',
    '--echo-bytes': 'echoBytes',
    '--streams': 'streams',
    '--wss-cert': 'wssCert',
    '--wss-key': 'wssKey',
    '--wss-ca': 'wssCa',
    '--reserve': 'reserve'
  }
  for (let i = 0; i < argv.length; i += 2) {
    if (argv[i] === '--relay-service') {
      args.relayService = true
      i--
      continue
    }
    const name = names[argv[i]]
    if (name === undefined) usage(`unknown flag ${argv[i]}`)
    if (i + 1 >= argv.length) usage(`${argv[i]} needs a value`)
    args[name] = argv[i + 1]
  }
  for (const n of ['echoBytes', 'streams']) {
    args[n] = Number(args[n])
    if (!Number.isInteger(args[n]) || args[n] < 0) usage(`bad --${n === 'echoBytes' ? 'echo-bytes' : 'streams'}`)
  }
  if ((args.listen === undefined) === (args.dial === undefined)) usage('give exactly one of --listen and --dial')
  if (!['noise', 'tls'].includes(args.security)) usage('--security must be noise or tls')
  if (!['yamux', 'mplex'].includes(args.muxer)) usage('--muxer must be yamux or mplex')
  if ((args.wssCert === undefined) !== (args.wssKey === undefined)) usage('--wss-cert and --wss-key go together')
  return args
}

function identifyEvent (result) {
  return {
    event: 'identify',
    peerId: result.peerId.toString(),
    agentVersion: result.agentVersion ?? null,
    protocolVersion: result.protocolVersion ?? null,
    protocols: result.protocols,
    listenAddrs: result.listenAddrs.map(a => a.toString()),
    observedAddr: result.observedAddr?.toString() ?? null,
    signedPeerRecord: result.signedPeerRecord != null,
    security: result.connection.encryption ?? null,
    muxer: result.connection.multiplexer ?? null
  }
}

// Writes data in chunks, waiting for the stream to drain whenever its buffer is full.
async function sendAll (stream, data, signal) {
  for (let off = 0; off < data.length; off += CHUNK) {
    if (!stream.send(data.subarray(off, off + CHUNK))) {
      await stream.onDrain({ signal })
    }
  }
}

// Yields the stream's incoming chunks until the remote closes its write side.
// The stream's own async iterator misses a remote close that happened before iteration began
// (a lazy dialer such as go-libp2p sends protocol, data and FIN together), and then never ends;
// this reader also checks `readableEnded` after the buffered data has been delivered.
async function * chunksOf (stream) {
  const queue = []
  let finished = false
  let failure
  let wake = () => {}
  const onMessage = (evt) => { queue.push(evt.data.subarray()); wake() }
  const onEnd = () => { finished = true; wake() }
  const onClose = (evt) => { failure = evt.error; finished = true; wake() }
  stream.addEventListener('message', onMessage)
  stream.addEventListener('end', onEnd)
  stream.addEventListener('close', onClose)
  // Queued after the microtask in which the stream delivers already-buffered data.
  queueMicrotask(() => { if (stream.readableEnded) onEnd() })
  try {
    while (true) {
      if (queue.length > 0) {
        yield queue.shift()
      } else if (failure != null) {
        throw failure
      } else if (finished) {
        return
      } else {
        await new Promise((resolve) => { wake = resolve })
      }
    }
  } finally {
    stream.removeEventListener('message', onMessage)
    stream.removeEventListener('end', onEnd)
    stream.removeEventListener('close', onClose)
  }
}

async function serveEcho (stream) {
  try {
    for await (const chunk of chunksOf(stream)) {
      if (!stream.send(chunk)) {
        await stream.onDrain()
      }
    }
    await stream.close()
  } catch (err) {
    process.stderr.write(`echo: ${err}\n`)
    stream.abort(err)
  }
}

// Sends data on a new echo stream while reading the reply, and compares the two.
async function echoOnce (connection, data) {
  const signal = AbortSignal.timeout(STEP_TIMEOUT_MS)
  const stream = await connection.newStream(ECHO, { signal, maxOutboundStreams: STREAM_LIMIT, runOnLimitedConnection: true })
  // Writing runs alongside reading: the echo side cannot buffer a whole MiB.
  const writing = sendAll(stream, data, signal).then(() => stream.close({ signal }))
  const parts = []
  let length = 0
  for await (const bytes of chunksOf(stream)) {
    parts.push(bytes)
    length += bytes.length
  }
  await writing
  const got = Buffer.concat(parts, length)
  if (!got.equals(Buffer.from(data.buffer, data.byteOffset, data.length))) {
    throw new Error(`echo mismatch: sent ${data.length} bytes, got ${length} back`)
  }
}

async function withTimeout (step, promise) {
  let timer
  const timeout = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), STEP_TIMEOUT_MS)
  })
  try {
    return await Promise.race([promise, timeout])
  } catch (err) {
    fail(step, err)
  } finally {
    clearTimeout(timer)
  }
}

async function main () {
  const args = parseArgs(process.argv.slice(2))
  let privateKey
  try {
    privateKey = args.identityKey !== undefined
      ? privateKeyFromProtobuf(readFileSync(args.identityKey))
      : await generateKeyPair('Ed25519')
  } catch (err) {
    fail('setup', err)
  }

  if (args.wssCa !== undefined) {
    // The websockets transport dials with the global WebSocket and no TLS options: make the
    // global one trust the given CA (undici takes a dispatcher with TLS settings).
    const undici = await import('undici')
    const dispatcher = new undici.Agent({ connect: { ca: readFileSync(args.wssCa) } })
    globalThis.WebSocket = class extends undici.WebSocket {
      constructor (url, protocols) {
        super(url, { protocols, dispatcher })
      }
    }
  }
  const wsInit = args.wssCert !== undefined
    ? { https: { cert: readFileSync(args.wssCert), key: readFileSync(args.wssKey) } }
    : {}

  // The relay transport and server only in the relay cases, so that the others see the peer as before.
  const relayMode = args.relayService === true || args.reserve !== undefined || args.dial?.includes('/p2p-circuit') === true
  const listen = args.listen !== undefined ? [args.listen] : []
  if (args.reserve !== undefined) {
    listen.push(`${args.reserve}/p2p-circuit`)
  }
  const transports = [tcp({ dialOpts: { noDelay: true }, listenOpts: { noDelay: true } }), webSockets(wsInit), quic()]
  if (relayMode) {
    transports.push(circuitRelayTransport())
  }
  const services = {
    identify: identify({ protocolPrefix: 'ipfs' }),
    ping: ping()
  }
  if (args.relayService === true) {
    services.relay = circuitRelayServer()
  }
  const node = await createLibp2p({
    privateKey,
    addresses: { listen },
    transports,
    connectionEncrypters: [args.security === 'tls' ? tls() : noise()],
    // js mplex's default limiter closes the connection after 5 new streams in one second.
    streamMuxers: [args.muxer === 'mplex' ? mplex({ disconnectThreshold: 100_000 }) : yamux()],
    nodeInfo: { userAgent: AGENT },
    services
  })
  await node.handle(ECHO, serveEcho, {
    maxInboundStreams: STREAM_LIMIT, maxOutboundStreams: STREAM_LIMIT, runOnLimitedConnection: true
  })

  if (args.listen !== undefined) {
    await runListener(node, args)
  } else {
    await runDialer(node, args)
  }
}

// Waits for the relayed address the reservation gives, and reports it.
async function reserved (node) {
  const deadline = Date.now() + STEP_TIMEOUT_MS
  while (Date.now() < deadline) {
    const relayed = node.getMultiaddrs().map(a => a.toString()).filter(a => a.includes('/p2p-circuit'))
    if (relayed.length > 0) {
      emit({ event: 'reserved', addrs: relayed })
      return
    }
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  fail('reserve', 'no relayed address after the reservation')
}

async function runListener (node, args) {
  node.addEventListener('peer:identify', (evt) => {
    if (evt.detail.connection.direction === 'inbound') {
      emit(identifyEvent(evt.detail))
    }
  })
  emit({
    event: 'ready',
    peerId: node.peerId.toString(),
    addrs: node.getMultiaddrs().map(a => a.toString()).filter(a => !a.includes('/p2p-circuit'))
  })
  if (args.reserve !== undefined) {
    await reserved(node)
  }
  const stop = async () => {
    await node.stop().catch(err => process.stderr.write(`stop: ${err}\n`))
    process.exit(0)
  }
  process.stdin.on('end', stop)
  process.stdin.on('close', stop)
  process.stdin.resume()
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}

async function runDialer (node, args) {
  let target
  try {
    target = multiaddr(args.dial)
  } catch (err) {
    fail('connect', err)
  }
  // Listen before dialing, so that an identify finishing during the dial is not missed.
  // (through a relay, the relay is identified first: wait for the target)
  const targetPeer = target.getComponents().filter(c => c.name === 'p2p').pop()?.value
  const identified = new Promise((resolve) => {
    node.addEventListener('peer:identify', (evt) => {
      if (targetPeer === undefined || evt.detail.peerId.toString() === targetPeer) {
        resolve(evt.detail)
      }
    })
  })
  const connection = await withTimeout('connect', node.dial(target, { signal: AbortSignal.timeout(STEP_TIMEOUT_MS) }))
  const peer = connection.remotePeer
  emit({
    event: 'connected',
    peerId: peer.toString(),
    security: connection.encryption ?? null,
    muxer: connection.multiplexer ?? null
  })

  emit(identifyEvent(await withTimeout('identify', identified)))

  const rtt = await withTimeout('ping', node.services.ping.ping(peer, {
    signal: AbortSignal.timeout(STEP_TIMEOUT_MS), runOnLimitedConnection: true
  }))
  emit({ event: 'ping', rttMillis: rtt })

  const data = new Uint8Array(randomBytes(args.echoBytes))
  await withTimeout('echo', echoOnce(connection, data))
  emit({ event: 'echo', bytes: args.echoBytes, ok: true })

  const small = new Uint8Array(randomBytes(1024))
  const results = await withTimeout('streams',
    Promise.allSettled(Array.from({ length: args.streams }, () => echoOnce(connection, small))))
  const failed = results.filter(r => r.status === 'rejected')
  if (failed.length > 0) {
    fail('streams', `${failed.length} of ${args.streams} streams failed; first: ${failed[0].reason?.message ?? failed[0].reason}`)
  }
  emit({ event: 'streams', count: args.streams, ok: true })
  emit({ event: 'done' })
  await node.stop().catch(err => process.stderr.write(`stop: ${err}\n`))
  process.exit(0)
}

main().catch(err => fail('setup', err))
