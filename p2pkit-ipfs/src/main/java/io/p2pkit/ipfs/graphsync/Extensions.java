package io.p2pkit.ipfs.graphsync;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.ipld.IntNode;
import io.p2pkit.ipfs.ipld.Link;
import io.p2pkit.ipfs.ipld.ListNode;
import io.p2pkit.ipfs.ipld.Node;
import io.p2pkit.ipfs.ipld.StringNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The request extensions of go-graphsync that this implementation sends and honours, with their
 * data as go-graphsync encodes it (the cidset and donotsendfirstblocks packages).
 */
final class Extensions {
    /** A list of links whose blocks the responder does not send (it still reports them, as present). */
    static final String DO_NOT_SEND_CIDS = "graphsync/do-not-send-cids";
    /** An integer: the responder does not send the blocks of the first N links it reaches. */
    static final String DO_NOT_SEND_FIRST_BLOCKS = "graphsync/do-not-send-first-blocks";

    /** A string: requests of a peer with the same key share one set of blocks sent (go's dedupkey package). */
    static final String DEDUP_BY_KEY = "graphsync/dedup-by-key";
    /** The longest dedup key accepted, in characters (go-graphsync sends persistence option names). */
    static final int MAX_DEDUP_KEY = 1024;

    private Extensions() {
    }

    /** What a request asks the responder to hold back. */
    record Skips(Set<Cid> cids, long firstBlocks) {
        static final Skips NONE = new Skips(Set.of(), 0);

        /** @return whether the block of the {@code index}-th link reached (counting from 1), {@code cid}, is held back */
        boolean skip(long index, Cid cid) {
            return index <= firstBlocks || cids.contains(cid);
        }
    }

    static Map<String, Node> encode(Set<Cid> doNotSend, long firstBlocks) {
        return encode(doNotSend, firstBlocks, null);
    }

    /** @param dedupKey the {@link #DEDUP_BY_KEY} key, or null for none */
    static Map<String, Node> encode(Set<Cid> doNotSend, long firstBlocks, String dedupKey) {
        Map<String, Node> ext = new LinkedHashMap<>();
        if (dedupKey != null) {
            ext.put(DEDUP_BY_KEY, Node.of(dedupKey));
        }
        if (!doNotSend.isEmpty()) {
            List<Node> links = new ArrayList<>(doNotSend.size());
            doNotSend.forEach(c -> links.add(Node.of(c)));
            ext.put(DO_NOT_SEND_CIDS, new ListNode(links));
        }
        if (firstBlocks > 0) {
            ext.put(DO_NOT_SEND_FIRST_BLOCKS, IntNode.of(firstBlocks));
        }
        return ext;
    }

    /**
     * @return the request's {@link #DEDUP_BY_KEY} key, or null when it has none
     * @throws DecodeException when it is not a string, or is longer than {@link #MAX_DEDUP_KEY}
     */
    static String dedupKey(Map<String, Node> ext) {
        Node n = ext.get(DEDUP_BY_KEY);
        if (n == null) {
            return null;
        }
        if (!(n instanceof StringNode s)) {
            throw new DecodeException(DEDUP_BY_KEY, "is not a string");
        }
        if (s.value().length() > MAX_DEDUP_KEY) {
            throw new DecodeException(DEDUP_BY_KEY, "is longer than " + MAX_DEDUP_KEY + " characters");
        }
        return s.value();
    }

    /**
     * @throws DecodeException when an extension this implementation knows is not shaped as go-graphsync sends it
     */
    static Skips decode(Map<String, Node> ext) {
        Node cids = ext.get(DO_NOT_SEND_CIDS);
        Node first = ext.get(DO_NOT_SEND_FIRST_BLOCKS);
        if (cids == null && first == null) {
            return Skips.NONE;
        }
        Set<Cid> set = new HashSet<>();
        if (cids != null) {
            if (!(cids instanceof ListNode l)) {
                throw new DecodeException(DO_NOT_SEND_CIDS, "is not a list");
            }
            for (Node n : l.values()) {
                if (!(n instanceof Link link)) {
                    throw new DecodeException(DO_NOT_SEND_CIDS, "holds something other than a link");
                }
                set.add(link.cid());
            }
        }
        long skip = 0;
        if (first != null) {
            if (!(first instanceof IntNode i) || !i.fitsLong() || i.longValue() < 0) {
                throw new DecodeException(DO_NOT_SEND_FIRST_BLOCKS, "is not a count");
            }
            skip = i.longValue();
        }
        return new Skips(set, skip);
    }
}
