// Command go-graphsync is the go-graphsync peer of p2pkit's interop suite (/ipfs/graphsync/2.0.0).
//
//	go-graphsync --listen MADDR [--blocks DIR]                      serve the blocks in DIR
//	go-graphsync --listen MADDR --request MADDR/p2p/ID --root CID --selector DAGJSON --out DIR
//	             [--blocks DIR --do-not-send CID,CID,...] [--dedup-key KEY]
//	go-graphsync ... --pause-after N                                 pause each response after N blocks
//
// Blocks on disk are one file per block, named by the CID's string form, holding the block's bytes.
// As a responder it validates every incoming request and serves what DIR holds. As a requester it
// dials the peer, runs one request and writes each block it stored into DIR, then reports. With
// --do-not-send the request carries go-graphsync's do-not-send-cids extension naming those CIDs
// (blocks the requester already has, given with --blocks). With --dedup-key the request goes
// through a persistence option of that name (the same store), so go-graphsync sends it with its
// graphsync/dedup-by-key extension. With --pause-after, the responder's outgoing-block hook pauses
// each response after its N-th block (emitting "paused") and any update the requester sends for
// it unpauses it (the request-updated hook).
// Runs until stdin closes. TCP + Noise + yamux on loopback.
//
// Events (stdout, one JSON object per line):
//
//	{"event":"ready","peerId":…,"addrs":[…]}
//	{"event":"done","blocks":N,"errors":[…]}      the request ended; errors as go-graphsync reported them
//	{"event":"paused","request":…}                  a response paused after --pause-after blocks
//	{"event":"error","step":…,"message":…}
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/ipfs/go-cid"
	graphsync "github.com/ipfs/go-graphsync"
	"github.com/ipfs/go-graphsync/cidset"
	"github.com/ipfs/go-unixfsnode"
	gsimpl "github.com/ipfs/go-graphsync/impl"
	gsnet "github.com/ipfs/go-graphsync/network"
	_ "github.com/ipld/go-codec-dagpb"
	"github.com/ipld/go-ipld-prime/datamodel"
	"github.com/ipld/go-ipld-prime/linking"
	cidlink "github.com/ipld/go-ipld-prime/linking/cid"
	_ "github.com/ipld/go-ipld-prime/codec/dagcbor"
	_ "github.com/ipld/go-ipld-prime/codec/raw"
	selectorparse "github.com/ipld/go-ipld-prime/traversal/selector/parse"
	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/p2p/muxer/yamux"
	"github.com/libp2p/go-libp2p/p2p/security/noise"
	"github.com/libp2p/go-libp2p/p2p/transport/tcp"
)

var outMu sync.Mutex

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

// store is the block map behind the link system; written blocks are also recorded in order.
type store struct {
	mu      sync.Mutex
	blocks  map[string][]byte
	written []cid.Cid
}

func (s *store) load(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		c, err := cid.Decode(e.Name())
		if err != nil {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return err
		}
		s.blocks[c.KeyString()] = data
	}
	return nil
}

func (s *store) linkSystem() linking.LinkSystem {
	lsys := cidlink.DefaultLinkSystem()
	// the unixfs ADL, for path selectors ({"~": {"as": "unixfs", …}}) as Kubo and Boost send them
	unixfsnode.AddUnixFSReificationToLinkSystem(&lsys)
	lsys.StorageReadOpener = func(_ linking.LinkContext, l datamodel.Link) (io.Reader, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		data, ok := s.blocks[l.(cidlink.Link).Cid.KeyString()]
		if !ok {
			return nil, fmt.Errorf("block not found: %s", l)
		}
		return bytes.NewReader(data), nil
	}
	lsys.StorageWriteOpener = func(_ linking.LinkContext) (io.Writer, linking.BlockWriteCommitter, error) {
		var buf bytes.Buffer
		return &buf, func(l datamodel.Link) error {
			c := l.(cidlink.Link).Cid
			s.mu.Lock()
			defer s.mu.Unlock()
			if _, ok := s.blocks[c.KeyString()]; !ok {
				s.written = append(s.written, c)
			}
			s.blocks[c.KeyString()] = buf.Bytes()
			return nil
		}, nil
	}
	return lsys
}

