#!/usr/bin/env bash
# Builds the interop peer programs: build.sh [js|go|rust]...  (no argument: all three, in parallel).
#
# Each peer whose toolchain is installed is built. Outside CI a missing toolchain is reported and
# skipped, and a failed build is reported (the tests then say they skip those peers). With CI=true
# both are errors: the script exits 1 and the Maven build stops, so CI is never green without
# interop. Dependency caches and build outputs live under the home directory, outside the clone,
# so reruns on the same machine are fast. Never reads standard input (CI-safe).
# A successful build writes peers/<name>/.built (the harness looks for it) and a launcher:
#   js:   node peers/js/peer.mjs        go: peers/go/peer        rust: peers/rust/peer
#   browser program (js-libp2p in headless Chromium, bundled by esbuild; built with the js peer):
#         node peers/js/browser.mjs
#   perf programs: node peers/js/perf.mjs, peers/go/perf-peer
#   WebRTC-direct program: peers/go/webrtc-peer (built with the go peer)
#   mDNS programs: peers/go/mdns-peer (built with the go peer), peers/rust/mdns-peer (built with the rust peer)
#   SCTP/data channel program (pion, plain UDP): peers/go/sctp-peer (built with the go peer)
#   AutoNAT programs: peers/go/autonat-peer (built with the go peer), node peers/js/autonat.mjs,
#                     peers/rust/autonat-peer (built with the rust peer)
#   Rendezvous program: peers/rust/rendezvous-peer (built with the rust peer)
#   DHT programs: node peers/js/kad.mjs, peers/go-kad/peer
#   pubsub programs: node peers/js/pubsub.mjs, peers/go-pubsub/peer (built with the go peer)
#   WebTransport program: peers/go-webtransport/peer (built with the go peer)
#   GraphSync program: peers/go-graphsync/peer (go-graphsync, built with the go peer)
#   Kubo (the ipfs command, for UnixFS CIDs): peers/kubo/ipfs (built with the go peer)
#   Helia (@helia/unixfs importer): node peers/helia/add.mjs; a Helia node with Bitswap: node peers/helia/peer.mjs
#   kubo-rpc-client (Kubo's RPC client, built with the js peer): node peers/kubo-rpc-client/session.mjs
#   mock-ipfs-pinning-service (the Pinning Services API, built with the js peer): node peers/pinning-service/serve.mjs
#   the browser demo page (demo/ at the top of the repository, built with the js peer):
#         node demo/serve.mjs; its test driver node demo/drive.mjs
set -u

here=$(cd "$(dirname "$0")" && pwd)
cache=${P2PKIT_CACHE:-$HOME/.cache/p2pkit}
exec </dev/null

# One build at a time per clone: scripts/test starts one in the background while Maven builds and
# tests the Java modules, and the interop module's own run of this script waits here for it, then
# finds every peer up to date.
if command -v flock >/dev/null 2>&1; then
    exec 9>"$here/.build.lock"
    flock 9
fi

# Go lives in /usr/local/go on many machines without being on PATH.
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
    PATH=$PATH:/usr/local/go/bin
fi
if ! command -v cargo >/dev/null 2>&1 && [ -x "$HOME/.cargo/bin/cargo" ]; then
    PATH=$PATH:$HOME/.cargo/bin
fi

ci=false
[ "${CI:-}" = true ] && ci=true

# A missing toolchain: an error under CI, a skip elsewhere.
missing() {
    if $ci; then
        echo "interop: $1 not found, and CI=true: the interop suite needs it" >&2
        return 1
    fi
    echo "interop: $1 not found: skipping the $2 peer"
    return 0
}

# Installs the current directory's locked npm packages, only when the lockfile changed since the
# last install. npm ci refuses the lockfile when optional platform packages (libp2p-quic's
# bindings for other systems) cannot be resolved from the registry in use; npm install then
# installs the same locked versions.
npm_ci_locked() {
    if [ -d node_modules ] && cmp -s package-lock.json node_modules/.package-lock.json.p2pkit 2>/dev/null; then
        return 0
    fi
    npm_config_cache="$cache/npm" npm ci --no-audit --no-fund --loglevel=error \
        || npm_config_cache="$cache/npm" npm install --no-audit --no-fund --loglevel=error || return 1
    cp package-lock.json node_modules/.package-lock.json.p2pkit
}

