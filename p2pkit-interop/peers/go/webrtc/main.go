// Command webrtc-peer is the go-libp2p WebRTC-direct peer of p2pkit's interop suite.
//
//	webrtc-peer --listen /ip4/127.0.0.1/udp/0/webrtc-direct
//	webrtc-peer --listen /ip4/127.0.0.1/udp/0/webrtc-direct --dial ADDR/webrtc-direct/certhash/H/p2p/ID
//
// The host has go-libp2p's WebRTC transport only, with ping, identify and an echo handler
// (/p2pkit/echo/1.0.0). It prints its listen addresses (with /certhash and /p2p) as a "listening"
// event; its certificate is the same for listening and dialing, so the certhash printed is also the
// one a peer it dials sees. Every peer identified prints an "identify" event (with its agent
// version). With --dial it then connects to ADDR and prints "connected" or "dial-failed" with go's
// error (a p2pkit peer that stops after DTLS makes it fail); once connected it waits for identify,
// pings ("ping"), echoes --echo-bytes on one stream ("echo") and 1 KiB on --streams streams at once
// ("streams"), then prints "done", or "error" with the step that failed. It stays up until stdin
// closes or a signal. Events go to stdout as one JSON object per line; diagnostics go to stderr.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/event"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
	"github.com/libp2p/go-libp2p/p2p/protocol/ping"
	libp2pwebrtc "github.com/libp2p/go-libp2p/p2p/transport/webrtc"
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

const (
	echoID      = protocol.ID("/p2pkit/echo/1.0.0")
	stepTimeout = 30 * time.Second
)

func main() {
	listen := flag.String("listen", "/ip4/127.0.0.1/udp/0/webrtc-direct", "multiaddr to listen on")
	dial := flag.String("dial", "", "a WebRTC-direct multiaddr with /certhash and /p2p to connect to")
	dialTimeout := flag.Duration("dial-timeout", 20*time.Second, "how long the dial may take")
	echoBytes := flag.Int("echo-bytes", 1<<20, "bytes echoed on one stream after connecting")
	streams := flag.Int("streams", 20, "1 KiB echo streams opened at once after that")
	flag.Parse()

	h, err := libp2p.New(
		libp2p.NoTransports,
		libp2p.Transport(libp2pwebrtc.New),
		libp2p.ListenAddrStrings(*listen),
		libp2p.DisableRelay(),
		libp2p.UserAgent("go-libp2p/webrtc-peer"),
		// as the main go peer: go's default limits (64 inbound streams per protocol and peer)
		// would reset the concurrent-streams step
		libp2p.ResourceManager(&network.NullResourceManager{}),
	)
	if err != nil {
		fail("setup", err)
	}
	defer h.Close()
	h.SetStreamHandler(echoID, serveEcho)
	sub, err := h.EventBus().Subscribe(new(event.EvtPeerIdentificationCompleted))
	if err != nil {
		fail("setup", err)
	}
	identified := make(chan peer.ID, 16)
	go func() {
		for ev := range sub.Out() {
			e := ev.(event.EvtPeerIdentificationCompleted)
			emit(map[string]any{"event": "identify", "peerId": e.Peer.String(), "agentVersion": e.AgentVersion,
				"protocolVersion": e.ProtocolVersion})
			select {
			case identified <- e.Peer:
			default:
			}
		}
	}()

	addrs := []string{}
	for _, a := range h.Addrs() {
		addrs = append(addrs, a.String()+"/p2p/"+h.ID().String())
	}
	emit(map[string]any{"event": "listening", "peer": h.ID().String(), "addrs": addrs})

	if *dial != "" {
		target, err := ma.NewMultiaddr(*dial)
		if err != nil {
			fail("dial", err)
		}
		info, err := peer.AddrInfoFromP2pAddr(target)
		if err != nil {
			fail("dial", err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), *dialTimeout)
		err = h.Connect(ctx, *info)
		cancel()
		if err != nil {
			emit(map[string]any{"event": "dial-failed", "message": err.Error()})
		} else {
			emit(map[string]any{"event": "connected", "peer": info.ID.String()})
			if err := exercise(h, info.ID, identified, *echoBytes, *streams); err != nil {
				emit(map[string]any{"event": "error", "step": "exercise", "message": err.Error()})
			} else {
				emit(map[string]any{"event": "done"})
			}
		}
	}

	done := make(chan struct{})
	go func() {
		io.Copy(io.Discard, os.Stdin)
		close(done)
	}()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	select {
	case <-sig:
	case <-done:
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

// exercise waits for identify, then pings, echoes echoBytes and runs streams small echoes at once.
func exercise(h host.Host, id peer.ID, identified <-chan peer.ID, echoBytes, streams int) error {
	deadline := time.After(stepTimeout)
	for done := false; !done; {
		select {
		case p := <-identified:
			done = p == id
		case <-deadline:
			return errors.New("identify: timed out")
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), stepTimeout)
	defer cancel()
	res := <-ping.Ping(ctx, h, id)
	if res.Error != nil {
		return fmt.Errorf("ping: %w", res.Error)
	}
	emit(map[string]any{"event": "ping", "rttMillis": float64(res.RTT.Microseconds()) / 1000.0})

	data := make([]byte, echoBytes)
	rand.Read(data)
	if err := echoOnce(h, id, data); err != nil {
		return fmt.Errorf("echo: %w", err)
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
			errs <- echoOnce(h, id, small)
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		if e != nil {
			return fmt.Errorf("streams: %w", e)
		}
	}
	emit(map[string]any{"event": "streams", "count": streams, "ok": true})
	return nil
}

// echoOnce writes data on a new echo stream while reading the reply, and compares the two.
func echoOnce(h host.Host, id peer.ID, data []byte) error {
	ctx, cancel := context.WithTimeout(context.Background(), stepTimeout)
	defer cancel()
	s, err := h.NewStream(ctx, id, echoID)
	if err != nil {
		return err
	}
	defer s.Close()
	s.SetDeadline(time.Now().Add(stepTimeout))
	werr := make(chan error, 1)
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
