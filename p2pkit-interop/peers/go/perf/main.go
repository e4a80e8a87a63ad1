// Command perf is the go-libp2p perf program of p2pkit's interop suite and benchmark runner.
//
// go-libp2p's main module has no perf package, so /perf/1.0.0 is written here, after the libp2p
// perf spec. The command line is the one of libp2p's perf test plans, plus a few options:
//
//	perf --run-server --server-address HOST:PORT [--security noise|tls]
//	perf --server-address HOST:PORT|MADDR [--transport tcp|quic-v1|ws|webrtc-direct|webtransport] [--upload-bytes N] [--download-bytes N]
//	     [--security noise|tls] [--runs N] [--streams N | --conns N]
//
// webrtc-direct and webtransport bring their own security and streams, as quic-v1 does; a client
// dials them by the server's printed multiaddr (it holds the certificate hashes).
//
// --streams N runs N perf streams at once on one connection, --conns N runs N connections at once
// (each from its own client host, one stream each); each stream moves --upload-bytes and
// --download-bytes. Such a run first connects (at most dialConcurrency dials at a time), then starts
// every stream at once; it prints one {"type":"stream",...} line per stream, its time counted from
// that start to the stream's last byte, then the run's final line with the totals.
//
// The server uses the test plans' fixed identity (Ed25519 from a zero seed) and prints its
// addresses, one per line. The client prints {"type":"intermediary",...} lines about once per
// second and one {"type":"final",...} line per run; each run dials a new connection.
package main

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/connmgr"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
	"github.com/libp2p/go-libp2p/p2p/muxer/yamux"
	"github.com/libp2p/go-libp2p/p2p/security/noise"
	tlssec "github.com/libp2p/go-libp2p/p2p/security/tls"
	libp2pquic "github.com/libp2p/go-libp2p/p2p/transport/quic"
	"github.com/libp2p/go-libp2p/p2p/transport/tcp"
	libp2pwebrtc "github.com/libp2p/go-libp2p/p2p/transport/webrtc"
	"github.com/libp2p/go-libp2p/p2p/transport/websocket"
	libp2pwebtransport "github.com/libp2p/go-libp2p/p2p/transport/webtransport"
	ma "github.com/multiformats/go-multiaddr"
)

const (
	perfID    = protocol.ID("/perf/1.0.0")
	blockSize = 128 << 10
	// Dials in flight at once in a --conns run: a thousand handshakes at once would time out on a
	// small machine before any data moves.
	dialConcurrency = 64
	// The peer ID of an Ed25519 key made from 32 zero bytes, as in the test plans.
	serverID = "12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN"
)

type result struct {
	Type          string  `json:"type"`
	TimeSeconds   float64 `json:"timeSeconds"`
	UploadBytes   uint64  `json:"uploadBytes"`
	DownloadBytes uint64  `json:"downloadBytes"`
}

func emit(r result) {
	b, _ := json.Marshal(r)
	os.Stdout.Write(append(b, '\n'))
}

func usage(msg string) {
	fmt.Fprintln(os.Stderr, "perf:", msg)
	os.Exit(2)
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 0
	}
	return len(p), nil
}

