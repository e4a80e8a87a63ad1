// Runs js-libp2p inside headless Chromium for p2pkit's browser interop cases.
//
//   node browser.mjs --dial <multiaddr/p2p/ID> [--echo-bytes N] [--streams N] [--chromium PATH]
//   node browser.mjs --listen <relay multiaddr/p2p/ID/p2p-circuit> [--chromium PATH]
//   node browser.mjs --server-address MADDR [--transport webrtc-direct|webtransport] [--upload-bytes N]
//                    [--download-bytes N] [--runs N] [--chromium PATH]
//   node browser.mjs --bundle-only DIR   (bundles into DIR and exits: peers/build.sh's check)
//
// At start it bundles browser/entry.js with esbuild (js-libp2p with WebRTC-direct, WebTransport,
// noise, yamux, identify and ping), serves the page from 127.0.0.1, launches Chromium through
// playwright-core (the installed browser; playwright never downloads one) and makes the page dial
// the address. Events go to stdout as one JSON object per line, as the other peers' do: ready
// (with the browser's user agent), connected, identify, ping, echo (none with --echo-bytes 0), streams, done; after done the page
// stays up and serves the echo protocol ("served" events) until stdin closes. With --listen the
// page reserves a slot on the relay, listens on /webrtc (browser-to-browser), reports "listening"
// with its addresses and "inbound" for each connection, and serves echo until stdin closes. The page's console
// and its uncaught errors go to stderr, so a failing case shows why; P2PKIT_PAGE_DEBUG (below)
// adds js-libp2p's debug log, and P2PKIT_NETLOG (see chromium.mjs, which launches Chromium)
// Chromium's own network log, when that is not enough.
// With --server-address the page is the perf runner's client (scripts/bench-perf's "chromium"):
// --runs perf runs against the server's WebRTC-direct or WebTransport address (its /p2p/ part is
// the test plans' fixed server identity when missing), each on a new connection, each printed as
// peers/js/perf.mjs prints it ({"type":"final","timeSeconds":…}); then it exits.

import { createServer } from 'node:http'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { chromium } from 'playwright-core'
import { launchChromium } from './chromium.mjs'

const here = dirname(fileURLToPath(import.meta.url))
// The perf servers' identity (the test plans' Ed25519 key from a zero seed), as perf.mjs has it.
const PERF_SERVER_ID = '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN'

function emit (event) {
  process.stdout.write(JSON.stringify(event) + '\n')
}

// P2PKIT_PAGE_DEBUG=NAMESPACES (js-libp2p's logger's, e.g. 'libp2p:webrtc*,libp2p:circuit-relay*')
// switches the page's debug log on; its lines go to stderr with the console's, each stamped with
// the wall clock so they can be set beside the JVM's log.
const PAGE_DEBUG = process.env.P2PKIT_PAGE_DEBUG

function log (line) {
  if (PAGE_DEBUG) line = `${new Date().toISOString()} ${line}`
  process.stderr.write(line.endsWith('\n') ? line : line + '\n')
}

function usage (msg) {
  log(`browser: ${msg}\nusage: browser.mjs --dial MADDR [--echo-bytes N] [--streams N] [--chromium PATH]\n       browser.mjs --listen RELAY_CIRCUIT_MADDR [--chromium PATH]\n       browser.mjs --server-address MADDR [--transport T] [--upload-bytes N] [--download-bytes N] [--runs N] [--chromium PATH]`)
  process.exit(2)
}

function parseArgs (argv) {
  const args = { echoBytes: 1 << 20, streams: 20, chromium: '/usr/bin/chromium', upload: 0, download: 0, runs: 1 }
  const names = {
    '--dial': 'dial', '--listen': 'listen', '--echo-bytes': 'echoBytes', '--streams': 'streams', '--chromium': 'chromium', '--bundle-only': 'bundleOnly',
    '--server-address': 'serverAddress', '--transport': 'transport', '--upload-bytes': 'upload', '--download-bytes': 'download', '--runs': 'runs'
  }
  for (let i = 0; i < argv.length; i += 2) {
    const name = names[argv[i]]
    if (name === undefined) usage(`unknown flag ${argv[i]}`)
    if (i + 1 >= argv.length) usage(`${argv[i]} needs a value`)
    args[name] = argv[i + 1]
  }
  for (const n of ['echoBytes', 'streams', 'upload', 'download', 'runs']) {
    args[n] = Number(args[n])
    if (!Number.isInteger(args[n]) || args[n] < 0) usage(`bad ${n}`)
  }
  const modes = [args.dial, args.listen, args.bundleOnly, args.serverAddress].filter(m => m !== undefined).length
  if (modes !== 1) usage('give one of --dial, --listen, --server-address and --bundle-only')
  if (args.transport !== undefined && !['webrtc-direct', 'webtransport'].includes(args.transport)) {
    usage(`a browser dials --transport webrtc-direct or webtransport, not ${args.transport}`)
  }
  return args
}

// js-libp2p's browser-to-browser dial races with its own listener (@libp2p/webrtc 6.0.33): the
// listening side's muxer closes the dialer's "init" channel the moment it arrives, and the dialer,
// whose RTCPeerConnection may report "connected" only after that channel has opened and closed,
// then waits for an "open" event that has passed (initiate-connection.js waits on it unless
// readyState is "open"; it is "closed") until the dial times out: "connect: signal timed out",
// now and then a Chromium-to-Chromium dial here. The init channel is the dialer's to close,
// as the muxer's own comment says, so the listening page leaves it to the dialer, as p2pkit does.
const MUXER_JS = /@libp2p[\\/]webrtc[\\/]dist[\\/]src[\\/]muxer\.js$/
const INIT_CLOSE = `            this.log.trace('closing init channel %d', channel.id);
            closeChannel(channel, this.log);
`
const leaveInitChannelToTheDialer = {
  name: 'leave-init-channel-to-the-dialer',
  setup (builder) {
    builder.onLoad({ filter: MUXER_JS }, (args) => {
      const source = readFileSync(args.path, 'utf8')
      if (!source.includes(INIT_CLOSE)) {
        throw new Error(`${args.path} no longer closes the init channel as browser.mjs expects: see leaveInitChannelToTheDialer`)
      }
      return { contents: source.replace(INIT_CLOSE, "            this.log.trace('leaving init channel %d to the dialer', channel.id);\n"), loader: 'js' }
    })
  }
}