func main() {
	listen := flag.String("listen", "/ip4/127.0.0.1/tcp/0", "multiaddr to listen on")
	blocksDir := flag.String("blocks", "", "directory of blocks to serve (file name = CID)")
	request := flag.String("request", "", "multiaddr with /p2p/ID of the peer to request from")
	root := flag.String("root", "", "root CID of the request")
	selJSON := flag.String("selector", "", "the selector in dag-json")
	outDir := flag.String("out", "", "directory to write the received blocks to")
	doNotSend := flag.String("do-not-send", "", "comma-separated CIDs the responder should not send (do-not-send-cids)")
	dedupKey := flag.String("dedup-key", "", "request through a persistence option of this name (graphsync/dedup-by-key)")
	pauseAfter := flag.Int64("pause-after", 0, "as a responder, pause each response after this many blocks until an update")
	flag.Parse()

	s := &store{blocks: map[string][]byte{}}
	if *blocksDir != "" {
		if err := s.load(*blocksDir); err != nil {
			fail("blocks", err)
		}
	}
	h, err := libp2p.New(
		libp2p.NoTransports,
		libp2p.Transport(tcp.NewTCPTransport),
		libp2p.Security(noise.ID, noise.New),
		libp2p.Muxer(yamux.ID, yamux.DefaultTransport),
		libp2p.DisableRelay(),
		libp2p.ResourceManager(&network.NullResourceManager{}),
		libp2p.ListenAddrStrings(*listen),
	)
	if err != nil {
		fail("start", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	gs := gsimpl.New(ctx, gsnet.NewFromLibp2pHost(h), s.linkSystem())
	gs.RegisterIncomingRequestHook(func(_ peer.ID, _ graphsync.RequestData, actions graphsync.IncomingRequestHookActions) {
		actions.ValidateRequest()
	})
	if *pauseAfter > 0 {
		gs.RegisterOutgoingBlockHook(func(_ peer.ID, r graphsync.RequestData, b graphsync.BlockData, actions graphsync.OutgoingBlockHookActions) {
			if b.Index() == *pauseAfter {
				actions.PauseResponse()
				emit(map[string]any{"event": "paused", "request": r.ID().String()})
			}
		})
		gs.RegisterRequestUpdatedHook(func(_ peer.ID, _ graphsync.RequestData, _ graphsync.RequestData, actions graphsync.RequestUpdatedHookActions) {
			actions.UnpauseResponse()
		})
	}
	if *dedupKey != "" {
		if err := gs.RegisterPersistenceOption(*dedupKey, s.linkSystem()); err != nil {
			fail("dedup-key", err)
		}
		gs.RegisterOutgoingRequestHook(func(_ peer.ID, _ graphsync.RequestData, actions graphsync.OutgoingRequestHookActions) {
			actions.UsePersistenceOption(*dedupKey)
		})
	}

	addrs := []string{}
	for _, a := range h.Addrs() {
		addrs = append(addrs, a.String())
	}
	emit(map[string]any{"event": "ready", "peerId": h.ID().String(), "addrs": addrs})

	if *request != "" {
		go func() {
			info, err := peer.AddrInfoFromString(*request)
			if err != nil {
				fail("request", err)
			}
			rootCid, err := cid.Decode(*root)
			if err != nil {
				fail("root", err)
			}
			sel, err := selectorparse.ParseJSONSelector(*selJSON)
			if err != nil {
				fail("selector", err)
			}
			rctx, rcancel := context.WithTimeout(ctx, 2*time.Minute)
			defer rcancel()
			if err := h.Connect(rctx, *info); err != nil {
				fail("dial", err)
			}
			var exts []graphsync.ExtensionData
			if *doNotSend != "" {
				set := cid.NewSet()
				for _, str := range strings.Split(*doNotSend, ",") {
					c, err := cid.Decode(str)
					if err != nil {
						fail("do-not-send", err)
					}
					set.Add(c)
				}
				exts = append(exts, graphsync.ExtensionData{Name: graphsync.ExtensionDoNotSendCIDs, Data: cidset.EncodeCidSet(set)})
			}
			progress, errs := gs.Request(rctx, info.ID, cidlink.Link{Cid: rootCid}, sel, exts...)
			errors := []string{}
			for progress != nil || errs != nil {
				select {
				case _, ok := <-progress:
					if !ok {
						progress = nil
					}
				case e, ok := <-errs:
					if !ok {
						errs = nil
					} else {
						errors = append(errors, e.Error())
					}
				}
			}
			s.mu.Lock()
			written := append([]cid.Cid(nil), s.written...)
			s.mu.Unlock()
			if *outDir != "" {
				for _, c := range written {
					s.mu.Lock()
					data := s.blocks[c.KeyString()]
					s.mu.Unlock()
					if err := os.WriteFile(filepath.Join(*outDir, c.String()), data, 0o644); err != nil {
						fail("out", err)
					}
				}
			}
			emit(map[string]any{"event": "done", "blocks": len(written), "errors": errors})
		}()
	}
	io.Copy(io.Discard, os.Stdin)
	cancel()
	h.Close()
}
