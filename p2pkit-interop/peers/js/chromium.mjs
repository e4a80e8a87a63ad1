// Headless Chromium for the browser programs (browser.mjs here, demo/drive.mjs at the top of the
// repository): the installed browser driven through the caller's playwright-core, in a fresh
// profile that is removed again on close.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

// Flags and why: no sandbox (CI containers run as root), no GPU (headless, none there), nothing
// in the background that could dial out (only 127.0.0.1 may be dialed), loopback ICE candidates
// allowed and not hidden behind mDNS names (the p2pkit node is on 127.0.0.1). QUIC stays on:
// WebTransport needs it.
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns'
]
// P2PKIT_NETLOG=FILE makes Chromium write its network log there (QUIC, TLS and ICE details of a
// failing case; open it in https://netlog-viewer.appspot.com).
if (process.env.P2PKIT_NETLOG) {
  CHROMIUM_FLAGS.push(`--log-net-log=${process.env.P2PKIT_NETLOG}`, '--net-log-capture-mode=Everything')
}

function removeProfile (dir, log) {
  try {
    // Chromium's last helper processes may still be writing the profile as it exits
    rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 })
  } catch (err) {
    log(`chromium: cannot remove ${dir}: ${err}`)
  }
}

/**
 * Launches Chromium with one page whose console and uncaught errors go to `log`. Resolves to
 * { page, close }; close() ends the browser and removes its profile.
 */
export async function launchChromium (chromium, { executablePath, viewport, log }) {
  const dir = mkdtempSync(join(tmpdir(), 'p2pkit-chromium-'))
  let context
  try {
    // a persistent context is how playwright takes a fresh --user-data-dir of our own
    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath,
      headless: true,
      args: CHROMIUM_FLAGS,
      ...(viewport === undefined ? {} : { viewport })
    })
  } catch (err) {
    removeProfile(dir, log)
    throw err
  }
  const page = context.pages()[0] ?? await context.newPage()
  page.on('console', msg => log(`console.${msg.type()}: ${msg.text()}`))
  page.on('pageerror', err => log(`pageerror: ${err.stack ?? err}`))
  const close = async () => {
    await context.close().catch(err => log(`chromium: close: ${err}`))
    removeProfile(dir, log)
  }
  return { page, close }
}