async function bundle (dir) {
  const start = Date.now()
  await build({
    entryPoints: [join(here, 'browser', 'entry.js')],
    plugins: [leaveInitChannelToTheDialer],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    outfile: join(dir, 'bundle.js'),
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' }
  })
  log(`browser: bundled browser/entry.js in ${Date.now() - start} ms`)
}

// Serves the page and the bundle on 127.0.0.1 only (a secure context, as WebTransport requires).
function serve (dir) {
  const files = {
    '/': ['text/html', '<!doctype html><meta charset="utf-8"><title>p2pkit interop</title>' +
      '<script type="module" src="/bundle.js"></script>'],
    '/bundle.js': ['text/javascript', readFileSync(join(dir, 'bundle.js'))]
  }
  const server = createServer((req, res) => {
    const file = files[req.url]
    if (req.url === '/favicon.ico') {
      res.writeHead(204).end()
      return
    }
    if (file === undefined) {
      res.writeHead(404).end()
      return
    }
    res.writeHead(200, { 'content-type': file[0], 'cache-control': 'no-store' }).end(file[1])
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve(server))
  })
}

async function main () {
  const args = parseArgs(process.argv.slice(2))
  if (args.bundleOnly !== undefined) {
    await bundle(args.bundleOnly)
    return
  }
  const dir = mkdtempSync(join(tmpdir(), 'p2pkit-browser-'))
  let browser
  let server
  const finish = async (code) => {
    await browser?.close()
    server?.close()
    rmSync(dir, { recursive: true, force: true })
    process.exit(code)
  }
  try {
    await bundle(dir)
    server = await serve(dir)
    browser = await launchChromium(chromium, { executablePath: args.chromium, log })
    const page = browser.page
    await page.exposeFunction('p2pkitEmit', (event) => {
      if (event.event === 'log') log(`page: ${event.message}`)
      else emit(event)
    })
    if (PAGE_DEBUG) {
      // before the bundle runs: the logger reads its namespaces from localStorage once, and takes
      // console.debug as it is then, which formats its %-directives here into one plain line
      await page.addInitScript(namespaces => {
        localStorage.setItem('debug', namespaces)
        const debug = console.debug.bind(console)
        const show = (v) => {
          if (typeof v !== 'object' || v === null) return String(v)
          try {
            return JSON.stringify(v, (k, x) => typeof x === 'bigint' ? x.toString() : x)
          } catch {
            return String(v)
          }
        }
        console.debug = (format, ...args) => {
          if (typeof format !== 'string') return debug(format, ...args)
          const line = format.replace(/%[a-zA-Z%]/g, (d) => {
            if (d === '%%') return '%'
            const v = args.shift()
            return d === '%c' ? '' : show(v)
          })
          debug([line, ...args.map(show)].join(' '))
        }
        // the browser-to-browser dialer's "init" channel, whose events js-libp2p does not log
        const create = RTCPeerConnection.prototype.createDataChannel
        RTCPeerConnection.prototype.createDataChannel = function (label, ...rest) {
          const channel = create.call(this, label, ...rest)
          if (label === 'init') {
            for (const type of ['open', 'closing', 'close', 'error']) {
              channel.addEventListener(type, () => console.debug('page: init channel %s: %s event, readyState %s',
                channel.id, type, channel.readyState))
            }
          }
          return channel
        }
      }, PAGE_DEBUG)
    }
    const url = `http://127.0.0.1:${server.address().port}/`
    await page.goto(url)
    await page.waitForFunction(() => typeof window.p2pkitDial === 'function', null, { timeout: 30_000 })
    try {
      if (args.serverAddress !== undefined) {
        const addr = args.serverAddress.includes('/p2p/') ? args.serverAddress : `${args.serverAddress}/p2p/${PERF_SERVER_ID}`
        await page.evaluate((opts) => window.p2pkitPerf(opts),
          { addr, upload: args.upload, download: args.download, runs: args.runs })
        await finish(0)
        return
      } else if (args.listen !== undefined) {
        await page.evaluate((opts) => window.p2pkitListen(opts), { relay: args.listen })
      } else {
        await page.evaluate((opts) => window.p2pkitDial(opts),
          { addr: args.dial, echoBytes: args.echoBytes, streams: args.streams })
      }
    } catch (err) {
      const message = String(err?.message ?? err).replace(/^page\.evaluate: /, '').replace(/^(Error: )+/, '')
      emit({ event: 'error', step: message.split(':')[0], message })
      await finish(1)
      return
    }
    // The page keeps serving the echo protocol until the test closes stdin.
    const stop = async () => {
      await page.evaluate(() => window.p2pkitStop?.()).catch(err => log(`browser: stop: ${err}`))
      await finish(0)
    }
    process.stdin.on('end', stop)
    process.stdin.on('close', stop)
    process.stdin.resume()
    process.on('SIGTERM', stop)
  } catch (err) {
    emit({ event: 'error', step: 'setup', message: String(err?.message ?? err) })
    await finish(1)
  }
}

main().catch(err => {
  log(`browser: ${err?.stack ?? err}`)
  process.exit(1)
})