func main() {
	runServer := flag.Bool("run-server", false, "run the server")
	serverAddr := flag.String("server-address", "", "HOST:PORT or a multiaddr")
	transport := flag.String("transport", "tcp", "tcp, quic-v1, ws, webrtc-direct or webtransport")
	upload := flag.Uint64("upload-bytes", 0, "bytes to upload")
	download := flag.Uint64("download-bytes", 0, "bytes to download")
	security := flag.String("security", "noise", "noise or tls")
	runs := flag.Int("runs", 1, "runs, each on a new connection")
	streams := flag.Int("streams", 1, "concurrent streams on one connection")
	conns := flag.Int("conns", 1, "concurrent connections, each from its own client host")
	flag.Parse()
	if *streams < 1 || *conns < 1 || (*streams > 1 && *conns > 1) {
		usage("--streams and --conns take a positive count, and only one of them")
	}

	switch *transport {
	case "tcp", "quic-v1", "ws", "webrtc-direct", "webtransport":
	default:
		usage("--transport must be tcp, quic-v1, ws, webrtc-direct or webtransport")
	}
	addr, err := tcpAddress(*serverAddr)
	if err != nil {
		usage(err.Error())
	}
	opts := []libp2p.Option{
		libp2p.NoTransports,
		libp2p.DisableRelay(),
		libp2p.DisableMetrics(),
		// No limits: the benchmark's many-connection and many-stream rows need a thousand of each.
		libp2p.ResourceManager(&network.NullResourceManager{}),
		libp2p.ConnectionManager(connmgr.NullConnMgr{}),
	}
	if *transport == "quic-v1" {
		// QUIC brings its own TLS and streams: --security does not apply.
		if !strings.HasPrefix(*serverAddr, "/") {
			addr, err = ma.NewMultiaddr(strings.Replace(addr.String(), "/tcp/", "/udp/", 1) + "/quic-v1")
			if err != nil {
				usage(err.Error())
			}
		}
		opts = append(opts, libp2p.Transport(libp2pquic.NewTransport))
	} else if *transport == "webrtc-direct" || *transport == "webtransport" {
		// Both secure themselves (DTLS or QUIC's TLS, then Noise) and carry their own streams. A
		// server given HOST:PORT listens there; a client needs the server's printed multiaddr.
		suffix := "/webrtc-direct"
		opts = append(opts, libp2p.Transport(libp2pwebrtc.New))
		if *transport == "webtransport" {
			suffix = "/quic-v1/webtransport"
			opts[len(opts)-1] = libp2p.Transport(libp2pwebtransport.New)
		}
		if !strings.HasPrefix(*serverAddr, "/") {
			if !*runServer {
				usage("--transport " + *transport + " dials the server's multiaddr (with its certhash), not HOST:PORT")
			}
			addr, err = ma.NewMultiaddr(strings.Replace(addr.String(), "/tcp/", "/udp/", 1) + suffix)
			if err != nil {
				usage(err.Error())
			}
		}
	} else {
		if *transport == "ws" {
			// WebSocket over TCP (plain ws), upgraded with --security and yamux like TCP
			if !strings.HasPrefix(*serverAddr, "/") {
				addr = addr.Encapsulate(ma.StringCast("/ws"))
			}
			opts = append(opts, libp2p.Transport(websocket.New))
		} else {
			opts = append(opts, libp2p.Transport(tcp.NewTCPTransport))
		}
		opts = append(opts, libp2p.Muxer(yamux.ID, yamux.DefaultTransport))
		switch *security {
		case "noise":
			opts = append(opts, libp2p.Security(noise.ID, noise.New))
		case "tls":
			opts = append(opts, libp2p.Security(tlssec.ID, tlssec.New))
		default:
			usage("--security must be noise or tls")
		}
	}
	if *runServer {
		priv, _, err := crypto.GenerateEd25519Key(zeroReader{})
		if err != nil {
			usage(err.Error())
		}
		opts = append(opts, libp2p.Identity(priv), libp2p.ListenAddrs(addr))
	} else {
		opts = append(opts, libp2p.NoListenAddrs)
	}
	h, err := libp2p.New(opts...)
	if err != nil {
		fmt.Fprintln(os.Stderr, "perf: setup:", err)
		os.Exit(1)
	}
	defer h.Close()
	h.SetStreamHandler(perfID, servePerf)

	if *runServer {
		for _, a := range h.Addrs() {
			fmt.Println(a.Encapsulate(ma.StringCast("/p2p/" + h.ID().String())))
		}
		stop := make(chan os.Signal, 1)
		signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
		<-stop
		return
	}

	info, err := serverInfo(addr)
	if err != nil {
		usage(err.Error())
	}
	if *streams > 1 || *conns > 1 {
		hosts := []host.Host{h}
		for len(hosts) < *conns {
			c, err := libp2p.New(opts...)
			if err != nil {
				fmt.Fprintln(os.Stderr, "perf: setup:", err)
				os.Exit(1)
			}
			defer c.Close()
			hosts = append(hosts, c)
		}
		for i := 0; i < *runs; i++ {
			if err := runMany(hosts, *info, *streams, *upload, *download); err != nil {
				fmt.Fprintln(os.Stderr, "perf:", err)
				os.Exit(1)
			}
		}
		return
	}
	for i := 0; i < *runs; i++ {
		start := time.Now()
		if err := h.Connect(context.Background(), *info); err != nil {
			fmt.Fprintln(os.Stderr, "perf: dial:", err)
			os.Exit(1)
		}
		if err := runPerf(h, info.ID, *upload, *download); err != nil {
			fmt.Fprintln(os.Stderr, "perf:", err)
			os.Exit(1)
		}
		emit(result{Type: "final", TimeSeconds: time.Since(start).Seconds(), UploadBytes: *upload, DownloadBytes: *download})
		h.Network().ClosePeer(info.ID)
	}
}

// runMany runs one perf stream per client host at once, or streams perf streams at once on the one
// host's connection, and prints each stream's completion time and the run's.
func runMany(hosts []host.Host, info peer.AddrInfo, streams int, upload, download uint64) error {
	if err := connectAll(hosts, info); err != nil {
		return err
	}
	start := time.Now()
	n := max(streams, len(hosts))
	times := make([]float64, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		h := hosts[min(i, len(hosts)-1)]
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = runQuiet(h, info.ID, upload, download)
			times[i] = time.Since(start).Seconds()
		}()
	}
	wg.Wait()
	total := time.Since(start).Seconds()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	for _, t := range times {
		emit(result{Type: "stream", TimeSeconds: t, UploadBytes: upload, DownloadBytes: download})
	}
	emit(result{Type: "final", TimeSeconds: total, UploadBytes: upload * uint64(n), DownloadBytes: download * uint64(n)})
	for _, h := range hosts {
		h.Network().ClosePeer(info.ID)
	}
	return nil
}

