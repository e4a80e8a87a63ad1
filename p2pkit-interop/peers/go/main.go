// Command peer is the go-libp2p peer of p2pkit's interop suite.
//
// It follows the command-line contract shared with the js and rust peers:
//
//	peer --listen /ip4/127.0.0.1/tcp/0 --security noise|tls --muxer yamux [--identity-key FILE]
//	peer --dial <multiaddr/p2p/ID> --security noise|tls --muxer yamux [--echo-bytes N] [--streams N]
//
// Circuit relay v2: --relay-service (with --listen) runs go-libp2p's relay service with its default
// resources; --reserve <relay multiaddr/p2p/ID> (with --listen) reserves a slot on a relay and
// reports it as a "reserved" event, after which peers reach this one through the relay; --dial
// takes a .../p2p/RELAY/p2p-circuit/p2p/ID address too (streams then allow limited connections).
//
// The transport follows the address: TCP, or WebSocket for .../ws and .../tls/ws (wss). wss needs
// --wss-cert FILE --wss-key FILE (PEM) to listen; --wss-ca FILE (PEM) is the CA trusted when dialing.
// A /udp/…/quic-v1 address selects QUIC v1 (TLS and muxing built in; --security/--muxer then do not apply).
//
// --swarm-key FILE puts the peer in the private network of that PSK v1 key file (libp2p.PrivateNetwork);
// QUIC is then left out, since go-libp2p refuses it with a private network.
//
// Events go to stdout as one JSON object per line; diagnostics go to stderr.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/event"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/pnet"
	"github.com/libp2p/go-libp2p/core/protocol"
	"github.com/libp2p/go-libp2p/p2p/muxer/yamux"
	relayclient "github.com/libp2p/go-libp2p/p2p/protocol/circuitv2/client"
	relayv2 "github.com/libp2p/go-libp2p/p2p/protocol/circuitv2/relay"
	"github.com/libp2p/go-libp2p/p2p/protocol/ping"
	"github.com/libp2p/go-libp2p/p2p/security/noise"
	tlssec "github.com/libp2p/go-libp2p/p2p/security/tls"
	libp2pquic "github.com/libp2p/go-libp2p/p2p/transport/quic"
	"github.com/libp2p/go-libp2p/p2p/transport/tcp"
	"github.com/libp2p/go-libp2p/p2p/transport/websocket"
	ma "github.com/multiformats/go-multiaddr"
)

const (
	echoID      = protocol.ID("/p2pkit/echo/1.0.0")
	stepTimeout = 30 * time.Second
	agent       = "p2pkit-interop/go-libp2p-v0.51.0"
)

var outMu sync.Mutex

// emit writes one event as a JSON line; the lock keeps lines from concurrent goroutines whole.
func emit(v map[string]any) {
	b, err := json.Marshal(v)
	if err != nil {
		fmt.Fprintln(os.Stderr, "json:", err)
		return
	}
	outMu.Lock()
	defer outMu.Unlock()
	os.Stdout.Write(append(b, '\n'))
}

func fail(step string, err error) {
	emit(map[string]any{"event": "error", "step": step, "message": err.Error()})
	os.Exit(1)
}

func usage(msg string) {
	fmt.Fprintln(os.Stderr, "peer:", msg)
	flag.Usage()
	os.Exit(2)
}

