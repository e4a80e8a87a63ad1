package io.p2pkit.webrtc.sctp;

import java.util.List;

/**
 * The SCTP chunks WebRTC needs (RFC 9260 section 3.3, RFC 6525 for RE-CONFIG), as values.
 * {@link SctpPacket} encodes and decodes them.
 */
sealed interface Chunk {
    int DATA = 0;
    int INIT = 1;
    int INIT_ACK = 2;
    int SACK = 3;
    int HEARTBEAT = 4;
    int HEARTBEAT_ACK = 5;
    int ABORT = 6;
    int SHUTDOWN = 7;
    int SHUTDOWN_ACK = 8;
    int ERROR = 9;
    int COOKIE_ECHO = 10;
    int COOKIE_ACK = 11;
    int SHUTDOWN_COMPLETE = 14;
    int RECONFIG = 130;
    int FORWARD_TSN = 192;

    /** The chunk type byte. */
    int type();

    /**
     * A DATA chunk; flags carry U (unordered), B (first fragment) and E (last fragment).
     * TSN and PPID are unsigned 32-bit values kept in longs.
     */
    record Data(boolean unordered, boolean beginning, boolean ending, long tsn, int streamId, int ssn, long ppid,
                byte[] payload) implements Chunk {
        @Override
        public int type() {
            return DATA;
        }
    }

    /** INIT or INIT ACK; {@code cookie} is null in an INIT and required in an INIT ACK. */
    record Init(boolean ack, long initiateTag, long advertisedWindow, int outboundStreams, int inboundStreams,
                long initialTsn, boolean reconfigSupported, byte[] cookie) implements Chunk {
        @Override
        public int type() {
            return ack ? INIT_ACK : INIT;
        }
    }

    /** A gap ack block: TSNs cumulative+start to cumulative+end were received. */
    record Gap(int start, int end) {
    }

    /** A selective acknowledgement. */
    record Sack(long cumulativeTsn, long advertisedWindow, List<Gap> gaps, List<Long> duplicates) implements Chunk {
        @Override
        public int type() {
            return SACK;
        }
    }

    /** HEARTBEAT or HEARTBEAT ACK with the sender's opaque heartbeat information. */
    record Heartbeat(boolean ack, byte[] info) implements Chunk {
        @Override
        public int type() {
            return ack ? HEARTBEAT_ACK : HEARTBEAT;
        }
    }

    /** ABORT (or ERROR when {@code abort} is false) with its error causes, kept raw except for a readable reason. */
    record Abort(boolean abort, boolean tagReflected, int causeCode, String reason) implements Chunk {
        @Override
        public int type() {
            return abort ? ABORT : ERROR;
        }
    }

    /** SHUTDOWN with the cumulative TSN the sender has received. */
    record Shutdown(long cumulativeTsn) implements Chunk {
        @Override
        public int type() {
            return SHUTDOWN;
        }
    }

    /** COOKIE ECHO. */
    record CookieEcho(byte[] cookie) implements Chunk {
        @Override
        public int type() {
            return COOKIE_ECHO;
        }
    }

    /** A chunk with no value: COOKIE ACK, SHUTDOWN ACK, SHUTDOWN COMPLETE. */
    record Bare(int type, boolean tagReflected) implements Chunk {
    }

    /** An Outgoing SSN Reset Request parameter (RFC 6525 section 4.1); an empty list resets every stream. */
    record ResetRequest(long requestSeq, long responseSeq, long lastTsn, List<Integer> streams) {
    }

    /** A Re-configuration Response parameter (RFC 6525 section 4.4). */
    record ReconfigResponse(long responseSeq, long result) {
        static final long NOTHING_TO_DO = 0;
        static final long PERFORMED = 1;
        static final long DENIED = 2;
        static final long BAD_SEQUENCE = 5;
        static final long IN_PROGRESS = 6;
    }

    /** RE-CONFIG carrying at most one reset request and at most one response, the combinations WebRTC uses. */
    record Reconfig(ResetRequest request, ReconfigResponse response) implements Chunk {
        @Override
        public int type() {
            return RECONFIG;
        }
    }

    /** A chunk type this implementation does not process; kept so the packet can be judged by its type bits. */
    record Unknown(int type) implements Chunk {
    }
}
