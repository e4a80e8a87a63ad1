package io.p2pkit.ipfs.graphsync;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.ipld.Node;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * One GraphSync 2.0 message: requests, responses and the blocks the responses' metadata names.
 * Decoded blocks already match their CIDs (a CID is computed from the prefix and the data).
 */
record Message(List<Request> requests, List<Response> responses, List<Block> blocks) {
    Message {
        requests = List.copyOf(requests);
        responses = List.copyOf(responses);
        blocks = List.copyOf(blocks);
    }

    /** A request ID: 16 bytes (a UUID). */
    record RequestId(byte[] bytes) {
        static final int LENGTH = 16;
        private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

        RequestId {
            bytes = bytes.clone();
        }

        static RequestId random() {
            byte[] b = new byte[LENGTH];
            RANDOM.nextBytes(b);
            b[6] = (byte) ((b[6] & 0x0f) | 0x40); // a version 4 UUID, as go-graphsync makes them
            b[8] = (byte) ((b[8] & 0x3f) | 0x80);
            return new RequestId(b);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof RequestId r && Arrays.equals(bytes, r.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return HexFormat.of().formatHex(bytes);
        }
    }

    /** What a request asks for: a new traversal, a cancel or an update. */
    enum RequestType {
        NEW("n"), CANCEL("c"), UPDATE("u");

        final String wire;

        RequestType(String wire) {
            this.wire = wire;
        }
    }

    /** A request; root and selector are null for cancels and updates. */
    record Request(RequestId id, RequestType type, long priority, Cid root, Node selector, Map<String, Node> extensions) {
        Request {
            extensions = Map.copyOf(extensions);
        }

        static Request cancel(RequestId id) {
            return new Request(id, RequestType.CANCEL, 0, null, null, Map.of());
        }
    }

    /** What the responder did with a link it reached. */
    enum LinkAction {
        /** The block was there; it is in this message, or was sent earlier in the request. */
        PRESENT("p"),
        /** The block was there but not sent again. */
        DUPLICATE_NOT_SENT("d"),
        /** The block was not there; its part of the DAG was skipped. */
        MISSING("m"),
        /** The DAG below was sent already in this request and was skipped. */
        DUPLICATE_DAG_SKIPPED("s");

        final String wire;

        LinkAction(String wire) {
            this.wire = wire;
        }
    }

    /** One link of the traversal and what was done with it. */
    record Metadatum(Cid link, LinkAction action) {
    }

    /** A response: its status and the links it covers, in traversal order. */
    record Response(RequestId id, ResponseStatus status, List<Metadatum> metadata, Map<String, Node> extensions) {
        Response {
            metadata = List.copyOf(metadata);
            extensions = Map.copyOf(extensions);
        }
    }
}
