// Command vectors writes GraphSync 2.0 messages as go-graphsync encodes them (length prefix
// stripped) into a directory: the wire vectors of p2pkit-ipfs's GoVectorsTest.
//
//	cd p2pkit-interop/peers/go-graphsync && go run ./vectors ../../../p2pkit-ipfs/src/test/resources/io/p2pkit/ipfs/graphsync/go-graphsync
package main

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"

	blocks "github.com/ipfs/go-block-format"
	"github.com/ipfs/go-cid"
	"github.com/ipfs/go-graphsync"
	gsmsg "github.com/ipfs/go-graphsync/message"
	v2 "github.com/ipfs/go-graphsync/message/v2"
	"github.com/ipld/go-ipld-prime/node/basicnode"
	selectorparse "github.com/ipld/go-ipld-prime/traversal/selector/parse"
	mh "github.com/multiformats/go-multihash"
)

func write(dir, name string, m gsmsg.GraphSyncMessage) {
	var buf bytes.Buffer
	if err := v2.NewMessageHandler().ToNet("", m, &buf); err != nil {
		panic(err)
	}
	b := buf.Bytes()
	_, n := binary.Uvarint(b)
	if err := os.WriteFile(filepath.Join(dir, name), b[n:], 0o644); err != nil {
		panic(err)
	}
}

func main() {
	dir := os.Args[1]
	id, err := graphsync.ParseRequestID([]byte{1, 2, 3, 4, 5, 6, 0x47, 8, 0x89, 10, 11, 12, 13, 14, 15, 16})
	if err != nil {
		panic(err)
	}
	v0 := blocks.NewBlock([]byte("a CIDv0 block"))
	h, _ := mh.Sum([]byte("a raw block"), mh.SHA2_256, -1)
	raw, _ := blocks.NewBlockWithCid([]byte("a raw block"), cid.NewCidV1(cid.Raw, h))
	missing, _ := mh.Sum([]byte("missing"), mh.SHA2_256, -1)
	ext := graphsync.ExtensionData{Name: "x/test", Data: basicnode.NewString("hello")}

	write(dir, "request", gsmsg.NewMessage(map[graphsync.RequestID]gsmsg.GraphSyncRequest{
		id: gsmsg.NewRequest(id, v0.Cid(), selectorparse.CommonSelector_ExploreAllRecursively, 5, ext),
	}, nil, nil))
	write(dir, "cancel", gsmsg.NewMessage(map[graphsync.RequestID]gsmsg.GraphSyncRequest{
		id: gsmsg.NewCancelRequest(id),
	}, nil, nil))
	write(dir, "response", gsmsg.NewMessage(nil, map[graphsync.RequestID]gsmsg.GraphSyncResponse{
		id: gsmsg.NewResponse(id, graphsync.RequestCompletedPartial, []gsmsg.GraphSyncLinkMetadatum{
			{Link: v0.Cid(), Action: graphsync.LinkActionPresent},
			{Link: raw.Cid(), Action: graphsync.LinkActionPresent},
			{Link: cid.NewCidV1(cid.DagCBOR, missing), Action: graphsync.LinkActionMissing},
		}),
	}, map[cid.Cid]blocks.Block{v0.Cid(): v0, raw.Cid(): raw}))
}
