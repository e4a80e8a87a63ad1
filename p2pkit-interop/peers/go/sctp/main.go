// Command sctp-peer runs pion's SCTP association and data channels (the ones go-libp2p's WebRTC
// transport uses) over plain UDP on loopback, without DTLS, so that p2pkit's SCTP can be checked
// against them. It plays the DTLS server's part for channel ids (odd ids).
//
//	sctp-peer -peer 127.0.0.1:PORT -role client|server [-bytes N]
//
// It prints JSON lines: {"event":"listening","port":P} once its UDP socket is bound (connected
// to -peer), then "established", "negotiated" (after the hello on the negotiated channel 0),
// "verified" (its own channel's echo matched), "echoed" (it echoed the channel p2pkit opened,
// until p2pkit closed it) and "done" once the association ended; "error" with step and message on
// any failure. Role client sends INIT (p2pkit does too: the INIT collision), server waits for it.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"time"

	"github.com/pion/datachannel"
	"github.com/pion/logging"
	"github.com/pion/sctp"
)

var out = json.NewEncoder(os.Stdout)
var outMu sync.Mutex

func emit(v map[string]any) {
	outMu.Lock()
	defer outMu.Unlock()
	_ = out.Encode(v)
}

func fail(step string, err error) {
	emit(map[string]any{"event": "error", "step": step, "message": err.Error()})
	os.Exit(1)
}

// pattern is the deterministic content each side sends: byte i of message m is (m*31+i) mod 251.
func pattern(m, size int) []byte {
	b := make([]byte, size)
	for i := range b {
		b[i] = byte((m*31 + i) % 251)
	}
	return b
}

func main() {
	peer := flag.String("peer", "", "p2pkit's UDP address")
	role := flag.String("role", "client", "client (sends INIT) or server")
	total := flag.Int("bytes", 1<<20, "bytes to send on this side's channel")
	flag.Parse()

	raddr, err := net.ResolveUDPAddr("udp", *peer)
	if err != nil {
		fail("resolve", err)
	}
	conn, err := net.DialUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)}, raddr)
	if err != nil {
		fail("dial", err)
	}
	emit(map[string]any{"event": "listening", "port": conn.LocalAddr().(*net.UDPAddr).Port})

	cfg := sctp.Config{NetConn: conn, LoggerFactory: logging.NewDefaultLoggerFactory(), MaxReceiveBufferSize: 1 << 20}
	var assoc *sctp.Association
	if *role == "server" {
		assoc, err = sctp.Server(cfg)
	} else {
		assoc, err = sctp.Client(cfg)
	}
	if err != nil {
		fail("handshake", err)
	}
	emit(map[string]any{"event": "established"})

	// the negotiated channel 0 (libp2p's Noise channel): p2pkit says hello, we answer
	zero, err := datachannel.Dial(assoc, 0, &datachannel.Config{ChannelType: datachannel.ChannelTypeReliable,
		Negotiated: true, LoggerFactory: cfg.LoggerFactory})
	if err != nil {
		fail("negotiated", err)
	}
	buf := make([]byte, 1<<17)
	n, err := zero.Read(buf)
	if err != nil {
		fail("negotiated-read", err)
	}
	if _, err := zero.Write(append([]byte("hello back: "), buf[:n]...)); err != nil {
		fail("negotiated-write", err)
	}
	emit(map[string]any{"event": "negotiated"})

	var wg sync.WaitGroup
	wg.Add(2)
	go func() { // echo the channel p2pkit opens, until p2pkit closes it
		defer wg.Done()
		// p2pkit's hello can reach the association before Dial above registers stream 0; pion then
		// queues stream 0 for accepting, and Accept hands back zero itself for it. Skip it, as
		// pion/webrtc's accept loop skips negotiated channels, or this would read channel 0 forever
		// and nobody would read p2pkit's channel.
		var ch *datachannel.DataChannel
		for ch == nil || ch == zero {
			var err error
			if ch, err = datachannel.Accept(assoc, &datachannel.Config{LoggerFactory: cfg.LoggerFactory}, zero); err != nil {
				fail("accept", err)
			}
		}
		b := make([]byte, 1<<17)
		echoed := 0
		for {
			n, err := ch.Read(b)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				fail("echo-read", err)
			}
			if _, err := ch.Write(b[:n]); err != nil {
				fail("echo-write", err)
			}
			echoed += n
		}
		_ = ch.Close()
		emit(map[string]any{"event": "echoed", "channel": int(ch.StreamIdentifier()), "bytes": echoed})
	}()
	go func() { // our own channel: send, read the echo back, compare, close
		defer wg.Done()
		ch, err := datachannel.Dial(assoc, 1, &datachannel.Config{ChannelType: datachannel.ChannelTypeReliable,
			Label: "go", LoggerFactory: cfg.LoggerFactory})
		if err != nil {
			fail("open", err)
		}
		sent := sha256.New()
		go func() {
			for m, left := 0, *total; left > 0; m++ {
				p := pattern(m, min(16*1024, left))
				sent.Write(p)
				if _, err := ch.Write(p); err != nil {
					fail("write", err)
				}
				left -= len(p)
			}
		}()
		got := sha256.New()
		b := make([]byte, 1<<17)
		for received := 0; received < *total; {
			n, err := ch.Read(b)
			if err != nil {
				fail("read-echo", err)
			}
			got.Write(b[:n])
			received += n
		}
		if !bytes.Equal(sent.Sum(nil), got.Sum(nil)) {
			fail("verify", fmt.Errorf("echo of %d bytes differs", *total))
		}
		emit(map[string]any{"event": "verified", "channel": int(ch.StreamIdentifier()), "bytes": *total})
		_ = ch.Close()
	}()
	wg.Wait()

	// p2pkit shuts the association down; wait for it (bounded)
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := assoc.AcceptStream(); err != nil {
			break
		}
	}
	_ = assoc.Close()
	emit(map[string]any{"event": "done"})
}