build_js() {
    if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
        missing node/npm js-libp2p
        return
    fi
    cd "$here/js" || return 1
    rm -f .built
    npm_ci_locked || return 1
    node --check node20.mjs || return 1
    node --check peer.mjs || return 1
    node --check perf.mjs || return 1
    node --check pubsub.mjs || return 1
    node --check autonat.mjs || return 1
    node --check chromium.mjs || return 1
    node --check browser.mjs || return 1
    # the browser bundle is made again at test time; this catches a broken one at build time
    local bundle
    bundle=$(mktemp -d) || return 1
    node browser.mjs --bundle-only "$bundle" || { rm -rf "$bundle"; return 1; }
    rm -rf "$bundle"
    touch .built
    echo "interop: js peer ready (node $(node --version))"
    build_helia || { echo "interop: building the helia peer FAILED" >&2; return 1; }
    build_kubo_rpc_client || { echo "interop: installing kubo-rpc-client FAILED" >&2; return 1; }
    build_pinning_service || { echo "interop: installing mock-ipfs-pinning-service FAILED" >&2; return 1; }
    build_demo || { echo "interop: building the demo page FAILED" >&2; return 1; }
}

build_go() {
    if ! command -v go >/dev/null 2>&1; then
        missing go go-libp2p
        return
    fi
    cd "$here/go" || return 1
    rm -f .built
    # Go keeps its module and build caches under the home directory by default.
    GOFLAGS=-mod=readonly go build -trimpath -o peer . || return 1
    GOFLAGS=-mod=readonly go build -trimpath -o perf-peer ./perf || return 1
    GOFLAGS=-mod=readonly go build -trimpath -o autonat-peer ./autonat || return 1
    GOFLAGS=-mod=readonly go build -trimpath -o mdns-peer ./mdns || return 1
    GOFLAGS=-mod=readonly go build -trimpath -o webrtc-peer ./webrtc || return 1
    GOFLAGS=-mod=readonly go build -trimpath -o sctp-peer ./sctp || return 1
    touch .built
    echo "interop: go peer ready ($(go version | cut -d' ' -f3))"
    # The go-libp2p-kad-dht and go-libp2p-pubsub peers have their own modules; the go peer stays
    # usable when one of them fails, but the build as a whole reports the failure.
    local failed=0
    build_go_kad || { echo "interop: building the go-kad peer FAILED" >&2; failed=1; }
    build_go_pubsub || { echo "interop: building the go-pubsub peer FAILED" >&2; failed=1; }
    build_go_webtransport || { echo "interop: building the go-webtransport peer FAILED" >&2; failed=1; }
    build_go_graphsync || { echo "interop: building the go-graphsync peer FAILED" >&2; failed=1; }
    build_kubo || { echo "interop: building Kubo FAILED" >&2; failed=1; }
    return $failed
}

build_go_kad() {
    cd "$here/go-kad" || return 1
    rm -f .built
    GOFLAGS=-mod=readonly go build -trimpath -o peer . || return 1
    touch .built
    echo "interop: go kad peer ready (go-libp2p-kad-dht v0.35.1)"
}

build_go_pubsub() {
    cd "$here/go-pubsub" || return 1
    rm -f .built
    GOFLAGS=-mod=readonly go build -trimpath -o peer . || return 1
    touch .built
    echo "interop: go-pubsub peer ready (go-libp2p-pubsub v0.14.2)"
}

build_go_webtransport() {
    # its own module on go-libp2p v0.48.0: later webtransport-go needs QUIC's reset_stream_at,
    # which quiche (under p2pkit's listener) lacks; see go-webtransport/main.go
    cd "$here/go-webtransport" || return 1
    rm -f .built
    GOFLAGS=-mod=readonly go build -trimpath -o peer . || return 1
    touch .built
    echo "interop: go-webtransport peer ready (go-libp2p v0.48.0)"
}

build_go_graphsync() {
    # go-graphsync v0.18.1 pins its own go-libp2p (v0.48.0), so it has a module of its own.
    cd "$here/go-graphsync" || return 1
    rm -f .built
    GOFLAGS=-mod=readonly go build -trimpath -o peer . || return 1
    touch .built
    echo "interop: go-graphsync peer ready (go-graphsync v0.18.1)"
}

build_kubo() {
    # Kubo v0.39.0 through a wrapper module (tools.go): the module proxy refuses the version list
    # that `go install ...@v0.39.0` needs. go.mod also lifts cockroachdb/swiss, whose pinned
    # version does not compile with Go 1.26. Go's build cache makes rebuilds quick.
    cd "$here/kubo" || return 1
    rm -f .built
    local start=$(date +%s)
    GOFLAGS=-mod=readonly go build -trimpath -o ipfs.tmp github.com/ipfs/kubo/cmd/ipfs || return 1
    mv -f ipfs.tmp ipfs || return 1
    touch .built
    echo "interop: kubo ready ($(./ipfs version)) in $(( $(date +%s) - start ))s"
}

