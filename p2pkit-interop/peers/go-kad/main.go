// Command go-kad is the go-libp2p-kad-dht peer of p2pkit's DHT interop tests.
//
//	go-kad --listen /ip4/127.0.0.1/tcp/0 [--protocol-prefix /ipfs]
//
// A DHT server (mode forced, not automatic) on loopback: no bootstrap list, no mDNS, no relay,
// no NAT port mapping, reachability forced public so AutoNAT never probes anyone. It prints
// {"event":"ready","peerId":…,"addrs":[…]} and then runs commands, one JSON object per stdin line,
// with the same contract as peers/js/kad.mjs:
//
//	{"cmd":"connect","addr":MADDR}                 -> {"event":"connected","peerId":…}
//	{"cmd":"provide","cid":CID}                    -> {"event":"provided"}
//	{"cmd":"findprovs","cid":CID,"count":N}        -> {"event":"provider",…}… {"event":"findprovs-done","count":N}
//	{"cmd":"findpeer","peerId":ID}                 -> {"event":"peer","peerId":…,"addrs":[…]} | {"event":"peer-not-found"}
//	{"cmd":"put","key":"/pk/ID","value":B64}       -> {"event":"put-done"}
//	{"cmd":"put-ipns","value":"/ipfs/…","seq":N}   -> {"event":"put-done","key":"/ipns/<own ID>"}
//	{"cmd":"get","key":"/pk/ID"|"/ipns/ID"}        -> {"event":"value","value":B64} | {"event":"not-found"}
//	{"cmd":"in-table","peerId":ID}                 -> {"event":"in-table","present":bool,"size":N}
//
// A failed command prints {"event":"command-failed","cmd":…,"message":…}; closing stdin stops the node.
package main

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"regexp"
	"sync"
	"time"

	"github.com/ipfs/boxo/ipns"
	"github.com/ipfs/boxo/path"
	"github.com/ipfs/go-cid"
	"github.com/libp2p/go-libp2p"
	dht "github.com/libp2p/go-libp2p-kad-dht"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
	"github.com/libp2p/go-libp2p/p2p/muxer/yamux"
	"github.com/libp2p/go-libp2p/p2p/security/noise"
	"github.com/libp2p/go-libp2p/p2p/transport/tcp"
	ma "github.com/multiformats/go-multiaddr"
)

const commandTimeout = 30 * time.Second

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

type command struct {
	Cmd    string `json:"cmd"`
	Addr   string `json:"addr"`
	Cid    string `json:"cid"`
	Count  int    `json:"count"`
	PeerID string `json:"peerId"`
	Key    string `json:"key"`
	Value  string `json:"value"`
	Seq    uint64 `json:"seq"`
}

var keyPattern = regexp.MustCompile(`^/(pk|ipns)/(.+)$`)

// recordKey turns "/pk/<peer ID text>" into the DHT key: the namespace followed by the ID's bytes.
func recordKey(text string) (string, error) {
	m := keyPattern.FindStringSubmatch(text)
	if m == nil {
		return "", fmt.Errorf("bad key %s", text)
	}
	id, err := peer.Decode(m[2])
	if err != nil {
		return "", err
	}
	return "/" + m[1] + "/" + string(id), nil
}

func addrStrings(addrs []ma.Multiaddr) []string {
	out := make([]string, 0, len(addrs))
	for _, a := range addrs {
		out = append(out, a.String())
	}
	return out
}

type node struct {
	host host.Host
	dht  *dht.IpfsDHT
	key  crypto.PrivKey
}

