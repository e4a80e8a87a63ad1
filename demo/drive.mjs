// Drives the demo page in headless Chromium for p2pkit's DemoPageInteropTest, as a person would:
// it opens the page with ?addr=, waits for the connection, types a chat message and presses Send,
// waits for a message from the p2pkit node, and fetches files by CID through the page's form.
//
//   node demo/drive.mjs --addr MADDR/p2p/ID --topic T --say TEXT --expect TEXT [--cid CID]...
//                       [--screenshots DIR] [--chromium PATH]
//
// Events go to stdout, one JSON object per line (as the interop peers' do): ready, connected,
// subscribed, sent, received, fetched (per CID), screenshot, done; or error with the step and
// the page's status text. After done the page stays up until stdin closes. The page's console
// and errors go to stderr. Chromium is launched as for the interop tests' browser.mjs
// (p2pkit-interop/peers/js/chromium.mjs, its flags explained there and in docs/WEBRTC.md).

import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import { launchChromium } from '../p2pkit-interop/peers/js/chromium.mjs'
import { bundle, serve, pageUrl } from './serve.mjs'

const STEP_TIMEOUT_MS = 60_000

const emit = (event) => process.stdout.write(JSON.stringify(event) + '\n')
const log = (line) => process.stderr.write(line.endsWith('\n') ? line : line + '\n')

function parseArgs (argv) {
  const args = { cid: [], chromium: '/usr/bin/chromium' }
  const names = {
    '--addr': 'addr', '--topic': 'topic', '--say': 'say', '--expect': 'expect', '--cid': 'cid',
    '--screenshots': 'screenshots', '--chromium': 'chromium'
  }
  for (let i = 0; i < argv.length; i += 2) {
    const name = names[argv[i]]
    if (name === undefined || i + 1 >= argv.length) {
      log(`drive: bad argument ${argv[i]}\nusage: drive.mjs --addr MADDR --topic T --say TEXT --expect TEXT [--cid CID]... [--screenshots DIR] [--chromium PATH]`)
      process.exit(2)
    }
    if (name === 'cid') args.cid.push(argv[i + 1])
    else args[name] = argv[i + 1]
  }
  for (const n of ['addr', 'topic', 'say', 'expect']) {
    if (args[n] === undefined) {
      log(`drive: --${n} is required`)
      process.exit(2)
    }
  }
  return args
}

class StepError extends Error {
  constructor (step, message) {
    super(message)
    this.step = step
  }
}

async function step (name, page, fn) {
  try {
    return await fn()
  } catch (err) {
    const status = await page.evaluate(() => [document.getElementById('status').textContent,
      document.getElementById('file-status').textContent].join(' | ')).catch(() => '?')
    throw new StepError(name, `${String(err?.message ?? err).split('\n')[0]} (page says: ${status})`)
  }
}

async function main () {
  const args = parseArgs(process.argv.slice(2))
  let browser
  let server
  const finish = async (code) => {
    await browser?.close()
    server?.close()
    process.exit(code)
  }
  let page
  const shot = async (name) => {
    if (args.screenshots === undefined) return
    mkdirSync(args.screenshots, { recursive: true })
    const file = join(args.screenshots, name)
    await page.screenshot({ path: file, fullPage: true })
    emit({ event: 'screenshot', file })
  }
  try {
    server = await serve(await bundle(), 0)
    browser = await launchChromium(chromium, { executablePath: args.chromium, viewport: { width: 1000, height: 900 }, log })
    page = browser.page
    page.setDefaultTimeout(STEP_TIMEOUT_MS)
    await page.goto(pageUrl(server, { addr: args.addr, topic: args.topic }))

    await step('start', page, () => page.waitForSelector('body[data-ready=true]'))
    emit({ event: 'ready', peerId: await page.getAttribute('#self', 'data-peer-id'), userAgent: await page.evaluate(() => navigator.userAgent) })

    await step('connect', page, async () => {
      await page.waitForSelector('#status[data-state=connected], #status[data-state=failed]')
      if (await page.getAttribute('#status', 'data-state') === 'failed') throw new Error('not connected')
    })
    const daemon = await page.getAttribute('#status', 'data-peer-id')
    emit({ event: 'connected', peerId: daemon, remoteAddr: await page.textContent('#remote') })

    await step('subscribe', page, () => page.waitForFunction((id) =>
      (document.getElementById('topic-peers').dataset.peers ?? '').split(',').includes(id), daemon))
    emit({ event: 'subscribed', topic: args.topic })

    await page.fill('#message', args.say)
    await page.click('#send')
    await step('send', page, () => page.waitForFunction((text) =>
      Array.from(document.querySelectorAll('#chat li.self')).some(li => li.textContent.endsWith(text)), args.say))
    emit({ event: 'sent', text: args.say })

    await step('receive', page, () => page.waitForFunction(([id, text]) =>
      Array.from(document.querySelectorAll('#chat li')).some(li => li.dataset.from === id && li.textContent.endsWith(text)),
    [daemon, args.expect]))
    emit({ event: 'received', text: args.expect, from: daemon })
    await shot('chat.png')

    for (const [i, cid] of args.cid.entries()) {
      await page.fill('#cid', cid)
      await page.click('#fetch')
      await step('fetch', page, async () => {
        await page.waitForSelector('#file-status[data-state=done], #file-status[data-state=failed]')
        if (await page.getAttribute('#file-status', 'data-state') === 'failed') throw new Error(`${cid} not fetched`)
      })
      const data = await page.evaluate(() => ({ ...document.getElementById('file-status').dataset }))
      emit({ event: 'fetched', cid, bytes: Number(data.bytes), sha256: data.sha256, kind: data.kind, width: data.width === undefined ? null : Number(data.width) })
      await shot(`fetch-${i + 1}.png`)
    }
    emit({ event: 'done' })
    process.stdin.on('end', () => finish(0))
    process.stdin.on('close', () => finish(0))
    process.stdin.resume()
    process.on('SIGTERM', () => finish(0))
  } catch (err) {
    emit({ event: 'error', step: err.step ?? 'setup', message: String(err?.message ?? err) })
    await finish(1)
  }
}

main().catch(err => {
  log(`drive: ${err?.stack ?? err}`)
  process.exit(1)
})