// connectAll connects every host to the server, dialConcurrency at a time.
func connectAll(hosts []host.Host, info peer.AddrInfo) error {
	slots := make(chan struct{}, dialConcurrency)
	errs := make([]error, len(hosts))
	var wg sync.WaitGroup
	for i, h := range hosts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			errs[i] = h.Connect(context.Background(), info)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return fmt.Errorf("dial: %w", err)
		}
	}
	return nil
}

// runQuiet is runPerf without the once-a-second lines (many streams run at once).
func runQuiet(h host.Host, p peer.ID, upload, download uint64) error {
	s, err := h.NewStream(context.Background(), p, perfID)
	if err != nil {
		return err
	}
	defer s.Close()
	var req [8]byte
	binary.BigEndian.PutUint64(req[:], download)
	if _, err := s.Write(req[:]); err != nil {
		return err
	}
	if err := send(s, upload); err != nil {
		return err
	}
	if err := s.CloseWrite(); err != nil {
		return err
	}
	got, err := io.Copy(io.Discard, io.LimitReader(s, int64(download)+1))
	if err != nil {
		return err
	}
	if uint64(got) != download {
		return fmt.Errorf("asked for %d bytes, got %d", download, got)
	}
	return nil
}

// tcpAddress turns HOST:PORT into /ip4|ip6/HOST/tcp/PORT; a multiaddr passes through.
func tcpAddress(s string) (ma.Multiaddr, error) {
	if strings.HasPrefix(s, "/") {
		return ma.NewMultiaddr(s)
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return nil, fmt.Errorf("--server-address: %w", err)
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return nil, fmt.Errorf("--server-address needs an IP address, got %q", host)
	}
	if ip.To4() != nil {
		return ma.NewMultiaddr("/ip4/" + host + "/tcp/" + port)
	}
	return ma.NewMultiaddr("/ip6/" + host + "/tcp/" + port)
}

// serverInfo takes the peer ID from /p2p/ when present, else the fixed server identity.
func serverInfo(a ma.Multiaddr) (*peer.AddrInfo, error) {
	if _, err := a.ValueForProtocol(ma.P_P2P); err == nil {
		return peer.AddrInfoFromP2pAddr(a)
	}
	return peer.AddrInfoFromString(a.String() + "/p2p/" + serverID)
}

func servePerf(s network.Stream) {
	var req [8]byte
	if _, err := io.ReadFull(s, req[:]); err != nil {
		s.Reset()
		return
	}
	if _, err := io.Copy(io.Discard, s); err != nil {
		s.Reset()
		return
	}
	if err := send(s, binary.BigEndian.Uint64(req[:])); err != nil {
		s.Reset()
		return
	}
	s.Close()
}

func runPerf(h host.Host, p peer.ID, upload, download uint64) error {
	s, err := h.NewStream(context.Background(), p, perfID)
	if err != nil {
		return err
	}
	defer s.Close()
	var req [8]byte
	binary.BigEndian.PutUint64(req[:], download)
	if _, err := s.Write(req[:]); err != nil {
		return err
	}
	if err := sendReporting(s, upload); err != nil {
		return err
	}
	if err := s.CloseWrite(); err != nil {
		return err
	}
	got, err := drainReporting(s, download)
	if err != nil {
		return err
	}
	if got != download {
		return fmt.Errorf("asked for %d bytes, got %d", download, got)
	}
	return nil
}

var block = make([]byte, blockSize)

func send(w io.Writer, n uint64) error {
	for n > 0 {
		chunk := block
		if n < uint64(len(chunk)) {
			chunk = chunk[:n]
		}
		k, err := w.Write(chunk)
		if err != nil {
			return err
		}
		n -= uint64(k)
	}
	return nil
}

func sendReporting(w io.Writer, n uint64) error {
	last, sent := time.Now(), uint64(0)
	for n > 0 {
		chunk := block
		if n < uint64(len(chunk)) {
			chunk = chunk[:n]
		}
		k, err := w.Write(chunk)
		if err != nil {
			return err
		}
		n -= uint64(k)
		sent += uint64(k)
		if now := time.Now(); now.Sub(last) >= time.Second {
			emit(result{Type: "intermediary", TimeSeconds: now.Sub(last).Seconds(), UploadBytes: sent})
			last, sent = now, 0
		}
	}
	return nil
}

func drainReporting(r io.Reader, limit uint64) (uint64, error) {
	buf := make([]byte, blockSize)
	last, recvd, total := time.Now(), uint64(0), uint64(0)
	for {
		k, err := r.Read(buf)
		total += uint64(k)
		recvd += uint64(k)
		if total > limit {
			return total, fmt.Errorf("server sent more than the %d bytes asked for", limit)
		}
		if now := time.Now(); now.Sub(last) >= time.Second {
			emit(result{Type: "intermediary", TimeSeconds: now.Sub(last).Seconds(), DownloadBytes: recvd})
			last, recvd = now, 0
		}
		if errors.Is(err, io.EOF) {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}
