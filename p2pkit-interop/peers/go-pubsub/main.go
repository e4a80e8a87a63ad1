// Command go-pubsub is the go-libp2p-pubsub peer of p2pkit's interop suite (gossipsub and floodsub).
//
//	go-pubsub [--listen MADDR] [--dial MADDR]... --router gossipsub|floodsub --signing strict|none
//	          --topic TOPIC [--publish TEXT]... [--publish-after-peers N] [--publish-on-message]
//
// The same contract as peers/js/pubsub.mjs: subscribes to TOPIC; once at least N peers (default 1)
// are subscribed, waits two heartbeats for meshes to form and publishes each TEXT; with
// --publish-on-message it publishes once the first message of the topic has arrived instead.
// Runs until stdin closes. TCP + Noise + yamux on loopback; no bootstrap, no mDNS, no relay.
//
// Message IDs: go's default (from + seqno) when signing; unsigned messages have neither, so they
// get the SHA-256 of their data, as js and p2pkit compute it.
//
// Events (stdout, one JSON object per line):
//
//	{"event":"ready","peerId":…,"addrs":[…]}
//	{"event":"subscribed","peerId":…,"topic":…}       a remote peer joined the topic
//	{"event":"message","topic":…,"from":…,"data":…}    a message of the topic arrived (from: null if unsigned)
//	{"event":"published","data":…,"recipients":N}      N: the topic's peers when it was published
//	{"event":"error","step":…,"message":…}
package main

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p"
	pubsub "github.com/libp2p/go-libp2p-pubsub"
	pb "github.com/libp2p/go-libp2p-pubsub/pb"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/p2p/muxer/yamux"
	"github.com/libp2p/go-libp2p/p2p/security/noise"
	"github.com/libp2p/go-libp2p/p2p/transport/tcp"
)

const (
	heartbeat = 500 * time.Millisecond
	agent     = "p2pkit-interop/go-libp2p-pubsub-v0.14.2"
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
	fmt.Fprintln(os.Stderr, "go-pubsub:", msg)
	flag.Usage()
	os.Exit(2)
}

// multi is a repeatable string flag.
type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

func main() {
	var dials, publishes multi
	listen := flag.String("listen", "", "multiaddr to listen on (none: dial only)")
	flag.Var(&dials, "dial", "multiaddr with /p2p/ID to dial (repeatable)")
	router := flag.String("router", "gossipsub", "gossipsub or floodsub")
	signing := flag.String("signing", "strict", "strict or none")
	topicName := flag.String("topic", "", "the topic")
	flag.Var(&publishes, "publish", "text to publish (repeatable)")
	afterPeers := flag.Int("publish-after-peers", 1, "publish once this many peers are subscribed")
	onMessage := flag.Bool("publish-on-message", false, "publish once the first message has arrived")
	flag.Parse()
	if *topicName == "" {
		usage("--topic is required")
	}
	if *router != "gossipsub" && *router != "floodsub" {
		usage("--router must be gossipsub or floodsub")
	}
	if *signing != "strict" && *signing != "none" {
		usage("--signing must be strict or none")
	}

	opts := []libp2p.Option{
		libp2p.NoTransports,
		libp2p.Transport(tcp.NewTCPTransport),
		libp2p.Security(noise.ID, noise.New),
		libp2p.Muxer(yamux.ID, yamux.DefaultTransport),
		libp2p.DisableRelay(),
		libp2p.DisableMetrics(),
		libp2p.ResourceManager(&network.NullResourceManager{}),
		libp2p.UserAgent(agent),
	}
	if *listen != "" {
		opts = append(opts, libp2p.ListenAddrStrings(*listen))
	} else {
		opts = append(opts, libp2p.NoListenAddrs)
	}
	h, err := libp2p.New(opts...)
	if err != nil {
		fail("start", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	var psOpts []pubsub.Option
	if *signing == "strict" {
		psOpts = append(psOpts, pubsub.WithMessageSignaturePolicy(pubsub.StrictSign))
	} else {
		// No from, no seqno, no signature; go's default ID (from + seqno) would then be empty for all.
		psOpts = append(psOpts, pubsub.WithNoAuthor(), pubsub.WithMessageIdFn(func(m *pb.Message) string {
			sum := sha256.Sum256(m.GetData())
			return string(sum[:])
		}))
	}
	var ps *pubsub.PubSub
	if *router == "gossipsub" {
		params := pubsub.DefaultGossipSubParams()
		params.HeartbeatInterval = heartbeat
		psOpts = append(psOpts, pubsub.WithGossipSubParams(params))
		ps, err = pubsub.NewGossipSub(ctx, h, psOpts...)
	} else {
		ps, err = pubsub.NewFloodSub(ctx, h, psOpts...)
	}
	if err != nil {
		fail("pubsub", err)
	}
	topic, err := ps.Join(*topicName)
	if err != nil {
		fail("join", err)
	}
	events, err := topic.EventHandler()
	if err != nil {
		fail("events", err)
	}
	go func() {
		for {
			ev, err := events.NextPeerEvent(ctx)
			if err != nil {
				return
			}
			if ev.Type == pubsub.PeerJoin {
				emit(map[string]any{"event": "subscribed", "peerId": ev.Peer.String(), "topic": *topicName})
			}
		}
	}()
	sub, err := topic.Subscribe()
	if err != nil {
		fail("subscribe", err)
	}
	firstMessage := make(chan struct{})
	go func() {
		var once sync.Once
		for {
			m, err := sub.Next(ctx)
			if err != nil {
				return
			}
			if m.ReceivedFrom == h.ID() {
				continue // our own message; js and p2pkit peers do not report those either
			}
			var from any
			if author := m.GetFrom(); author != "" {
				from = author.String()
			}
			emit(map[string]any{"event": "message", "topic": m.GetTopic(), "from": from, "data": string(m.GetData())})
			once.Do(func() { close(firstMessage) })
		}
	}()

	addrs := []string{}
	for _, a := range h.Addrs() {
		addrs = append(addrs, a.String())
	}
	emit(map[string]any{"event": "ready", "peerId": h.ID().String(), "addrs": addrs})
	for _, d := range dials {
		info, err := peer.AddrInfoFromString(d)
		if err != nil {
			fail("dial", err)
		}
		dctx, dcancel := context.WithTimeout(ctx, 30*time.Second)
		err = h.Connect(dctx, *info)
		dcancel()
		if err != nil {
			fail("dial", err)
		}
	}

	if len(publishes) > 0 {
		if *onMessage {
			<-firstMessage
		} else {
			for len(topic.ListPeers()) < *afterPeers {
				time.Sleep(100 * time.Millisecond)
			}
			time.Sleep(2 * heartbeat)
		}
		for _, text := range publishes {
			recipients := len(topic.ListPeers())
			if err := topic.Publish(ctx, []byte(text)); err != nil {
				fail("publish", err)
			}
			emit(map[string]any{"event": "published", "data": text, "recipients": recipients})
		}
	}
	io.Copy(io.Discard, os.Stdin)
	cancel()
	h.Close()
}
