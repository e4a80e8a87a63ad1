package io.p2pkit.core.reqres;

import io.p2pkit.core.identity.PeerId;

import java.io.IOException;

/**
 * A request-response exchange failed. The subclass says how; {@link #protocol()} and
 * {@link #peer()} say which exchange. Requesters get them thrown; a server reports its own
 * failures (bad requests, refusals, failing handlers) to {@link RequestResponse#onInboundFailure}.
 */
public class RequestResponseException extends IOException {
    private final String protocol;
    private final PeerId peer;

    RequestResponseException(String protocol, PeerId peer, String message, Throwable cause) {
        super(protocol + " with " + peer + ": " + message, cause);
        this.protocol = protocol;
        this.peer = peer;
    }

    /** The protocol of the exchange. */
    public String protocol() {
        return protocol;
    }

    /** The other side of the exchange. */
    public PeerId peer() {
        return peer;
    }

    /** The exchange did not finish within its timeout; the stream was reset. */
    public static final class Timeout extends RequestResponseException {
        Timeout(String protocol, PeerId peer, String message) {
            super(protocol, peer, message, null);
        }
    }

    /** A request or response was over its size limit; nothing of it beyond its length was read. */
    public static final class TooLarge extends RequestResponseException {
        private final long size;
        private final int limit;

        TooLarge(String protocol, PeerId peer, String what, long size, int limit) {
            super(protocol, peer, what + " of " + size + " bytes is over the limit of " + limit + " bytes", null);
            this.size = size;
            this.limit = limit;
        }

        /** The announced or encoded size. */
        public long size() {
            return size;
        }

        /** The limit it broke. */
        public int limit() {
            return limit;
        }
    }

    /** The remote does not serve the protocol (multistream-select answered {@code na}). */
    public static final class UnsupportedProtocol extends RequestResponseException {
        UnsupportedProtocol(String protocol, PeerId peer, Throwable cause) {
            super(protocol, peer, "the remote does not support the protocol", cause);
        }
    }

    /**
     * The remote reset the stream or closed it without answering: it refused the request (too
     * many in flight, not authorized), its handler failed, or the connection died.
     */
    public static final class RemoteReset extends RequestResponseException {
        RemoteReset(String protocol, PeerId peer, String message, Throwable cause) {
            super(protocol, peer, message, cause);
        }
    }

    /** Refused on this side: too many requests in flight (inbound per peer or overall, or outbound). */
    public static final class Refused extends RequestResponseException {
        Refused(String protocol, PeerId peer, String message) {
            super(protocol, peer, message, null);
        }
    }

    /** A message arrived but its bytes did not decode (or the stream ended inside it). */
    public static final class Malformed extends RequestResponseException {
        Malformed(String protocol, PeerId peer, String message, Throwable cause) {
            super(protocol, peer, message, cause);
        }
    }

    /** The local handler threw (server side only); the requester saw a reset. */
    public static final class HandlerFailed extends RequestResponseException {
        HandlerFailed(String protocol, PeerId peer, Throwable cause) {
            super(protocol, peer, "the handler failed: " + cause, cause);
        }
    }
}
