// js-libp2p AutoNAT peer for p2pkit's interop tests (@libp2p/autonat-v2 and @libp2p/autonat, v1).
//
//   node autonat.mjs --mode server --listen MADDR
//   node autonat.mjs --mode v2-client|v1-client --listen MADDR --dial MADDR/p2p/ID
//
// The server runs both AutoNAT services (each also runs its client part, which js-libp2p cannot
// turn off). A client runs one of them, dials the server and reports its addresses each time
// their verification state changes: js verifies a listen address after one successful dial back
// (an observed one after four, from servers on different first octets). js refuses private and
// loopback addresses, so these run in p2pkit's NAT testbed. TCP with noise and yamux. Runs for at
// most 120 s, or until stdin closes.
// Events (stdout, one JSON object per line):
//   {"event":"listening","peer":…,"addrs":[…]}
//   {"event":"addresses","addrs":[{"addr":…,"type":…,"verified":…,"expires":…}]}
//   {"event":"error","step":…,"message":…}

await import('./node20.mjs')

const { createLibp2p } = await import('libp2p')
const { tcp } = await import('@libp2p/tcp')
const { noise } = await import('@chainsafe/libp2p-noise')
const { yamux } = await import('@chainsafe/libp2p-yamux')
const { identify } = await import('@libp2p/identify')
const { autoNAT } = await import('@libp2p/autonat')
const { autoNATv2 } = await import('@libp2p/autonat-v2')
const { multiaddr } = await import('@multiformats/multiaddr')

function emit (event) {
  process.stdout.write(JSON.stringify(event) + '\n')
}

function fail (step, err) {
  emit({ event: 'error', step, message: String(err?.message ?? err) })
  process.exit(1)
}

function usage (msg) {
  process.stderr.write(`autonat: ${msg}\n`)
  process.exit(2)
}

function parseArgs (argv) {
  const args = {}
  for (let i = 0; i < argv.length; i += 2) {
    const v = argv[i + 1]
    if (v === undefined) usage(`${argv[i]} needs a value`)
    switch (argv[i]) {
      case '--mode': args.mode = v; break
      case '--listen': args.listen = v; break
      case '--dial': args.dial = v; break
      default: usage(`unknown flag ${argv[i]}`)
    }
  }
  if (!['server', 'v2-client', 'v1-client'].includes(args.mode)) usage('--mode must be server, v2-client or v1-client')
  if (args.mode !== 'server' && args.dial === undefined) usage('a client needs --dial')
  if (args.listen === undefined) usage('--listen is required')
  return args
}

// A service whose only job is to hand us the address manager, which holds each address's
// verification state (the public API shows only verified addresses).
function addressManagerProbe () {
  return (components) => ({ addressManager: components.addressManager })
}

async function main () {
  const args = parseArgs(process.argv.slice(2))
  const services = { identify: identify(), probe: addressManagerProbe() }
  const quick = { startupDelay: 500, refreshInterval: 5_000 }
  if (args.mode !== 'v1-client') services.autoNATv2 = autoNATv2(quick)
  if (args.mode !== 'v2-client') services.autoNAT = autoNAT(quick)
  let node
  try {
    node = await createLibp2p({
      addresses: { listen: [args.listen] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      services
    })
  } catch (err) {
    fail('start', err)
  }
  // getMultiaddrs() shows only verified addresses, and a public listen address is not verified yet
  const listening = node.services.probe.addressManager.getAddressesWithMetadata()
    .map(a => a.multiaddr.toString() + '/p2p/' + node.peerId.toString())
  emit({ event: 'listening', peer: node.peerId.toString(), addrs: listening })
  if (args.mode !== 'server') {
    const am = node.services.probe.addressManager
    let last = ''
    const report = () => {
      const addrs = am.getAddressesWithMetadata().map(a => ({
        addr: a.multiaddr.toString(), type: a.type, verified: a.verified, expires: a.expires
      }))
      const now = JSON.stringify(addrs)
      if (now !== last) {
        last = now
        emit({ event: 'addresses', addrs })
      }
    }
    report()
    setInterval(report, 200).unref()
    try {
      await node.dial(multiaddr(args.dial))
    } catch (err) {
      fail('dial', err)
    }
  }
  const stop = async () => {
    await node.stop()
    process.exit(0)
  }
  setTimeout(() => fail('run', 'gave up after 120 s'), 120_000).unref()
  process.stdin.resume()
  process.stdin.on('end', stop)
  process.on('SIGTERM', stop)
  // keeps the process alive while the timers above are unref'd
  setInterval(() => {}, 60_000)
}

main().catch((err) => fail('main', err))
