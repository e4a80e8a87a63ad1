// Command mdns-peer is the go-libp2p mDNS peer of p2pkit's interop suite.
//
//	mdns-peer --listen ADDR
//
// Listens on ADDR, announces itself and browses with go-libp2p's mDNS (p2p/discovery/mdns, which
// uses zeroconf), connects to every peer it reports and pings it. Events go to stdout as one JSON
// object per line (listening, discovered, pinged); diagnostics go to stderr. It multicasts on
// every interface, so the tests run it inside p2pkit's namespace LAN only.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/p2p/discovery/mdns"
	"github.com/libp2p/go-libp2p/p2p/protocol/ping"
)

func emit(v map[string]any) {
	b, _ := json.Marshal(v)
	os.Stdout.Write(append(b, '\n'))
}

func fail(step string, err error) {
	emit(map[string]any{"event": "error", "step": step, "message": err.Error()})
	os.Exit(1)
}

type notifee struct {
	h host.Host
}

// HandlePeerFound reports the peer, connects and pings it once.
func (n notifee) HandlePeerFound(info peer.AddrInfo) {
	addrs := make([]string, 0, len(info.Addrs))
	for _, a := range info.Addrs {
		addrs = append(addrs, a.String())
	}
	emit(map[string]any{"event": "discovered", "peer": info.ID.String(), "addrs": addrs})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := n.h.Connect(ctx, info); err != nil {
		fmt.Fprintf(os.Stderr, "connect %s: %v\n", info.ID, err)
		return
	}
	select {
	case r := <-ping.Ping(ctx, n.h, info.ID):
		if r.Error != nil {
			fmt.Fprintf(os.Stderr, "ping %s: %v\n", info.ID, r.Error)
			return
		}
		emit(map[string]any{"event": "pinged", "peer": info.ID.String(), "rtt_us": r.RTT.Microseconds()})
	case <-ctx.Done():
		fmt.Fprintf(os.Stderr, "ping %s: %v\n", info.ID, errors.New("timed out"))
	}
}

func main() {
	listen := flag.String("listen", "/ip4/0.0.0.0/tcp/4001", "multiaddr to listen on")
	flag.Parse()

	h, err := libp2p.New(libp2p.ListenAddrStrings(*listen), libp2p.DisableRelay())
	if err != nil {
		fail("setup", err)
	}
	defer h.Close()
	addrs := make([]string, 0)
	for _, a := range h.Addrs() {
		addrs = append(addrs, a.String()+"/p2p/"+h.ID().String())
	}
	emit(map[string]any{"event": "listening", "peer": h.ID().String(), "addrs": addrs})
	s := mdns.NewMdnsService(h, mdns.ServiceName, notifee{h})
	if err := s.Start(); err != nil {
		fail("mdns", err)
	}
	defer s.Close()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	<-sig
}
