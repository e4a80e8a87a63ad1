package io.p2pkit.nat.autonat;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.protobuf.ProtobufReader;
import io.p2pkit.core.protobuf.ProtobufWriter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * AutoNAT v2's messages (proto3). On {@code /libp2p/autonat/2/dial-request} every message is a
 * {@code Message} whose oneof holds a {@link DialRequest} (1), {@link DialResponse} (2),
 * {@link DialDataRequest} (3) or {@link DialDataResponse} (4); on
 * {@code /libp2p/autonat/2/dial-back} a bare {@link DialBack} goes one way and a
 * {@link DialBackResponse} the other. All are length-prefixed; dial-request messages are at most
 * {@link #MAX_BYTES} and dial-back ones {@link #MAX_DIAL_BACK_BYTES} (go's limits).
 */
sealed interface V2Message {
    /** Largest dial-request stream message (go's {@code maxMsgSize}). */
    int MAX_BYTES = 8192;
    /** Largest dial-back stream message (go's {@code dialBackMaxMsgSize}). */
    int MAX_DIAL_BACK_BYTES = 1024;
    /** Largest {@code data} in one {@link DialDataResponse}, as the spec says. */
    int MAX_DIAL_DATA_CHUNK = 4096;

    /** The response status of a dial request; unknown codes decode as {@link #UNKNOWN}, to be discarded. */
    enum ResponseStatus {
        E_INTERNAL_ERROR(0), E_REQUEST_REJECTED(100), E_DIAL_REFUSED(101), OK(200), UNKNOWN(-1);

        final int code;

        ResponseStatus(int code) {
            this.code = code;
        }

        static ResponseStatus of(long code) {
            return Arrays.stream(values()).filter(s -> s.code == code && s != UNKNOWN).findFirst().orElse(UNKNOWN);
        }
    }

    /** The outcome of the dial back; unknown codes decode as {@link #UNKNOWN}. */
    enum DialStatus {
        UNUSED(0), E_DIAL_ERROR(100), E_DIAL_BACK_ERROR(101), OK(200), UNKNOWN(-1);

        final int code;

        DialStatus(int code) {
            this.code = code;
        }

        static DialStatus of(long code) {
            return Arrays.stream(values()).filter(s -> s.code == code && s != UNKNOWN).findFirst().orElse(UNKNOWN);
        }
    }

    /**
     * The client's request: addresses in priority order and the nonce the dial back must carry.
     * Addresses are kept as sent, so that an index still points at the right one when some do not
     * parse ({@link #address}).
     */
    record DialRequest(List<byte[]> addrs, long nonce) implements V2Message {
        public DialRequest {
            addrs = List.copyOf(addrs);
        }

        /** A request for {@code addresses}. */
        static DialRequest of(List<Multiaddr> addresses, long nonce) {
            return new DialRequest(addresses.stream().map(Multiaddr::bytes).toList(), nonce);
        }

        /** The address at {@code index}, if it parses. */
        Optional<Multiaddr> address(int index) {
            try {
                return Optional.of(Multiaddr.decode(addrs.get(index)));
            } catch (DecodeException e) {
                return Optional.empty();
            }
        }
    }

    /** The server's answer. */
    record DialResponse(ResponseStatus status, int addrIdx, DialStatus dialStatus) implements V2Message {
    }

    /** The server's demand for {@code numBytes} of data before it dials {@code addrIdx}. */
    record DialDataRequest(int addrIdx, long numBytes) implements V2Message {
    }

    /** Some of the data asked for; only its length matters. */
    record DialDataResponse(byte[] data) implements V2Message {
    }

    /** The nonce, sent on the dial-back stream. */
    record DialBack(long nonce) implements V2Message {
    }

    /** The client's acknowledgement of a dial back (status 0, OK, is the only one). */
    record DialBackResponse(int status) implements V2Message {
    }

    /** Encodes this message as it goes on its stream (the first four wrapped in a {@code Message}). */
    default byte[] encode() {
        ProtobufWriter inner = new ProtobufWriter(64);
        int field;
        switch (this) {
            case DialRequest d -> {
                d.addrs().forEach(a -> inner.bytes(1, a));
                if (d.nonce() != 0) {
                    inner.fixed64(2, d.nonce());
                }
                field = 1;
            }
            case DialResponse d -> {
                if (d.status() == ResponseStatus.UNKNOWN || d.dialStatus() == DialStatus.UNKNOWN) {
                    throw new IllegalArgumentException("cannot send an unknown status");
                }
                nonZero(inner, 1, d.status().code);
                nonZero(inner, 2, Integer.toUnsignedLong(d.addrIdx()));
                nonZero(inner, 3, d.dialStatus().code);
                field = 2;
            }
            case DialDataRequest d -> {
                nonZero(inner, 1, Integer.toUnsignedLong(d.addrIdx()));
                nonZero(inner, 2, d.numBytes());
                field = 3;
            }
            case DialDataResponse d -> {
                if (d.data().length > 0) {
                    inner.bytes(1, d.data());
                }
                field = 4;
            }
            case DialBack d -> {
                if (d.nonce() != 0) {
                    inner.fixed64(1, d.nonce());
                }
                return inner.toByteArray();
            }
            case DialBackResponse d -> {
                nonZero(inner, 1, d.status());
                return inner.toByteArray();
            }
        }
        return new ProtobufWriter(inner.size() + 8).message(field, inner).toByteArray();
    }

    private static void nonZero(ProtobufWriter w, int field, long value) {
        if (value != 0) { // proto3 leaves default values out
            w.varint(field, value);
        }
    }

    /**
     * Decodes a message from the dial-request stream.
     *
     * @throws DecodeException when it is malformed, too large, or carries no message
     */
    static V2Message decode(byte[] bytes) {
        check(bytes, MAX_BYTES);
        V2Message m = null;
        ProtobufReader r = new ProtobufReader(bytes, "autonatv2.Message");
        while (r.next()) {
            switch (r.field()) { // a oneof: the last one present wins, as protobuf says
                case 1 -> m = dialRequest(r.message("autonatv2.DialRequest"));
                case 2 -> m = dialResponse(r.message("autonatv2.DialResponse"));
                case 3 -> m = dialDataRequest(r.message("autonatv2.DialDataRequest"));
                case 4 -> m = dialDataResponse(r.message("autonatv2.DialDataResponse"));
                default -> r.skip();
            }
        }
        if (m == null) {
            throw new DecodeException("autonatv2.Message", "no message in the oneof");
        }
        return m;
    }

    /**
     * Reads one length-prefixed dial-request stream message.
     *
     * @throws java.io.EOFException when the stream ends first
     * @throws DecodeException      when it is too large or malformed
     */
    static V2Message read(java.io.InputStream in) throws java.io.IOException {
        byte[] bytes = io.p2pkit.core.protobuf.LengthPrefixed.read(in, MAX_BYTES);
        if (bytes == null) {
            throw new java.io.EOFException("stream ended before the message");
        }
        return decode(bytes);
    }

    /** Decodes the server's {@link DialBack}. */
    static DialBack decodeDialBack(byte[] bytes) {
        check(bytes, MAX_DIAL_BACK_BYTES);
        long nonce = 0;
        ProtobufReader r = new ProtobufReader(bytes, "autonatv2.DialBack");
        while (r.next()) {
            if (r.field() == 1) {
                nonce = r.fixed64();
            } else {
                r.skip();
            }
        }
        return new DialBack(nonce);
    }

    /** Decodes the client's {@link DialBackResponse}. */
    static DialBackResponse decodeDialBackResponse(byte[] bytes) {
        check(bytes, MAX_DIAL_BACK_BYTES);
        int status = 0;
        ProtobufReader r = new ProtobufReader(bytes, "autonatv2.DialBackResponse");
        while (r.next()) {
            if (r.field() == 1) {
                status = (int) r.varint();
            } else {
                r.skip();
            }
        }
        return new DialBackResponse(status);
    }

    private static void check(byte[] bytes, int max) {
        if (bytes.length > max) {
            throw new DecodeException("autonatv2", "message of " + bytes.length + " bytes is over " + max);
        }
    }

    private static DialRequest dialRequest(ProtobufReader r) {
        List<byte[]> addrs = new ArrayList<>();
        long nonce = 0;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> addrs.add(r.bytes());
                case 2 -> nonce = r.fixed64();
                default -> r.skip();
            }
        }
        return new DialRequest(addrs, nonce);
    }

    private static DialResponse dialResponse(ProtobufReader r) {
        ResponseStatus status = ResponseStatus.E_INTERNAL_ERROR;
        int idx = 0;
        DialStatus dialStatus = DialStatus.UNUSED;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> status = ResponseStatus.of(r.varint());
                case 2 -> idx = r.uint32();
                case 3 -> dialStatus = DialStatus.of(r.varint());
                default -> r.skip();
            }
        }
        return new DialResponse(status, idx, dialStatus);
    }

    private static DialDataRequest dialDataRequest(ProtobufReader r) {
        int idx = 0;
        long numBytes = 0;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> idx = r.uint32();
                case 2 -> numBytes = r.varint();
                default -> r.skip();
            }
        }
        return new DialDataRequest(idx, numBytes);
    }

    private static DialDataResponse dialDataResponse(ProtobufReader r) {
        byte[] data = new byte[0];
        while (r.next()) {
            if (r.field() == 1) {
                data = r.bytes();
            } else {
                r.skip();
            }
        }
        return new DialDataResponse(data);
    }
}
