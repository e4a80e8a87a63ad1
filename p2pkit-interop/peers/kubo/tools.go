//go:build tools

// Package tools pins Kubo for p2pkit's interop suite: the `ipfs` command is built from this
// module (go build github.com/ipfs/kubo/cmd/ipfs), so go.sum fixes every dependency.
package tools

import _ "github.com/ipfs/kubo/cmd/ipfs"