build_helia() {
    cd "$here/helia" || return 1
    rm -f .built
    # (npm install when npm ci cannot resolve node-datachannel's optional platform packages, which
    # Helia's libp2p defaults bring in)
    npm_ci_locked || return 1
    node --check add.mjs || return 1
    node --check peer.mjs || return 1
    touch .built
    echo "interop: helia ready (helia $(node -p 'require("./node_modules/helia/package.json").version'), @helia/unixfs $(node -p 'require("./node_modules/@helia/unixfs/package.json").version'))"
}

# The browser demo page's packages (demo/package.json); its bundle is made when it is served.
build_demo() {
    cd "$here/../../demo" || return 1
    npm_ci_locked || return 1
    node --check serve.mjs || return 1
    node --check drive.mjs || return 1
    # a broken bundle fails here rather than in the test
    node -e 'import("./serve.mjs").then(m => m.bundle())' || return 1
    echo "interop: demo page ready (libp2p $(node -p 'require("./node_modules/libp2p/package.json").version'), helia $(node -p 'require("./node_modules/helia/package.json").version'))"
}

build_kubo_rpc_client() {
    cd "$here/kubo-rpc-client" || return 1
    rm -f .built
    if [ ! -d node_modules ] || ! cmp -s package-lock.json node_modules/.package-lock.json.p2pkit 2>/dev/null; then
        npm_config_cache="$cache/npm" npm ci --no-audit --no-fund --loglevel=error || return 1
        cp package-lock.json node_modules/.package-lock.json.p2pkit
    fi
    node --check session.mjs || return 1
    touch .built
    echo "interop: kubo-rpc-client ready ($(node -p 'require("./node_modules/kubo-rpc-client/package.json").version'))"
}

# The reference Pinning Services API implementation, for the remote pinning tests.
build_pinning_service() {
    cd "$here/pinning-service" || return 1
    rm -f .built
    npm_ci_locked || return 1
    node --check serve.mjs || return 1
    touch .built
    echo "interop: pinning service ready (mock-ipfs-pinning-service $(node -p 'require("./node_modules/mock-ipfs-pinning-service/package.json").version'))"
}

build_rust() {
    if ! command -v cargo >/dev/null 2>&1; then
        missing cargo rust-libp2p
        return
    fi
    cd "$here/rust" || return 1
    rm -f .built
    local target="$cache/cargo-target/rust-peer"
    CARGO_TARGET_DIR="$target" cargo build --release --locked --quiet || return 1
    cp "$target/release/peer" peer.tmp && mv -f peer.tmp peer || return 1
    cp "$target/release/autonat-peer" autonat-peer.tmp && mv -f autonat-peer.tmp autonat-peer || return 1
    cp "$target/release/holepunch-peer" holepunch-peer.tmp && mv -f holepunch-peer.tmp holepunch-peer || return 1
    cp "$target/release/mdns-peer" mdns-peer.tmp && mv -f mdns-peer.tmp mdns-peer || return 1
    cp "$target/release/rendezvous-peer" rendezvous-peer.tmp && mv -f rendezvous-peer.tmp rendezvous-peer || return 1
    touch .built
    echo "interop: rust peer ready ($(cargo --version | cut -d' ' -f2))"
}

[ $# -gt 0 ] || set -- js go rust
for name in "$@"; do
    case $name in
        js|go|rust) ;;
        *) echo "usage: build.sh [js|go|rust]..." >&2; exit 2 ;;
    esac
done

# The peers build in parallel (downloads overlap with compiling); each one's output is kept
# apart and printed whole once it is done.
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
pids=()
for name in "$@"; do
    (
        start=$(date +%s)
        if ( "build_$name" ); then
            echo "interop: $name build took $(( $(date +%s) - start ))s"
        else
            echo "interop: building the $name peer FAILED after $(( $(date +%s) - start ))s"
            exit 1
        fi
    ) >"$logs/$name" 2>&1 &
    pids+=($!)
done
status=0
i=0
for name in "$@"; do
    wait "${pids[$i]}" || status=1
    cat "$logs/$name"
    i=$((i + 1))
done
if [ $status != 0 ] && ! $ci; then
    echo "interop: the tests of the peers that failed to build will be skipped (under CI=true this is an error)"
    status=0
fi
exit $status
