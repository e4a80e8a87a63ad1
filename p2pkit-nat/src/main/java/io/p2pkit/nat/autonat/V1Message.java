package io.p2pkit.nat.autonat;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.protobuf.ProtobufReader;
import io.p2pkit.core.protobuf.ProtobufWriter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * AutoNAT v1's one message ({@code /libp2p/autonat/1.0.0}, proto2): {@code type = 1},
 * {@code dial = 2} ({@code peer = 1} with {@code id = 1} and {@code addrs = 2}),
 * {@code dialResponse = 3} ({@code status = 1}, {@code statusText = 2}, {@code addr = 3}).
 * Messages are length-prefixed and at most {@link #MAX_BYTES} long (go's {@code maxMsgSize}).
 */
sealed interface V1Message {
    /** Largest message read or written. */
    int MAX_BYTES = 4096;
    /** Most addresses kept from one dial request; the rest are ignored. */
    int MAX_ADDRESSES = 64;

    int TYPE_DIAL = 0;
    int TYPE_DIAL_RESPONSE = 1;

    /** The response statuses, with their wire codes; codes we do not know decode as {@link #UNKNOWN}. */
    enum Status {
        OK(0), E_DIAL_ERROR(100), E_DIAL_REFUSED(101), E_BAD_REQUEST(200), E_INTERNAL_ERROR(300), UNKNOWN(-1);

        final int code;

        Status(int code) {
            this.code = code;
        }

        static Status of(long code) {
            return Arrays.stream(values()).filter(s -> s.code == code && s != UNKNOWN).findFirst().orElse(UNKNOWN);
        }
    }

    /**
     * A request to dial us back.
     *
     * @param peerId our peer ID bytes, or null (the server then uses the connection's)
     * @param addrs  the addresses to try (unparsable ones dropped)
     */
    record Dial(byte[] peerId, List<Multiaddr> addrs) implements V1Message {
        public Dial {
            addrs = List.copyOf(addrs);
        }
    }

    /**
     * The answer.
     *
     * @param status the outcome
     * @param text   a description, empty if none
     * @param addr   the address dialed successfully, or null
     */
    record DialResponse(Status status, String text, Multiaddr addr) implements V1Message {
    }

    /** Encodes this message. */
    default byte[] encode() {
        ProtobufWriter w = new ProtobufWriter(128);
        switch (this) {
            case Dial d -> {
                ProtobufWriter peer = new ProtobufWriter(64);
                if (d.peerId() != null) {
                    peer.bytes(1, d.peerId());
                }
                for (Multiaddr a : d.addrs()) {
                    peer.bytes(2, a.bytes());
                }
                w.varint(1, TYPE_DIAL).message(2, new ProtobufWriter().message(1, peer));
            }
            case DialResponse r -> {
                if (r.status() == Status.UNKNOWN) {
                    throw new IllegalArgumentException("cannot send an unknown status");
                }
                ProtobufWriter resp = new ProtobufWriter(64).varint(1, r.status().code);
                if (!r.text().isEmpty()) {
                    resp.string(2, r.text());
                }
                if (r.addr() != null) {
                    resp.bytes(3, r.addr().bytes());
                }
                w.varint(1, TYPE_DIAL_RESPONSE).message(3, resp);
            }
        }
        return w.toByteArray();
    }

    /**
     * Decodes a message: a dial when the type says so, else a dial response.
     *
     * @throws DecodeException when the protobuf is malformed, the type is unknown or its part missing
     */
    static V1Message decode(byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            throw new DecodeException("autonat", "message of " + bytes.length + " bytes is over " + MAX_BYTES);
        }
        long type = -1;
        Dial dial = null;
        DialResponse response = null;
        ProtobufReader r = new ProtobufReader(bytes, "autonat.Message");
        while (r.next()) {
            switch (r.field()) {
                case 1 -> type = r.varint();
                case 2 -> dial = decodeDial(r.message("autonat.Dial"));
                case 3 -> response = decodeResponse(r.message("autonat.DialResponse"));
                default -> r.skip();
            }
        }
        if (type == TYPE_DIAL && dial != null) {
            return dial;
        }
        if (type == TYPE_DIAL_RESPONSE && response != null) {
            return response;
        }
        throw new DecodeException("autonat.Message", "type " + type + " without its message");
    }

    private static Dial decodeDial(ProtobufReader r) {
        byte[] id = null;
        List<Multiaddr> addrs = new ArrayList<>();
        while (r.next()) {
            if (r.field() == 1) {
                ProtobufReader peer = r.message("autonat.PeerInfo");
                while (peer.next()) {
                    switch (peer.field()) {
                        case 1 -> id = peer.bytes();
                        case 2 -> {
                            byte[] a = peer.bytes();
                            if (addrs.size() < MAX_ADDRESSES) {
                                parse(a, addrs);
                            }
                        }
                        default -> peer.skip();
                    }
                }
            } else {
                r.skip();
            }
        }
        return new Dial(id, addrs);
    }

    private static DialResponse decodeResponse(ProtobufReader r) {
        Status status = Status.UNKNOWN;
        String text = "";
        Multiaddr addr = null;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> status = Status.of(r.varint());
                case 2 -> text = r.string();
                case 3 -> {
                    List<Multiaddr> one = new ArrayList<>(1);
                    parse(r.bytes(), one);
                    addr = one.isEmpty() ? null : one.getFirst();
                }
                default -> r.skip();
            }
        }
        return new DialResponse(status, text, addr);
    }

    private static void parse(byte[] bytes, List<Multiaddr> into) {
        try {
            into.add(Multiaddr.decode(bytes));
        } catch (DecodeException e) {
            // an address we cannot read is one we cannot dial: skipped, as go and rust do
        }
    }
}