func main() {
	listen := flag.String("listen", "", "multiaddr to listen on")
	dial := flag.String("dial", "", "multiaddr (with /p2p/ID) to dial")
	security := flag.String("security", "noise", "noise or tls")
	muxer := flag.String("muxer", "yamux", "yamux (go-libp2p has no mplex)")
	keyFile := flag.String("identity-key", "", "file with a protobuf-encoded libp2p private key")
	echoBytes := flag.Int("echo-bytes", 1<<20, "bytes sent on the single echo stream")
	streams := flag.Int("streams", 100, "number of concurrent 1 KiB echo streams")
	wssCert := flag.String("wss-cert", "", "PEM certificate chain for listening on wss")
	wssKey := flag.String("wss-key", "", "PEM key of that certificate")
	wssCA := flag.String("wss-ca", "", "PEM CA certificates trusted when dialing wss")
	relayService := flag.Bool("relay-service", false, "serve circuit relay v2 (with --listen)")
	reserve := flag.String("reserve", "", "relay multiaddr (with /p2p/ID) to reserve a slot on (with --listen)")
	holePunching := flag.Bool("hole-punching", false, "DCUtR hole punching (holepunch.go)")
	swarmKey := flag.String("swarm-key", "", "PSK v1 key file of a private network (QUIC is then off)")
	flag.Parse()

	// a hole punching dialer listens too: its dials leave from the listening port
	if (*listen == "") == (*dial == "") && !(*holePunching && *dial != "") {
		usage("give exactly one of --listen and --dial")
	}
	if *muxer != "yamux" {
		usage("go-libp2p only offers --muxer yamux")
	}
	if (*wssCert == "") != (*wssKey == "") {
		usage("--wss-cert and --wss-key go together")
	}
	var wsOpts []interface{}
	if *wssCert != "" {
		cert, err := tls.LoadX509KeyPair(*wssCert, *wssKey)
		if err != nil {
			fail("setup", err)
		}
		wsOpts = append(wsOpts, websocket.WithTLSConfig(&tls.Config{Certificates: []tls.Certificate{cert}}))
	}
	if *wssCA != "" {
		pem, err := os.ReadFile(*wssCA)
		if err != nil {
			fail("setup", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			fail("setup", fmt.Errorf("no certificate in %s", *wssCA))
		}
		wsOpts = append(wsOpts, websocket.WithTLSClientConfig(&tls.Config{RootCAs: pool}))
	}
	opts := []libp2p.Option{
		libp2p.NoTransports,
		libp2p.Transport(tcp.NewTCPTransport),
		libp2p.Transport(websocket.New, wsOpts...),
		libp2p.Muxer(yamux.ID, yamux.DefaultTransport),
		libp2p.DisableMetrics(),
		libp2p.ResourceManager(&network.NullResourceManager{}),
		libp2p.ProtocolVersion("ipfs/0.1.0"),
		libp2p.UserAgent(agent),
		libp2p.Ping(true),
	}
	if *swarmKey != "" {
		f, err := os.Open(*swarmKey)
		if err != nil {
			fail("setup", err)
		}
		psk, err := pnet.DecodeV1PSK(f)
		f.Close()
		if err != nil {
			fail("setup", fmt.Errorf("bad swarm key in %s: %w", *swarmKey, err))
		}
		opts = append(opts, libp2p.PrivateNetwork(psk))
	} else {
		// QUIC v1 brings its own TLS and muxing: --security/--muxer apply to TCP only.
		opts = append(opts, libp2p.Transport(libp2pquic.NewTransport))
	}
	switch *security {
	case "noise":
		opts = append(opts, libp2p.Security(noise.ID, noise.New))
	case "tls":
		opts = append(opts, libp2p.Security(tlssec.ID, tlssec.New))
	default:
		usage("--security must be noise or tls")
	}
	if *keyFile != "" {
		raw, err := os.ReadFile(*keyFile)
		if err != nil {
			fail("setup", err)
		}
		key, err := crypto.UnmarshalPrivateKey(raw)
		if err != nil {
			fail("setup", fmt.Errorf("bad key in %s: %w", *keyFile, err))
		}
		opts = append(opts, libp2p.Identity(key))
	}
	// The relay transport (client) only where a case needs it, so that the other cases see the peer as before.
	if !*relayService && *reserve == "" && !strings.Contains(*dial, "/p2p-circuit") {
		opts = append(opts, libp2p.DisableRelay())
	} else {
		opts = append(opts, libp2p.EnableRelay())
	}
	if *holePunching {
		opts = append(opts, holePunchOptions()...)
	}
	if *listen != "" {
		opts = append(opts, libp2p.ListenAddrStrings(*listen))
	} else {
		opts = append(opts, libp2p.NoListenAddrs)
	}

	h, err := libp2p.New(opts...)
	if err != nil {
		fail("setup", err)
	}
	defer h.Close()
	h.SetStreamHandler(echoID, serveEcho)
	if *relayService {
		// go-libp2p's defaults: 1 h reservations, 2 min and 128 KiB per relayed connection, and
		// only public addresses in reservations (none on loopback)
		if _, err := relayv2.New(h); err != nil {
			fail("setup", err)
		}
	}

	// Subscribe before any connection exists so that no identification is missed.
	sub, err := h.EventBus().Subscribe(new(event.EvtPeerIdentificationCompleted))
	if err != nil {
		fail("setup", err)
	}
	if *holePunching {
		watchConns(h, *dial != "")
	}
	if *holePunching && *dial != "" {
		runHolePunchDialer(h, *dial)
	} else if *listen != "" {
		runListener(h, sub, *reserve)
	} else {
		runDialer(h, sub, *dial, *echoBytes, *streams)
	}
}

func serveEcho(s network.Stream) {
	defer s.Close()
	if _, err := io.Copy(s, s); err != nil {
		fmt.Fprintln(os.Stderr, "echo:", err)
		s.Reset()
		return
	}
	s.CloseWrite()
}

func identifyEvent(e event.EvtPeerIdentificationCompleted) map[string]any {
	protos := make([]string, 0, len(e.Protocols))
	for _, p := range e.Protocols {
		protos = append(protos, string(p))
	}
	addrs := make([]string, 0, len(e.ListenAddrs))
	for _, a := range e.ListenAddrs {
		addrs = append(addrs, a.String())
	}
	observed := ""
	if e.ObservedAddr != nil {
		observed = e.ObservedAddr.String()
	}
	state := e.Conn.ConnState()
	return map[string]any{
		"event":            "identify",
		"peerId":           e.Peer.String(),
		"agentVersion":     e.AgentVersion,
		"protocolVersion":  e.ProtocolVersion,
		"protocols":        protos,
		"listenAddrs":      addrs,
		"observedAddr":     observed,
		"signedPeerRecord": e.SignedPeerRecord != nil,
		"security":         string(state.Security),
		"muxer":            string(state.StreamMultiplexer),
	}
}

func runListener(h host.Host, sub event.Subscription, reserve string) {
	addrs := []string{}
	for _, a := range h.Network().ListenAddresses() {
		addrs = append(addrs, a.String()+"/p2p/"+h.ID().String())
	}
	emit(map[string]any{"event": "ready", "peerId": h.ID().String(), "addrs": addrs})
	if reserve != "" {
		reserveOn(h, reserve)
	}

	stop := make(chan struct{}, 2)
	go func() {
		io.Copy(io.Discard, os.Stdin)
		stop <- struct{}{}
	}()
	term := make(chan os.Signal, 1)
	signal.Notify(term, syscall.SIGTERM, syscall.SIGINT)
	for {
		select {
		case <-stop:
			return
		case <-term:
			return
		case ev := <-sub.Out():
			e := ev.(event.EvtPeerIdentificationCompleted)
			if e.Conn.Stat().Direction == network.DirInbound {
				emit(identifyEvent(e))
			}
		}
	}
}

// reserveOn reserves a slot on the relay at addr and reports it.
func reserveOn(h host.Host, addr string) {
	m, err := ma.NewMultiaddr(addr)
	if err != nil {
		fail("reserve", err)
	}
	info, err := peer.AddrInfoFromP2pAddr(m)
	if err != nil {
		fail("reserve", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), stepTimeout)
	defer cancel()
	if err := h.Connect(ctx, *info); err != nil {
		fail("reserve", err)
	}
	r, err := relayclient.Reserve(ctx, h, *info)
	if err != nil {
		fail("reserve", err)
	}
	raddrs := []string{}
	for _, a := range r.Addrs {
		raddrs = append(raddrs, a.String())
	}
	emit(map[string]any{"event": "reserved", "relay": info.ID.String(), "addrs": raddrs,
		"expiration": r.Expiration.Unix(), "voucher": r.Voucher != nil,
		"limitDuration": r.LimitDuration.Seconds(), "limitData": r.LimitData})
}

func runDialer(h host.Host, sub event.Subscription, target string, echoBytes, streams int) {
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
	if err := h.Connect(ctx, *info); err != nil {
		fail("connect", err)
	}
	conns := h.Network().ConnsToPeer(info.ID)
	if len(conns) == 0 {
		fail("connect", errors.New("connected, but the connection is already gone"))
	}
	state := conns[0].ConnState()
	emit(map[string]any{"event": "connected", "peerId": info.ID.String(),
		"security": string(state.Security), "muxer": string(state.StreamMultiplexer),
		"limited": conns[0].Stat().Limited})

	deadline := time.After(stepTimeout)
	for identified := false; !identified; {
		select {
		case ev := <-sub.Out():
			e := ev.(event.EvtPeerIdentificationCompleted)
			if e.Peer == info.ID {
				emit(identifyEvent(e))
				identified = true
			}
		case <-deadline:
			fail("identify", errors.New("timed out"))
		}
	}

	pctx, pcancel := context.WithTimeout(context.Background(), stepTimeout)
	defer pcancel()
	res := <-ping.Ping(pctx, h, info.ID)
	if res.Error != nil {
		fail("ping", res.Error)
	}
	emit(map[string]any{"event": "ping", "rttMillis": float64(res.RTT.Microseconds()) / 1000.0})

	data := make([]byte, echoBytes)
	rand.Read(data)
	if err := echoOnce(h, info.ID, data); err != nil {
		fail("echo", err)
	}
	emit(map[string]any{"event": "echo", "bytes": echoBytes, "ok": true})

	small := make([]byte, 1024)
	rand.Read(small)
	errs := make(chan error, streams)
	var wg sync.WaitGroup
	for i := 0; i < streams; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- echoOnce(h, info.ID, small)
		}()
	}
	wg.Wait()
	close(errs)
	failed := 0
	var first error
	for e := range errs {
		if e != nil {
			failed++
			if first == nil {
				first = e
			}
		}
	}
	if failed > 0 {
		fail("streams", fmt.Errorf("%d of %d streams failed; first: %w", failed, streams, first))
	}
	emit(map[string]any{"event": "streams", "count": streams, "ok": true})
	emit(map[string]any{"event": "done"})
}

// echoOnce sends data on a new echo stream while reading the reply, and compares the two.
func echoOnce(h host.Host, id peer.ID, data []byte) error {
	ctx, cancel := context.WithTimeout(context.Background(), stepTimeout)
	defer cancel()
	// a relayed (limited) connection carries the echo too: the cases through relays send little
	s, err := h.NewStream(network.WithAllowLimitedConn(ctx, "echo"), id, echoID)
	if err != nil {
		return err
	}
	defer s.Close()
	s.SetDeadline(time.Now().Add(stepTimeout))
	werr := make(chan error, 1)
	// Write concurrently with reading: the echo side cannot hold a whole MiB.
	go func() {
		if _, err := s.Write(data); err != nil {
			werr <- err
			return
		}
		werr <- s.CloseWrite()
	}()
	got, err := io.ReadAll(s)
	if err != nil {
		return fmt.Errorf("read: %w", err)
	}
	if err := <-werr; err != nil {
		return fmt.Errorf("write: %w", err)
	}
	if !bytes.Equal(got, data) {
		return fmt.Errorf("echo mismatch: sent %d bytes, got %d back", len(data), len(got))
	}
	return nil
}
