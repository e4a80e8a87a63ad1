// Command autonat-peer is the go-libp2p AutoNAT peer of p2pkit's interop suite.
//
//	autonat-peer --mode v2-server --listen ADDR [--allow-private]
//	autonat-peer --mode v1-server --listen ADDR
//	autonat-peer --mode v2-client --listen ADDR --dial SERVER/p2p/ID [--check ADDR] [--allow-private]
//	autonat-peer --mode v1-client --listen ADDR --dial SERVER/p2p/ID [--check ADDR]
//
// The v2 server answers /libp2p/autonat/2/dial-request and dials back from a host of its own; the
// v1 server answers /libp2p/autonat/1.0.0 (go's v1 service, which never dials private or loopback
// addresses: it needs the NAT testbed), dialing back from a host of its own too. The
// clients connect to SERVER, ask it to check ADDR (default: their own first listen address) and
// print the verdict. --allow-private lets loopback addresses be checked (go's AllowPrivateAddrs,
// meant for tests). Events go to stdout as one JSON object per line; diagnostics go to stderr.
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
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/p2p/host/autonat"
	"github.com/libp2p/go-libp2p/p2p/protocol/autonatv2"
	ma "github.com/multiformats/go-multiaddr"
)

func emit(v map[string]any) {
	b, _ := json.Marshal(v)
	os.Stdout.Write(append(b, '\n'))
}

func fail(step string, err error) {
	emit(map[string]any{"event": "error", "step": step, "message": err.Error()})
	os.Exit(1)
}

func main() {
	mode := flag.String("mode", "", "v2-server, v1-server, v2-client or v1-client")
	listen := flag.String("listen", "/ip4/127.0.0.1/tcp/0", "multiaddr to listen on")
	dial := flag.String("dial", "", "the server's multiaddr with /p2p/ID (clients)")
	check := flag.String("check", "", "the address to have checked (clients; default: the first listen address)")
	allowPrivate := flag.Bool("allow-private", false, "allow private and loopback addresses (tests only)")
	flag.Parse()

	h, err := libp2p.New(libp2p.ListenAddrStrings(*listen), libp2p.DisableRelay())
	if err != nil {
		fail("setup", err)
	}
	defer h.Close()
	var opts []autonatv2.AutoNATOption
	if *allowPrivate {
		opts = append(opts, autonatv2.AllowPrivateAddrs)
	}
	switch *mode {
	case "v2-server":
		dialer, err := libp2p.New(libp2p.NoListenAddrs, libp2p.DisableRelay())
		if err != nil {
			fail("setup", err)
		}
		an, err := autonatv2.New(dialer, opts...)
		if err != nil {
			fail("setup", err)
		}
		if err := an.Start(h); err != nil {
			fail("setup", err)
		}
		defer an.Close()
		listening(h)
		wait()
	case "v1-server":
		dialer, err := libp2p.New(libp2p.NoListenAddrs, libp2p.DisableRelay())
		if err != nil {
			fail("setup", err)
		}
		// the service runs only while go believes itself public: say so, as a public server would
		an, err := autonat.New(h, autonat.EnableService(dialer.Network()),
			autonat.WithReachability(network.ReachabilityPublic))
		if err != nil {
			fail("setup", err)
		}
		defer an.Close()
		listening(h)
		wait()
	case "v2-client":
		an, err := autonatv2.New(nil, opts...)
		if err != nil {
			fail("setup", err)
		}
		if err := an.Start(h); err != nil {
			fail("setup", err)
		}
		defer an.Close()
		server := connect(h, *dial)
		target := checked(h, *check)
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		var res autonatv2.Result
		for {
			// the AutoNAT client learns of the server once identify has run
			res, err = an.GetReachability(ctx, []autonatv2.Request{{Addr: target, SendDialData: true}})
			if !errors.Is(err, autonatv2.ErrNoPeers) || ctx.Err() != nil {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if err != nil {
			fail("check", err)
		}
		emit(map[string]any{"event": "v2-result", "server": server.String(), "addr": fmt.Sprint(res.Addr),
			"reachability": reach(res.Reachability), "refused": res.AllAddrsRefused})
	case "v1-client":
		server := connect(h, *dial)
		target := checked(h, *check)
		c := autonat.NewAutoNATClient(h, func() []ma.Multiaddr { return []ma.Multiaddr{target} }, nil)
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		err := c.DialBack(ctx, server)
		status := "ok"
		switch {
		case err == nil:
		case autonat.IsDialError(err):
			status = "dial-error"
		case autonat.IsDialRefused(err):
			status = "refused"
		default:
			fail("check", err)
		}
		emit(map[string]any{"event": "v1-result", "status": status})
	default:
		fmt.Fprintln(os.Stderr, "autonat-peer: --mode v2-server, v1-server, v2-client or v1-client")
		os.Exit(2)
	}
}

func listening(h host.Host) {
	addrs := []string{}
	for _, a := range h.Addrs() {
		addrs = append(addrs, a.String()+"/p2p/"+h.ID().String())
	}
	emit(map[string]any{"event": "listening", "peer": h.ID().String(), "addrs": addrs})
}

func wait() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	<-sig
}

func connect(h host.Host, addr string) peer.ID {
	info, err := peer.AddrInfoFromString(addr)
	if err != nil {
		fail("dial", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := h.Connect(ctx, *info); err != nil {
		fail("dial", err)
	}
	return info.ID
}

func checked(h host.Host, check string) ma.Multiaddr {
	if check != "" {
		return ma.StringCast(check)
	}
	for _, a := range h.Network().ListenAddresses() {
		return a
	}
	fail("setup", errors.New("no listen address"))
	return nil
}

func reach(r network.Reachability) string {
	switch r {
	case network.ReachabilityPublic:
		return "public"
	case network.ReachabilityPrivate:
		return "private"
	default:
		return "unknown"
	}
}
