// js-libp2p pubsub peer for p2pkit's interop tests (gossipsub and floodsub).
//
//   node pubsub.mjs [--listen MADDR] [--dial MADDR]... --router gossipsub|floodsub
//                   --signing strict|none --topic TOPIC [--publish TEXT]... [--publish-after-peers N]
//                   [--publish-on-message true]
//
// Subscribes to TOPIC; once at least N peers (default 1) are subscribed to it, waits two
// heartbeats for meshes to form and publishes each TEXT. With --publish-on-message it publishes
// instead once the first message of the topic has arrived (so meshes are known to work).
// Runs until stdin closes.
// Events (stdout, one JSON object per line):
//   {"event":"ready","peerId":…,"addrs":[…]}
//   {"event":"subscribed","peerId":…,"topic":…}        a remote peer joined the topic
//   {"event":"message","topic":…,"from":…,"data":…}     a message of the topic arrived
//   {"event":"published","data":…,"recipients":N}
//   {"event":"error","step":…,"message":…}

await import('./node20.mjs')

const { createLibp2p } = await import('libp2p')
const { tcp } = await import('@libp2p/tcp')
const { noise } = await import('@chainsafe/libp2p-noise')
const { yamux } = await import('@chainsafe/libp2p-yamux')
const { identify } = await import('@libp2p/identify')
const { gossipsub } = await import('@libp2p/gossipsub')
const { floodsub } = await import('@libp2p/floodsub')
const { multiaddr } = await import('@multiformats/multiaddr')

function emit (event) {
  process.stdout.write(JSON.stringify(event) + '\n')
}

function fail (step, err) {
  emit({ event: 'error', step, message: String(err?.message ?? err) })
  process.exit(1)
}

function usage (msg) {
  process.stderr.write(`pubsub: ${msg}\n`)
  process.exit(2)
}

function parseArgs (argv) {
  const args = { dial: [], publish: [], router: 'gossipsub', signing: 'strict', afterPeers: 1 }
  for (let i = 0; i < argv.length; i += 2) {
    const v = argv[i + 1]
    if (v === undefined) usage(`${argv[i]} needs a value`)
    switch (argv[i]) {
      case '--listen': args.listen = v; break
      case '--dial': args.dial.push(v); break
      case '--router': args.router = v; break
      case '--signing': args.signing = v; break
      case '--topic': args.topic = v; break
      case '--publish': args.publish.push(v); break
      case '--publish-after-peers': args.afterPeers = Number(v); break
      case '--publish-on-message': args.onMessage = v === 'true'; break
      default: usage(`unknown flag ${argv[i]}`)
    }
  }
  if (args.topic === undefined) usage('--topic is required')
  if (!['gossipsub', 'floodsub'].includes(args.router)) usage('--router must be gossipsub or floodsub')
  if (!['strict', 'none'].includes(args.signing)) usage('--signing must be strict or none')
  return args
}

async function main () {
  const args = parseArgs(process.argv.slice(2))
  const policy = args.signing === 'strict' ? 'StrictSign' : 'StrictNoSign'
  const pubsub = args.router === 'gossipsub'
    ? gossipsub({ globalSignaturePolicy: policy, allowPublishToZeroTopicPeers: true, heartbeatInterval: 500 })
    : floodsub({ globalSignaturePolicy: policy })
  let node
  try {
    node = await createLibp2p({
      addresses: { listen: args.listen !== undefined ? [args.listen] : [] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: { identify: identify(), pubsub }
    })
  } catch (err) {
    fail('start', err)
  }
  const ps = node.services.pubsub
  ps.addEventListener('subscription-change', (evt) => {
    for (const s of evt.detail.subscriptions) {
      if (s.subscribe && s.topic === args.topic) {
        emit({ event: 'subscribed', peerId: evt.detail.peerId.toString(), topic: s.topic })
      }
    }
  })
  let firstMessage
  const gotFirst = new Promise((resolve) => { firstMessage = resolve })
  ps.addEventListener('message', (evt) => {
    const m = evt.detail
    if (m.topic !== args.topic) return
    emit({
      event: 'message',
      topic: m.topic,
      from: m.type === 'signed' ? m.from.toString() : null,
      data: new TextDecoder().decode(m.data)
    })
    firstMessage()
  })
  ps.subscribe(args.topic)
  emit({
    event: 'ready',
    peerId: node.peerId.toString(),
    addrs: node.getMultiaddrs().map(a => a.toString())
  })
  for (const a of args.dial) {
    try {
      await node.dial(multiaddr(a))
    } catch (err) {
      fail('dial', err)
    }
  }
  if (args.publish.length > 0 && args.onMessage) {
    await gotFirst
  } else if (args.publish.length > 0) {
    while (ps.getSubscribers(args.topic).length < args.afterPeers) {
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    await new Promise((resolve) => setTimeout(resolve, 1000))
  }
  if (args.publish.length > 0) {
    for (const text of args.publish) {
      try {
        const r = await ps.publish(args.topic, new TextEncoder().encode(text))
        // who it went to, and this node's mesh and streams: what a failing mixed-mesh test needs to tell
        emit({
          event: 'published',
          data: text,
          recipients: r.recipients.length,
          to: r.recipients.map(p => p.toString()),
          mesh: typeof ps.getMeshPeers === 'function' ? ps.getMeshPeers(args.topic) : [],
          streams: node.getConnections().map(c => c.remotePeer.toString() + ' ' + c.direction + ': ' +
            c.streams.map(s => s.direction + ' ' + s.protocol).join(', '))
        })
      } catch (err) {
        fail('publish', err)
      }
    }
  }
  process.stdin.resume()
  process.stdin.on('end', async () => {
    await node.stop()
    process.exit(0)
  })
}

main().catch((err) => fail('main', err))
