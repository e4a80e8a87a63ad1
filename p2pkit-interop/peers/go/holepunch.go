package main

// Hole punching (DCUtR) for the NAT testbed cases, kept apart from the rest of the peer.
//
// --hole-punching turns on go-libp2p's hole punching service (with the relay client) and reports
// what happens: every hole punch tracer event as {"event":"holePunch","type":…} and every
// connection opened or closed as {"event":"conn","state":"open"|"closed","peerId","addr","limited"}.
// With --dial it connects (usually through a /p2p-circuit address), reports "connected" (with its
// own ID as "self") and then
// only waits for stdin to close or a signal, so that the peer can upgrade the connection.

import (
	"context"
	"errors"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/p2p/protocol/holepunch"
	ma "github.com/multiformats/go-multiaddr"
)

// holePunchTracer reports the service's events as they come.
type holePunchTracer struct{}

func (holePunchTracer) Trace(e *holepunch.Event) {
	ev := map[string]any{"event": "holePunch", "type": e.Type, "peerId": e.Remote.String()}
	switch d := e.Evt.(type) {
	case *holepunch.DirectDialEvt:
		ev["success"], ev["error"], ev["elapsedMillis"] = d.Success, d.Error, d.EllapsedTime.Milliseconds()
	case *holepunch.EndHolePunchEvt:
		ev["success"], ev["error"], ev["elapsedMillis"] = d.Success, d.Error, d.EllapsedTime.Milliseconds()
	case *holepunch.StartHolePunchEvt:
		ev["remoteAddrs"], ev["rttMillis"] = d.RemoteAddrs, d.RTT.Milliseconds()
	case *holepunch.HolePunchAttemptEvt:
		ev["attempt"] = d.Attempt
	case *holepunch.ProtocolErrorEvt:
		ev["error"] = d.Error
	}
	emit(ev)
}

func holePunchOptions() []libp2p.Option {
	return []libp2p.Option{libp2p.EnableRelay(), libp2p.EnableHolePunching(holepunch.WithTracer(holePunchTracer{}))}
}

func connEvent(state string, c network.Conn) map[string]any {
	return map[string]any{"event": "conn", "state": state, "peerId": c.RemotePeer().String(),
		"addr": c.RemoteMultiaddr().String(), "limited": c.Stat().Limited}
}

// watchConns reports every connection opened or closed, and when the service is ready (a
// listener's "dcutrReady" comes after it has reserved on a relay and heard its observed address).
func watchConns(h host.Host, dialing bool) {
	if !dialing {
		go awaitHolePunchReady(h)
	}
	h.Network().Notify(&network.NotifyBundle{
		ConnectedF:    func(_ network.Network, c network.Conn) { emit(connEvent("open", c)) },
		DisconnectedF: func(_ network.Network, c network.Conn) { emit(connEvent("closed", c)) },
	})
}

// awaitHolePunchReady waits until the service serves /libp2p/dcutr, which it does only once the
// host knows a public address of its own (from identify: the relay's observation of it), and
// reports it as {"event":"dcutrReady"}.
func awaitHolePunchReady(h host.Host) {
	deadline := time.Now().Add(stepTimeout)
	for !slices.Contains(h.Mux().Protocols(), holepunch.Protocol) {
		if time.Now().After(deadline) {
			fail("hole-punching", errors.New("no public address of our own: /libp2p/dcutr not served"))
		}
		time.Sleep(100 * time.Millisecond)
	}
	emit(map[string]any{"event": "dcutrReady"})
}

// runHolePunchDialer connects to target and stays until stdin closes or a signal comes. For a
// /p2p-circuit target it connects to the relay first and waits until it can take part in DCUtR.
func runHolePunchDialer(h host.Host, target string) {
	addr, err := ma.NewMultiaddr(target)
	if err != nil {
		fail("connect", err)
	}
	info, err := peer.AddrInfoFromP2pAddr(addr)
	if err != nil {
		fail("connect", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), stepTimeout)
	defer cancel()
	if relayPart, _, found := strings.Cut(target, "/p2p-circuit"); found {
		relayAddr, err := ma.NewMultiaddr(relayPart)
		if err != nil {
			fail("connect", err)
		}
		relay, err := peer.AddrInfoFromP2pAddr(relayAddr)
		if err != nil {
			fail("connect", err)
		}
		if err := h.Connect(ctx, *relay); err != nil {
			fail("connect", err)
		}
		awaitHolePunchReady(h)
	}
	if err := h.Connect(network.WithAllowLimitedConn(ctx, "hole punching"), *info); err != nil {
		fail("connect", err)
	}
	conns := h.Network().ConnsToPeer(info.ID)
	if len(conns) == 0 {
		fail("connect", errors.New("connected, but the connection is already gone"))
	}
	emit(map[string]any{"event": "connected", "self": h.ID().String(), "peerId": info.ID.String(), "addr": conns[0].RemoteMultiaddr().String(),
		"limited": conns[0].Stat().Limited})
	stop := make(chan struct{}, 1)
	go func() {
		io.Copy(io.Discard, os.Stdin)
		stop <- struct{}{}
	}()
	term := make(chan os.Signal, 1)
	signal.Notify(term, syscall.SIGTERM, syscall.SIGINT)
	select {
	case <-stop:
	case <-term:
	}
}
