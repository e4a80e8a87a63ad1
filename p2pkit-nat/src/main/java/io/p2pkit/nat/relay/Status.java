package io.p2pkit.nat.relay;

import java.util.Optional;

/** The status codes of circuit relay v2 ({@code Status} in the spec's protobuf). */
public enum Status {
    /** The zero value; never sent on purpose. */
    UNUSED(0),
    /** Success. */
    OK(100),
    /** The relay refused a reservation (too many, or from one IP). */
    RESERVATION_REFUSED(200),
    /** Too many relayed connections from the initiator or to the target, or the relay's resources are full. */
    RESOURCE_LIMIT_EXCEEDED(201),
    /** The relay's ACL refused, or the request came over a relayed connection. */
    PERMISSION_DENIED(202),
    /** The relay could not reach the target, or the target refused. */
    CONNECTION_FAILED(203),
    /** The target holds no reservation on the relay. */
    NO_RESERVATION(204),
    /** A message could not be decoded. */
    MALFORMED_MESSAGE(400),
    /** A message of the wrong type came. */
    UNEXPECTED_MESSAGE(401);

    private final int code;

    Status(int code) {
        this.code = code;
    }

    /** The code on the wire. */
    public int code() {
        return code;
    }

    /** The status of a wire code, if it is one of the spec's. */
    public static Optional<Status> of(int code) {
        for (Status s : values()) {
            if (s.code == code) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** The name of a wire code: the status's, or the number for an unknown one. */
    static String describe(int code) {
        return of(code).map(Enum::name).orElse("status " + code);
    }
}
