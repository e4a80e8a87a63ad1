// js-libp2p AutoNAT peer for p2pkit's interop tests (@libp2p/autonat-v2 and @libp2p/autonat, v1).
//
//   node autonat.mjs --mode server|v1-server --listen MADDR
//   node autonat.mjs --mode v2-client|v1-client --listen MADDR --dial MADDR/p2p/ID [--dial …] [--map IP]
//
// `server` runs both AutoNAT services, `v1-server` only @libp2p/autonat (each also runs its client
// part, which js-libp2p cannot turn off). A client runs one of them, dials the servers and reports
// its addresses each time their verification state changes: js verifies a listen address after one successful dial back
// (an observed one after four, from servers on different first octets). js refuses private and
// loopback addresses, so these run in p2pkit's NAT testbed. TCP with noise and yamux. Runs for at
// most 240 s, or until stdin closes.
// A client dials every --dial (js asks each AutoNAT server it connects to). --map IP claims that the
// router forwards IP:port to each TCP listen address, as @libp2p/upnp-nat does once it mapped a
// port (addPublicAddressMapping): an "ip-mapping" address the servers are asked to verify. js's own
// identify keeps no observed TCP address (js-libp2p#2620), so behind a NAT this is the one public
// address a TCP client can have checked. js gives up on an address after 8 failed dials from
// servers on 8 different first octets: it stays unverified with an expiry set (a retry later).
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
      case '--dial': (args.dial ??= []).push(v); break
      case '--map': args.map = v; break
      default: usage(`unknown flag ${argv[i]}`)
    }
  }
  if (!['server', 'v1-server', 'v2-client', 'v1-client'].includes(args.mode)) usage('--mode must be server, v1-server, v2-client or v1-client')
  if (args.mode.endsWith('client') && args.dial === undefined) usage('a client needs --dial')
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
  if (args.mode === 'server' || args.mode === 'v2-client') services.autoNATv2 = autoNATv2(quick)
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
  if (args.map !== undefined) {
    const am = node.services.probe.addressManager
    for (const { multiaddr: ma, type } of am.getAddressesWithMetadata()) {
      const c = ma.getComponents()
      if (type === 'transport' && c[0]?.name === 'ip4' && c[1]?.name === 'tcp') {
        am.addPublicAddressMapping(c[0].value, Number(c[1].value), args.map, Number(c[1].value), 'tcp')
      }
    }
  }
  // getMultiaddrs() shows only verified addresses, and a public listen address is not verified yet
  const listening = node.services.probe.addressManager.getAddressesWithMetadata()
    .map(a => a.multiaddr.toString() + '/p2p/' + node.peerId.toString())
  emit({ event: 'listening', peer: node.peerId.toString(), addrs: listening })
  if (args.mode.endsWith('client')) {
    const am = node.services.probe.addressManager
    let last = ''
    const report = () => {
      const addrs = am.getAddressesWithMetadata().map(a => ({
        addr: a.multiaddr.toString(), type: a.type, verified: a.verified, expires: a.expires
      }))
      // a verified address's expiry moves at every look (js renews private ones each time): a
      // change is a new address, a new verification state, or an expiry set or cleared
      const now = JSON.stringify(addrs.map(a => [a.addr, a.type, a.verified, a.expires > 0 && !a.verified]))
      if (now !== last) {
        last = now
        emit({ event: 'addresses', addrs })
      }
    }
    report()
    setInterval(report, 200).unref()
    try {
      await Promise.all(args.dial.map(a => node.dial(multiaddr(a))))
    } catch (err) {
      fail('dial', err)
    }
  }
  const stop = async () => {
    await node.stop()
    process.exit(0)
  }
  setTimeout(() => fail('run', 'gave up after 240 s'), 240_000).unref()
  process.stdin.resume()
  process.stdin.on('end', stop)
  process.on('SIGTERM', stop)
  // keeps the process alive while the timers above are unref'd
  setInterval(() => {}, 60_000)
}

main().catch((err) => fail('main', err))
