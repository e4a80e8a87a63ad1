// The demo page's browser node: js-libp2p (WebRTC-direct, WebTransport, browser-to-browser WebRTC
// through a relay, noise, yamux, identify, ping, gossipsub) inside a light Helia with Bitswap. Given
// a p2pkit node's multiaddr (the page's ?addr= parameter or the text box; for /webrtc,
// <relay address>/p2p-circuit/webrtc/p2p/<node>) it dials it, chats on a gossipsub topic and fetches UnixFS
// files by CID from it. Bundled by esbuild (serve.mjs); nothing here loads code from the internet.
//
// State is also kept in data-* attributes (data-state, data-sha256, ...) so drive.mjs, the
// test's driver, reads what a person would see.

import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { withBitswap } from '@helia/bitswap'
import { withLibp2pLight } from '@helia/libp2p'
import { unixfs } from '@helia/unixfs'
import { gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { webRTC, webRTCDirect } from '@libp2p/webrtc'
import { webTransport } from '@libp2p/webtransport'
import { multiaddr } from '@multiformats/multiaddr'
import { createHeliaLight } from 'helia'
import { CID } from 'multiformats/cid'

const DIAL_TIMEOUT_MS = 30_000
const FETCH_TIMEOUT_MS = 60_000
// A file is shown in the page, so it is kept in memory: larger ones are refused.
const MAX_FILE_BYTES = 16 << 20
const MAX_CHAT_LINES = 500

const $ = (id) => document.getElementById(id)
const params = new URLSearchParams(location.search)
const topic = params.get('topic') ?? 'p2pkit-demo-chat'
const encoder = new TextEncoder()
const decoder = new TextDecoder()

let helia
let daemonPeer

function setStatus (el, state, text) {
  el.dataset.state = state
  el.textContent = text
}

function short (peerId) {
  const s = peerId.toString()
  return '…' + s.slice(-6)
}

function addChatLine (from, text, self) {
  const chat = $('chat')
  const li = document.createElement('li')
  if (self) li.className = 'self'
  const who = document.createElement('span')
  who.className = 'from'
  who.textContent = self ? 'you' : (from === daemonPeer ? `p2pkit ${short(from)}` : short(from))
  li.dataset.from = from
  li.append(who, document.createTextNode(text))
  chat.append(li)
  while (chat.children.length > MAX_CHAT_LINES) chat.firstElementChild.remove()
  chat.scrollTop = chat.scrollHeight
}

function updateTopicPeers () {
  const peers = helia.libp2p.services.pubsub.getSubscribers(topic).map(String)
  $('topic-peers').textContent = String(peers.length)
  $('topic-peers').dataset.peers = peers.join(',')
}

async function start () {
  helia = withBitswap(withLibp2pLight(createHeliaLight(), {
    // no STUN or TURN servers: the page talks only to the node it is given
    // /webrtc signals over a relayed connection (the circuit transport), then connects directly
    transports: [webRTCDirect({ rtcConfiguration: { iceServers: [] } }), webTransport(),
      webRTC({ rtcConfiguration: { iceServers: [] } }), circuitRelayTransport()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    peerDiscovery: [],
    // the page's own 30 s deadline for a dial holds for each address and upgrade too: js-libp2p's
    // defaults (6 s per address) cut a /webrtc dial through a relay short on a busy machine
    connectionManager: {
      dialTimeout: DIAL_TIMEOUT_MS,
      addressDialTimeout: DIAL_TIMEOUT_MS,
      inboundUpgradeTimeout: DIAL_TIMEOUT_MS
    },
    // a browser's default gater refuses private addresses; a demo node is often on one
    connectionGater: { denyDialMultiaddr: () => false },
    services: {
      identify: identify(),
      ping: ping(),
      pubsub: gossipsub({ allowPublishToZeroTopicPeers: true })
    }
  }))
  await helia.start()
  const node = helia.libp2p
  $('self').textContent = node.peerId.toString()
  $('self').dataset.peerId = node.peerId.toString()
  $('topic').textContent = topic
  const pubsub = node.services.pubsub
  pubsub.subscribe(topic)
  pubsub.addEventListener('subscription-change', updateTopicPeers)
  pubsub.addEventListener('message', (evt) => {
    const m = evt.detail
    if (m.topic !== topic) return
    addChatLine(m.type === 'signed' ? m.from.toString() : 'anonymous', decoder.decode(m.data), false)
  })
}

async function connect () {
  const status = $('status')
  try {
    const addr = multiaddr($('addr').value.trim())
    setStatus(status, 'connecting', 'connecting…')
    const connection = await helia.libp2p.dial(addr, { signal: AbortSignal.timeout(DIAL_TIMEOUT_MS) })
    daemonPeer = connection.remotePeer.toString()
    $('remote').textContent = connection.remoteAddr.toString()
    status.dataset.peerId = daemonPeer
    setStatus(status, 'connected', `connected to ${daemonPeer}`)
    for (const id of ['message', 'send', 'cid', 'fetch']) $(id).disabled = false
  } catch (err) {
    setStatus(status, 'failed', `failed: ${err.message ?? err}`)
  }
}

async function send () {
  const text = $('message').value
  if (text === '') return
  $('message').value = ''
  try {
    await helia.libp2p.services.pubsub.publish(topic, encoder.encode(text))
    addChatLine(helia.libp2p.peerId.toString(), text, true)
  } catch (err) {
    addChatLine('error', `not sent: ${err.message ?? err}`, true)
  }
}

// Recognises the image formats a browser shows from their first bytes.
function imageType (bytes) {
  const starts = (...sig) => sig.every((b, i) => bytes[i] === b)
  if (starts(0x89, 0x50, 0x4e, 0x47)) return 'image/png'
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg'
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'image/gif'
  if (starts(0x52, 0x49, 0x46, 0x46) && bytes[8] === 0x57 && bytes[9] === 0x45) return 'image/webp'
  return null
}

async function fetchFile () {
  const status = $('file-status')
  const view = $('file-view')
  view.replaceChildren()
  try {
    const cid = CID.parse($('cid').value.trim())
    setStatus(status, 'fetching', `fetching ${cid} over Bitswap…`)
    const parts = []
    let length = 0
    for await (const chunk of unixfs(helia).cat(cid, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) })) {
      length += chunk.byteLength
      if (length > MAX_FILE_BYTES) throw new Error(`larger than ${MAX_FILE_BYTES} bytes`)
      parts.push(chunk)
    }
    const bytes = new Uint8Array(length)
    let off = 0
    for (const p of parts) { bytes.set(p, off); off += p.byteLength }
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))
    status.dataset.sha256 = Array.from(digest, b => b.toString(16).padStart(2, '0')).join('')
    status.dataset.bytes = String(length)
    const type = imageType(bytes)
    if (type !== null) {
      const img = document.createElement('img')
      img.alt = cid.toString()
      const loaded = new Promise((resolve, reject) => { img.onload = resolve; img.onerror = () => reject(new Error('not a valid image')) })
      img.src = URL.createObjectURL(new Blob([bytes], { type }))
      view.append(img)
      await loaded
      status.dataset.kind = 'image'
      status.dataset.width = String(img.naturalWidth)
    } else {
      const pre = document.createElement('pre')
      pre.textContent = decoder.decode(bytes)
      view.append(pre)
      status.dataset.kind = 'text'
    }
    setStatus(status, 'done', `${cid}: ${length} bytes${type ? ', ' + type : ''}`)
  } catch (err) {
    setStatus(status, 'failed', `failed: ${err.message ?? err}`)
  }
}

$('connect').addEventListener('click', connect)
$('send').addEventListener('click', send)
$('message').addEventListener('keydown', (e) => { if (e.key === 'Enter') send() })
$('fetch').addEventListener('click', fetchFile)
$('cid').addEventListener('keydown', (e) => { if (e.key === 'Enter') fetchFile() })

start().then(() => {
  document.body.dataset.ready = 'true'
  if (params.has('addr')) {
    $('addr').value = params.get('addr')
    connect()
  }
  if (params.has('cid')) $('cid').value = params.get('cid')
}, (err) => setStatus($('status'), 'failed', `the browser node did not start: ${err.message ?? err}`))
