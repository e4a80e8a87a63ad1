package io.p2pkit.ipfs.graphsync;

/** GraphSync 2.0's response status codes, as go-graphsync sends them. */
public enum ResponseStatus {
    /** 10: the request was received and is being worked on. */
    REQUEST_ACKNOWLEDGED(10),
    /** 11: more peers may have the content. */
    ADDITIONAL_PEERS(11),
    /** 12: the request needs payment. */
    NOT_ENOUGH_GAS(12),
    /** 13: another protocol is suggested. */
    OTHER_PROTOCOL(13),
    /** 14: part of the response; more follows. */
    PARTIAL_RESPONSE(14),
    /** 15: the responder paused the request. */
    REQUEST_PAUSED(15),
    /** 20: the whole selection was sent. */
    REQUEST_COMPLETED_FULL(20),
    /** 21: done, but some blocks the selection reaches were missing. */
    REQUEST_COMPLETED_PARTIAL(21),
    /** 30: the responder refused the request. */
    REQUEST_REJECTED(30),
    /** 31: the responder is too busy. */
    REQUEST_FAILED_BUSY(31),
    /** 32: the request failed for another reason. */
    REQUEST_FAILED_UNKNOWN(32),
    /** 33: the request failed for legal reasons. */
    REQUEST_FAILED_LEGAL(33),
    /** 34: the responder does not have the root. */
    REQUEST_FAILED_CONTENT_NOT_FOUND(34),
    /** 35: the request was cancelled. */
    REQUEST_CANCELLED(35);

    private final int code;

    ResponseStatus(int code) {
        this.code = code;
    }

    /** @return the code on the wire */
    public int code() {
        return code;
    }

    /** @return whether this status ends the request (codes 20 and up) */
    public boolean terminal() {
        return code >= 20;
    }

    /** @return whether this is a success (20, 21) */
    public boolean success() {
        return code == 20 || code == 21;
    }

    /**
     * @param code a code from the wire
     * @return its status, or null when the code is not one of GraphSync's
     */
    static ResponseStatus of(long code) {
        for (ResponseStatus s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        return null;
    }
}
