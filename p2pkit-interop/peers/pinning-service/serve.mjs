// Serves mock-ipfs-pinning-service (the reference Pinning Services API implementation Kubo's own
// tests use) on a loopback port; prints "listening <port>" once it accepts requests.
//   node serve.mjs [--token=KEY] [--delegates=MULTIADDR,...]
// Without --delegates the mock would hand out its own made-up public addresses, which a node
// then dials: the tests pass loopback ones. Stops when its standard input closes.
import http from "node:http"
import mock from "mock-ipfs-pinning-service"

const option = (name) => {
  const arg = process.argv.slice(2).find((a) => a.startsWith(`--${name}=`))
  return arg === undefined ? null : arg.slice(name.length + 3)
}

const delegates = option("delegates")
if (delegates === null || delegates === "") {
  process.stderr.write("usage: node serve.mjs [--token=KEY] --delegates=MULTIADDR,...\n")
  process.exit(2)
}
const service = await mock.setup({
  token: option("token"),
  delegates,
  loglevel: "error",
})
const server = http.createServer(service)
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`listening ${server.address().port}\n`)
})
process.stdin.on("end", () => process.exit(0))
process.stdin.resume()
