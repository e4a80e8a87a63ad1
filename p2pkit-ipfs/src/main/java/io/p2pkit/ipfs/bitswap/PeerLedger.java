package io.p2pkit.ipfs.bitswap;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.bitswap.wire.WantEntry;

import java.util.LinkedHashMap;
import java.util.Map;

/** What the server knows of one peer: its wants, and how much was exchanged with it. */
final class PeerLedger {
    /** Wants not yet looked at, in arrival order. */
    final Map<Cid, WantEntry> pending = new LinkedHashMap<>();
    /** Wants for blocks this node did not have, kept until cancelled or until the block arrives. */
    final Map<Cid, WantEntry> waiting = new LinkedHashMap<>();
    long bytesSent;
    long blocksSent;
    long bytesReceived;
    long blocksReceived;
    /** Bytes handed to the peer's sender and not yet written. */
    long queuedBytes;
    /** When it last became ready to serve, to break ties in arrival order. */
    long readySince;
    /**
     * Whether a worker is answering a task of its: one at a time per peer, or each of several
     * workers would see the same room in the peer's send queue and fill it again.
     */
    boolean active;

    int wants() {
        return pending.size() + waiting.size();
    }
}
