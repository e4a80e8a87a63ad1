// The page side of browser.mjs: a js-libp2p node inside Chromium that dials one address over
// WebRTC-direct, WebTransport or browser-to-browser WebRTC (/p2p-circuit/webrtc, signalled through
// a relay) and runs the interop steps on it, or listens through a relay for /webrtc connections,
// or is the perf runner's client (/perf/1.0.0, as peers/js/perf.mjs).
// Bundled by esbuild at test time.
// Events go to window.p2pkitEmit (exposed by the driver), one object per step, like the peers'
// stdout events.

import { createLibp2p } from 'libp2p'
import { webRTC, webRTCDirect } from '@libp2p/webrtc'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { webTransport } from '@libp2p/webtransport'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { multiaddr } from '@multiformats/multiaddr'

const ECHO = '/p2pkit/echo/1.0.0'
const STEP_TIMEOUT_MS = 30_000
const STREAM_LIMIT = 1024
const CHUNK = 16 * 1024
const AGENT = 'p2pkit-interop/chromium-js-libp2p-3.3.11'

function emit (event) {
  window.p2pkitEmit(event)
}

// Writes data in chunks, waiting for the stream to drain whenever its buffer is full.
async function sendAll (stream, data, signal) {
  for (let off = 0; off < data.length; off += CHUNK) {
    if (!stream.send(data.subarray(off, off + CHUNK))) {
      await stream.onDrain({ signal })
    }
  }
}

// Yields the stream's incoming chunks until the remote closes its write side (as peer.mjs: the
// stream's own iterator misses a close that came before iteration began).
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

// The echo service p2pkit's streams to the browser use; reports each finished echo.
async function serveEcho (stream) {
  let bytes = 0
  try {
    for await (const chunk of chunksOf(stream)) {
      bytes += chunk.length
      if (!stream.send(chunk)) {
        await stream.onDrain()
      }
    }
    await stream.close()
    emit({ event: 'served', bytes })
  } catch (err) {
    emit({ event: 'log', message: `echo: ${err}` })
    stream.abort(err)
  }
}

function equalBytes (a, b) {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return false
  }
  return true
}

// Sends data on a new echo stream while reading the reply, and compares the two.
async function echoOnce (connection, data) {
  const signal = AbortSignal.timeout(STEP_TIMEOUT_MS)
  const stream = await connection.newStream(ECHO, { signal, maxOutboundStreams: STREAM_LIMIT })
  const writing = sendAll(stream, data, signal).then(() => stream.close({ signal }))
  const got = new Uint8Array(data.length)
  let length = 0
  for await (const bytes of chunksOf(stream)) {
    if (length + bytes.length > got.length) {
      throw new Error(`echo overrun: sent ${data.length} bytes, got more back`)
    }
    got.set(bytes, length)
    length += bytes.length
  }
  await writing
  if (length !== data.length || !equalBytes(got, data)) {
    throw new Error(`echo mismatch: sent ${data.length} bytes, got ${length} back`)
  }
}

function randomBytes (n) {
  const out = new Uint8Array(n)
  for (let off = 0; off < n; off += 65536) {
    crypto.getRandomValues(out.subarray(off, Math.min(n, off + 65536)))
  }
  return out
}

