// js-libp2p hole punching peer for p2pkit's interop tests (@libp2p/dcutr with
// @libp2p/circuit-relay-v2's transport), for the NAT testbed.
//
//   node holepunch.mjs --listen MADDR --reserve RELAY/p2p/ID
//   node holepunch.mjs --listen MADDR --dial RELAY/p2p/ID/p2p-circuit/p2p/PEER
//
// Both first connect to the relay (--reserve through its reservation) and confirm the address the
// relay observed them at: js offers in DCUtR only the addresses its address manager holds, and its
// identify ignores observed TCP addresses altogether. Then --reserve listens through the relay
// ("ready", "reserved") and --dial dials the peer through it ("connected", with our ID as "self").
// Every connection opened or closed is reported as {"event":"conn","state":"open"|"closed",…}.
// TCP with noise and yamux. Runs until stdin closes (at most 10 minutes).
// Events go to stdout as one JSON object per line.

await import('./node20.mjs')

const { createLibp2p } = await import('libp2p')
const { tcp } = await import('@libp2p/tcp')
const { noise } = await import('@chainsafe/libp2p-noise')
const { yamux } = await import('@chainsafe/libp2p-yamux')
const { identify } = await import('@libp2p/identify')
const { ping } = await import('@libp2p/ping')
const { circuitRelayTransport } = await import('@libp2p/circuit-relay-v2')
const { dcutr } = await import('@libp2p/dcutr')
const { multiaddr } = await import('@multiformats/multiaddr')

function emit (event) {
  process.stdout.write(JSON.stringify(event) + '\n')
}

function fail (step, err) {
  emit({ event: 'error', step, message: String(err?.message ?? err) })
  process.exit(1)
}

function usage (msg) {
  process.stderr.write(`holepunch: ${msg}\n`)
  process.exit(2)
}

function parseArgs (argv) {
  const args = {}
  for (let i = 0; i < argv.length; i += 2) {
    const v = argv[i + 1]
    if (v === undefined) usage(`${argv[i]} needs a value`)
    switch (argv[i]) {
      case '--listen': args.listen = v; break
      case '--reserve': args.reserve = v; break
      case '--dial': args.dial = v; break
      default: usage(`unknown flag ${argv[i]}`)
    }
  }
  if (args.listen === undefined) usage('--listen is required')
  if ((args.reserve === undefined) === (args.dial === undefined)) usage('give exactly one of --reserve and --dial')
  return args
}

// A service whose only job is to hand us the address manager.
function addressManagerProbe () {
  return (components) => ({ addressManager: components.addressManager })
}

const isRelayed = (a) => a.toString().includes('/p2p-circuit')

function connEvent (state, conn) {
  return { event: 'conn', state, peerId: conn.remotePeer.toString(), addr: conn.remoteAddr.toString(), limited: conn.limits != null }
}

async function main () {
  const args = parseArgs(process.argv.slice(2))
  const relayText = args.reserve ?? args.dial.split('/p2p-circuit')[0]
  const relayAddr = multiaddr(relayText)
  const relayId = relayText.split('/p2p/').pop()
  let node
  try {
    node = await createLibp2p({
      addresses: { listen: args.reserve === undefined ? [args.listen] : [args.listen, `${args.reserve}/p2p-circuit`] },
      transports: [tcp(), circuitRelayTransport()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services: { identify: identify(), ping: ping(), dcutr: dcutr(), probe: addressManagerProbe() },
      // started below, once the listeners are in place: the reservation identifies the relay at start
      start: false
    })
  } catch (err) {
    fail('start', err)
  }
  node.addEventListener('connection:open', (evt) => emit(connEvent('open', evt.detail)))
  node.addEventListener('connection:close', (evt) => emit(connEvent('closed', evt.detail)))
  const observed = new Promise((resolve) => {
    node.addEventListener('peer:identify', (evt) => {
      if (evt.detail.peerId.toString() === relayId && evt.detail.observedAddr != null) {
        resolve(evt.detail.observedAddr)
      }
    })
  })
  try {
    await node.start()
  } catch (err) {
    fail('start', err)
  }
  try {
    if (args.dial !== undefined) {
      await node.dial(relayAddr)
    }
    const seen = await Promise.race([observed, new Promise((resolve, reject) =>
      setTimeout(() => reject(new Error('no observed address from the relay')), 60_000).unref())])
    process.stderr.write(`the relay sees us at ${seen}\n`)
    // js's identify drops observed TCP addresses (its dials do not leave from the listening port,
    // js-libp2p#2620), so the address is confirmed as an observed one by hand
    node.services.probe.addressManager.confirmObservedAddr(seen, { type: 'observed' })
    emit({ event: 'dcutrReady', observed: seen.toString() })
  } catch (err) {
    fail('relay', err)
  }
  if (args.reserve !== undefined) {
    emit({ event: 'ready', peerId: node.peerId.toString() })
    const deadline = Date.now() + 60_000
    while (!node.getMultiaddrs().some(isRelayed)) {
      if (Date.now() > deadline) fail('reserve', 'no relayed address after the reservation')
      await new Promise(resolve => setTimeout(resolve, 100))
    }
    emit({ event: 'reserved', addrs: node.getMultiaddrs().filter(isRelayed).map(a => a.toString()) })
  } else {
    try {
      const conn = await node.dial(multiaddr(args.dial))
      emit({ event: 'connected', self: node.peerId.toString(), peerId: conn.remotePeer.toString(), addr: conn.remoteAddr.toString(), limited: conn.limits != null })
    } catch (err) {
      fail('connect', err)
    }
  }
  const stop = async () => {
    await node.stop()
    process.exit(0)
  }
  setTimeout(() => fail('run', 'gave up after 10 minutes'), 600_000).unref()
  process.stdin.resume()
  process.stdin.on('end', stop)
  process.on('SIGTERM', stop)
  setInterval(() => {}, 60_000)
}

main().catch((err) => fail('main', err))
