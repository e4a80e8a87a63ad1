// Command go-webtransport is the go-libp2p WebTransport peer of p2pkit's interop suite.
//
//	go-webtransport --dial MADDR [--pings N]
//	go-webtransport --listen MADDR
//
// It has its own module pinned to go-libp2p v0.48.0 (webtransport-go v0.10.0): from
// webtransport-go v0.13.0 (go-libp2p v0.51.0) on, the dialer requires the QUIC transport
// parameter reset_stream_at from the server, which quiche (under p2pkit's Netty QUIC) does not
// implement. With --dial it connects over WebTransport, pings N times (default 3) and exits 0;
// with --listen it serves until stdin closes.
//
// Events (stdout, one JSON object per line):
//
//	{"event":"ready","peerId":…,"addrs":[…]}
//	{"event":"connected","peerId":…,"addr":…}
//	{"event":"ping","rttMicros":N}
//	{"event":"error","step":…,"message":…}
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/p2p/protocol/ping"
	webtransport "github.com/libp2p/go-libp2p/p2p/transport/webtransport"
	ma "github.com/multiformats/go-multiaddr"
)

func emit(v map[string]any) {
	b, err := json.Marshal(v)
	if err != nil {
		fmt.Fprintln(os.Stderr, "json:", err)
		return
	}
	fmt.Println(string(b))
}

func fail(step string, err error) {
	emit(map[string]any{"event": "error", "step": step, "message": err.Error()})
	os.Exit(1)
}

func main() {
	dial := flag.String("dial", "", "multiaddr (with /p2p/) to dial over WebTransport")
	listen := flag.String("listen", "", "multiaddr to listen on")
	pings := flag.Int("pings", 3, "pings to send after connecting")
	flag.Parse()

	opts := []libp2p.Option{
		libp2p.NoTransports,
		libp2p.Transport(webtransport.New),
		libp2p.UserAgent("p2pkit-interop/go-libp2p-webtransport"),
		libp2p.DisableRelay(),
	}
	if *listen != "" {
		opts = append(opts, libp2p.ListenAddrStrings(*listen))
	} else {
		opts = append(opts, libp2p.NoListenAddrs)
	}
	h, err := libp2p.New(opts...)
	if err != nil {
		fail("new", err)
	}
	defer h.Close()
	addrs := []string{}
	for _, a := range h.Addrs() {
		addrs = append(addrs, a.String())
	}
	emit(map[string]any{"event": "ready", "peerId": h.ID().String(), "addrs": addrs})

	if *dial == "" {
		_, _ = io.Copy(io.Discard, os.Stdin)
		return
	}
	addr, err := ma.NewMultiaddr(*dial)
	if err != nil {
		fail("multiaddr", err)
	}
	info, err := peer.AddrInfoFromP2pAddr(addr)
	if err != nil {
		fail("addrinfo", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := h.Connect(ctx, *info); err != nil {
		fail("connect", err)
	}
	emit(map[string]any{"event": "connected", "peerId": info.ID.String(), "addr": addr.String()})
	results := ping.Ping(ctx, h, info.ID)
	for i := 0; i < *pings; i++ {
		r := <-results
		if r.Error != nil {
			fail("ping", r.Error)
		}
		emit(map[string]any{"event": "ping", "rttMicros": r.RTT.Microseconds()})
	}
}