func (n *node) run(c command) error {
	ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
	defer cancel()
	switch c.Cmd {
	case "connect":
		info, err := peer.AddrInfoFromString(c.Addr)
		if err != nil {
			return err
		}
		if err := n.host.Connect(ctx, *info); err != nil {
			return err
		}
		emit(map[string]any{"event": "connected", "peerId": info.ID.String()})
	case "provide":
		id, err := cid.Decode(c.Cid)
		if err != nil {
			return err
		}
		if err := n.dht.Provide(ctx, id, true); err != nil {
			return err
		}
		emit(map[string]any{"event": "provided"})
	case "findprovs":
		id, err := cid.Decode(c.Cid)
		if err != nil {
			return err
		}
		count := c.Count
		if count <= 0 {
			count = 20
		}
		seen := 0
		for p := range n.dht.FindProvidersAsync(ctx, id, count) {
			seen++
			emit(map[string]any{"event": "provider", "peerId": p.ID.String(), "addrs": addrStrings(p.Addrs)})
		}
		emit(map[string]any{"event": "findprovs-done", "count": seen})
	case "findpeer":
		id, err := peer.Decode(c.PeerID)
		if err != nil {
			return err
		}
		info, err := n.dht.FindPeer(ctx, id)
		if err != nil {
			emit(map[string]any{"event": "peer-not-found", "message": err.Error()})
			return nil
		}
		emit(map[string]any{"event": "peer", "peerId": info.ID.String(), "addrs": addrStrings(info.Addrs)})
	case "put":
		key, err := recordKey(c.Key)
		if err != nil {
			return err
		}
		value, err := base64.StdEncoding.DecodeString(c.Value)
		if err != nil {
			return err
		}
		if err := n.dht.PutValue(ctx, key, value); err != nil {
			return err
		}
		emit(map[string]any{"event": "put-done", "key": c.Key})
	case "put-ipns":
		value, err := path.NewPath(c.Value)
		if err != nil {
			return err
		}
		record, err := ipns.NewRecord(n.key, value, c.Seq, time.Now().Add(time.Hour), time.Minute)
		if err != nil {
			return err
		}
		bytes, err := ipns.MarshalRecord(record)
		if err != nil {
			return err
		}
		name := ipns.NameFromPeer(n.host.ID())
		if err := n.dht.PutValue(ctx, string(name.RoutingKey()), bytes); err != nil {
			return err
		}
		emit(map[string]any{"event": "put-done", "key": "/ipns/" + n.host.ID().String()})
	case "get":
		key, err := recordKey(c.Key)
		if err != nil {
			return err
		}
		value, err := n.dht.GetValue(ctx, key, dht.Quorum(1))
		if err != nil {
			emit(map[string]any{"event": "not-found", "message": err.Error()})
			return nil
		}
		emit(map[string]any{"event": "value", "value": base64.StdEncoding.EncodeToString(value)})
	case "in-table":
		id, err := peer.Decode(c.PeerID)
		if err != nil {
			return err
		}
		rt := n.dht.RoutingTable()
		emit(map[string]any{"event": "in-table", "present": rt.Find(id) != "", "size": rt.Size()})
	default:
		return errors.New("unknown command " + c.Cmd)
	}
	return nil
}

func main() {
	listen := flag.String("listen", "", "multiaddr to listen on (loopback)")
	prefix := flag.String("protocol-prefix", "/ipfs", "DHT protocol prefix")
	flag.Parse()
	if *listen == "" {
		fmt.Fprintln(os.Stderr, "go-kad: --listen is required")
		flag.Usage()
		os.Exit(2)
	}

	key, _, err := crypto.GenerateEd25519Key(nil)
	if err != nil {
		emit(map[string]any{"event": "error", "step": "setup", "message": err.Error()})
		os.Exit(1)
	}
	h, err := libp2p.New(
		libp2p.Identity(key),
		libp2p.ListenAddrStrings(*listen),
		libp2p.NoTransports,
		libp2p.Transport(tcp.NewTCPTransport),
		libp2p.Security(noise.ID, noise.New),
		libp2p.Muxer(yamux.ID, yamux.DefaultTransport),
		libp2p.DisableRelay(),
		// Public by fiat: AutoNAT then never dials anyone to find out.
		libp2p.ForceReachabilityPublic(),
	)
	if err != nil {
		emit(map[string]any{"event": "error", "step": "setup", "message": err.Error()})
		os.Exit(1)
	}
	d, err := dht.New(context.Background(), h,
		dht.Mode(dht.ModeServer),
		dht.ProtocolPrefix(protocol.ID(*prefix)),
		dht.BootstrapPeers(),
	)
	if err != nil {
		emit(map[string]any{"event": "error", "step": "setup", "message": err.Error()})
		os.Exit(1)
	}
	n := &node{host: h, dht: d, key: key}
	// Like the js peer, the ready event's addresses end in /p2p/<ID>.
	var full []string
	for _, a := range h.Addrs() {
		full = append(full, a.String()+"/p2p/"+h.ID().String())
	}
	emit(map[string]any{"event": "ready", "peerId": h.ID().String(), "addrs": full})

	// Commands run one after the other, like the js peer.
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 64*1024), 1<<20)
	for in.Scan() {
		line := in.Bytes()
		if len(line) == 0 {
			continue
		}
		var c command
		if err := json.Unmarshal(line, &c); err != nil {
			emit(map[string]any{"event": "command-failed", "cmd": nil, "message": err.Error()})
			continue
		}
		if err := n.run(c); err != nil {
			emit(map[string]any{"event": "command-failed", "cmd": c.Cmd, "message": err.Error()})
		}
	}
	d.Close()
	h.Close()
}
