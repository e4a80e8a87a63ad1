// Builds and serves p2pkit's browser demo page.
//
//   node demo/serve.mjs [--port N (8088)] [--addr MULTIADDR] [--topic TOPIC]   (after `npm ci` in demo/)
//
// It bundles app.js (js-libp2p, gossipsub, Helia with Bitswap; all from demo/node_modules) with
// esbuild into memory and serves index.html and the bundle from 127.0.0.1 only: a loopback
// http:// page is a secure context, which WebTransport needs. It prints the page's address, with
// ?addr= filled in when --addr is given. drive.mjs (the test's driver) uses the same functions.

import { createServer } from 'node:http'
import { readFileSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'

const here = dirname(fileURLToPath(import.meta.url))

/** Bundles app.js and returns the bundle's bytes. */
export async function bundle () {
  const out = await build({
    entryPoints: [join(here, 'app.js')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    outfile: 'app.js',
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' }
  })
  return out.outputFiles[0].contents
}

/** Serves the page and the bundle on 127.0.0.1:port (0: any free port); resolves to the server. */
export function serve (appJs, port) {
  const files = {
    '/': ['text/html; charset=utf-8', readFileSync(join(here, 'index.html'))],
    '/app.js': ['text/javascript; charset=utf-8', appJs]
  }
  const server = createServer((req, res) => {
    const file = files[new URL(req.url, 'http://127.0.0.1').pathname]
    if (req.method !== 'GET' || file === undefined) {
      res.writeHead(404).end()
      return
    }
    res.writeHead(200, { 'content-type': file[0], 'cache-control': 'no-store' }).end(file[1])
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve(server))
  })
}

/** The page's address on the server, with the query parameters given. */
export function pageUrl (server, query) {
  const q = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined)).toString()
  return `http://127.0.0.1:${server.address().port}/${q === '' ? '' : '?' + q}`
}

async function main () {
  const args = { port: '8088' }  // not 8080: the daemon's gateway is there
  const argv = process.argv.slice(2)
  for (let i = 0; i < argv.length; i += 2) {
    const name = { '--port': 'port', '--addr': 'addr', '--topic': 'topic' }[argv[i]]
    if (name === undefined || i + 1 >= argv.length) {
      process.stderr.write('usage: serve.mjs [--port N] [--addr MULTIADDR] [--topic TOPIC]\n')
      process.exit(2)
    }
    args[name] = argv[i + 1]
  }
  const server = await serve(await bundle(), Number(args.port))
  process.stdout.write(`demo page: ${pageUrl(server, { addr: args.addr, topic: args.topic })}\n`)
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch(err => {
    process.stderr.write(`serve: ${err?.stack ?? err}\n`)
    process.exit(1)
  })
}