async function step (name, promise) {
  let timer
  const timeout = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} timed out`)), STEP_TIMEOUT_MS)
  })
  try {
    return await Promise.race([promise, timeout])
  } catch (err) {
    const e = new Error(`${name}: ${err?.message ?? err}`)
    e.step = name
    throw e
  } finally {
    clearTimeout(timer)
  }
}

// Runs every step against `addr` and resolves when done; the node stays up for the driver's
// inbound-stream step until window.p2pkitStop() is called.
// The node; with relayed set, it also has browser-to-browser WebRTC and the circuit relay transport
// (the WebRTC-direct and WebTransport cases run without them, as before).
async function startNode ({ relayed, listen }) {
  // no STUN or TURN servers: only the test's 127.0.0.1 may be contacted
  const rtcConfiguration = { iceServers: [] }
  const transports = [webRTCDirect({ rtcConfiguration }), webTransport()]
  if (relayed) {
    transports.push(webRTC({ rtcConfiguration }), circuitRelayTransport())
  }
  const node = await createLibp2p({
    addresses: { listen: listen ?? [] },
    transports,
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    // The browser's default gater refuses private addresses; the test's node is on loopback.
    connectionGater: { denyDialMultiaddr: () => false },
    // Each step has its own deadline; js-libp2p's defaults (6 s per address, 10 s per dial and
    // upgrade) are too short for two Chromium instances sharing CI's two cores with the JVM.
    connectionManager: {
      dialTimeout: STEP_TIMEOUT_MS,
      addressDialTimeout: STEP_TIMEOUT_MS,
      inboundUpgradeTimeout: STEP_TIMEOUT_MS
    },
    nodeInfo: { userAgent: AGENT },
    services: { identify: identify({ protocolPrefix: 'ipfs' }), ping: ping() }
  })
  window.p2pkitStop = () => node.stop()
  await node.handle(ECHO, serveEcho, { maxInboundStreams: STREAM_LIMIT, maxOutboundStreams: STREAM_LIMIT })
  emit({ event: 'ready', peerId: node.peerId.toString(), userAgent: navigator.userAgent })
  return node
}

// Listens through the relay at `relay` (…/p2p/<relay>/p2p-circuit) and on /webrtc; reports the
// addresses once a /webrtc one is among them, then each connection that opens, and serves echo
// until window.p2pkitStop() is called.
window.p2pkitListen = async function ({ relay }) {
  const node = await startNode({ relayed: true, listen: [relay, '/webrtc'] })
  node.addEventListener('connection:open', (evt) => {
    const c = evt.detail
    emit({
      event: 'inbound',
      peerId: c.remotePeer.toString(),
      remoteAddr: c.remoteAddr.toString(),
      direction: c.direction,
      muxer: c.multiplexer ?? null,
      limited: c.limits != null
    })
  })
  const hasWebRtc = () => node.getMultiaddrs().some(a => a.toString().includes('/p2p-circuit/webrtc'))
  await step('listen', new Promise((resolve) => {
    if (hasWebRtc()) {
      resolve()
      return
    }
    node.addEventListener('self:peer:update', () => { if (hasWebRtc()) resolve() })
  }))
  emit({ event: 'listening', addrs: node.getMultiaddrs().map(a => a.toString()) })
}

window.p2pkitDial = async function ({ addr, echoBytes, streams }) {
  const node = await startNode({ relayed: addr.includes('/p2p-circuit') })

  const target = multiaddr(addr)
  const targetPeer = target.getComponents().filter(c => c.name === 'p2p').pop()?.value
  const identified = new Promise((resolve) => {
    node.addEventListener('peer:identify', (evt) => {
      if (evt.detail.peerId.toString() === targetPeer) resolve(evt.detail)
    })
  })
  const dialStart = performance.now()
  const connection = await step('connect', node.dial(target, { signal: AbortSignal.timeout(STEP_TIMEOUT_MS) }))
  emit({
    event: 'connected',
    millis: Math.round(performance.now() - dialStart),
    peerId: connection.remotePeer.toString(),
    remoteAddr: connection.remoteAddr.toString(),
    security: connection.encryption ?? null,
    muxer: connection.multiplexer ?? null
  })

  const id = await step('identify', identified)
  emit({
    event: 'identify',
    peerId: id.peerId.toString(),
    agentVersion: id.agentVersion ?? null,
    protocolVersion: id.protocolVersion ?? null,
    protocols: id.protocols,
    listenAddrs: id.listenAddrs.map(a => a.toString()),
    observedAddr: id.observedAddr?.toString() ?? null
  })

  const rtt = await step('ping', node.services.ping.ping(connection.remotePeer, { signal: AbortSignal.timeout(STEP_TIMEOUT_MS) }))
  emit({ event: 'ping', rttMillis: rtt })

  // --echo-bytes 0: the remote serves no echo protocol (a p2pkit daemon), so none is opened
  if (echoBytes > 0) {
    await step('echo', echoOnce(connection, randomBytes(echoBytes)))
    emit({ event: 'echo', bytes: echoBytes, ok: true })
  }

  const small = randomBytes(1024)
  const results = await step('streams', Promise.allSettled(Array.from({ length: streams }, () => echoOnce(connection, small))))
  const failed = results.filter(r => r.status === 'rejected')
  if (failed.length > 0) {
    throw new Error(`streams: ${failed.length} of ${streams} streams failed; first: ${failed[0].reason?.message ?? failed[0].reason}`)
  }
  emit({ event: 'streams', count: streams, ok: true })
  emit({ event: 'done' })
}

const PERF = '/perf/1.0.0'
const PERF_BLOCK = new Uint8Array(128 * 1024)

// Counts the stream's incoming bytes until the remote closes its write side.
async function countIncoming (stream) {
  let total = 0
  for await (const chunk of chunksOf(stream)) total += chunk.length
  return total
}

// One perf run on a new connection to `target`: dial, then the 8-byte download size, `upload`
// bytes and the write side closed while `download` bytes are read to their end; as perf.mjs does.
async function perfOnce (node, target, upload, download) {
  const stream = await node.dialProtocol(target, PERF)
  const request = new Uint8Array(8)
  new DataView(request.buffer).setBigUint64(0, BigInt(download))
  const reading = countIncoming(stream)
  if (!stream.send(request)) await stream.onDrain()
  for (let left = upload; left > 0; left -= PERF_BLOCK.length) {
    const n = Math.min(left, PERF_BLOCK.length)
    if (!stream.send(n === PERF_BLOCK.length ? PERF_BLOCK : PERF_BLOCK.subarray(0, n))) await stream.onDrain()
  }
  const closing = stream.close()
  const got = await reading
  await closing
  if (got !== download) throw new Error(`asked for ${download} bytes, got ${got}`)
}

// The perf runner's client: `runs` runs against `addr`, each on a new connection, each reported
// as perf.mjs reports it ({"type":"final","timeSeconds":…}), from the dial to the last byte.
window.p2pkitPerf = async function ({ addr, upload, download, runs }) {
  const node = await startNode({ relayed: false })
  const target = multiaddr(addr)
  for (let i = 0; i < runs; i++) {
    const start = performance.now()
    await perfOnce(node, target, upload, download)
    emit({ type: 'final', timeSeconds: (performance.now() - start) / 1000, uploadBytes: upload, downloadBytes: download })
    await node.hangUp(target)
  }
  await node.stop()
}
