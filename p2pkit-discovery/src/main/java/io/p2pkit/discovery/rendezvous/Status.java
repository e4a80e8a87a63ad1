package io.p2pkit.discovery.rendezvous;

import io.p2pkit.core.DecodeException;

/** The response status of a rendezvous point, with the spec's wire codes. */
public enum Status {
    /** The request succeeded. */
    OK(0),
    /** The namespace is empty (on register) or longer than the point allows. */
    E_INVALID_NAMESPACE(100),
    /** The signed peer record is missing, malformed or its signature does not verify. */
    E_INVALID_SIGNED_PEER_RECORD(101),
    /** The TTL is outside the range the point accepts. */
    E_INVALID_TTL(102),
    /** The cookie is malformed, for another namespace, or not one this point handed out. */
    E_INVALID_COOKIE(103),
    /** The record names a peer other than the one asking. */
    E_NOT_AUTHORIZED(200),
    /** The point failed. */
    E_INTERNAL_ERROR(300),
    /** The point is full: too many registrations for the peer, the namespace or in total. */
    E_UNAVAILABLE(400);

    private final int code;

    Status(int code) {
        this.code = code;
    }

    /** The wire code. */
    public int code() {
        return code;
    }

    /**
     * The status with wire code {@code code}.
     *
     * @throws DecodeException if the code is not one the spec defines
     */
    public static Status of(long code) {
        for (Status s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        throw new DecodeException("ResponseStatus", "unknown status code " + code);
    }
}
