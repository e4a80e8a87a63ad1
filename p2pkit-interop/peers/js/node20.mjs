// js-libp2p 3 targets Node 22; these two fill what Node 20 lacks. Every peer program imports this
// first (its own libp2p imports are dynamic, so they run after it).

if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function withResolvers () {
    let resolve
    let reject
    const promise = new Promise((res, rej) => { resolve = res; reject = rej })
    return { promise, resolve, reject }
  }
}
if (typeof globalThis.WebSocket === 'undefined') {
  globalThis.WebSocket = (await import('undici')).WebSocket
}
