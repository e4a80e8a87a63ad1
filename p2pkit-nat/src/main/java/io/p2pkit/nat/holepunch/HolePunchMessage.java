package io.p2pkit.nat.holepunch;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiformats.Varint;
import io.p2pkit.core.protobuf.LengthPrefixed;
import io.p2pkit.core.protobuf.ProtobufReader;
import io.p2pkit.core.protobuf.ProtobufWriter;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The one DCUtR message, {@code HolePunch { required Type type = 1; repeated bytes ObsAddrs = 2; }},
 * varint-length-prefixed on the stream and at most {@link #MAX_BYTES} long (the spec's 4 KiB).
 * Addresses that do not parse are dropped, as go-libp2p drops them; a missing or unknown type is
 * malformed.
 */
record HolePunchMessage(Type type, List<Multiaddr> addresses) {
    /** The largest message read or written (go-libp2p's {@code maxMsgSize}). */
    static final int MAX_BYTES = 4096;

    /** The message types, with their wire values. */
    enum Type {
        CONNECT(100), SYNC(300);

        final int wire;

        Type(int wire) {
            this.wire = wire;
        }

        static Type of(long wire) {
            for (Type t : values()) {
                if (t.wire == wire) {
                    return t;
                }
            }
            throw new DecodeException("HolePunch.type", "unknown value " + wire);
        }
    }

    HolePunchMessage {
        addresses = List.copyOf(addresses);
    }

    static HolePunchMessage connect(List<Multiaddr> addresses) {
        return new HolePunchMessage(Type.CONNECT, addresses);
    }

    static HolePunchMessage sync() {
        return new HolePunchMessage(Type.SYNC, List.of());
    }

    /**
     * A CONNECT with as many of {@code addresses}, in order, as fit in {@link #MAX_BYTES}: a peer
     * with many addresses must not send a message its peer refuses.
     */
    static HolePunchMessage connectWithin(List<Multiaddr> addresses) {
        List<Multiaddr> kept = new ArrayList<>();
        int size = 2; // the type field
        for (Multiaddr a : addresses) {
            int n = a.bytes().length;
            int field = 1 + Varint.size(n) + n;
            if (size + field > MAX_BYTES) {
                break;
            }
            size += field;
            kept.add(a);
        }
        return connect(kept);
    }

    byte[] encode() {
        ProtobufWriter w = new ProtobufWriter().varint(1, type.wire);
        for (Multiaddr a : addresses) {
            w.bytes(2, a.bytes());
        }
        return w.toByteArray();
    }

    /**
     * Decodes one message body.
     *
     * @throws DecodeException if it is over {@link #MAX_BYTES}, lacks its type or has an unknown one
     */
    static HolePunchMessage decode(byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            throw new DecodeException("HolePunch", bytes.length + " bytes is over the limit of " + MAX_BYTES);
        }
        ProtobufReader r = new ProtobufReader(bytes, "HolePunch");
        Type type = null;
        List<Multiaddr> addresses = new ArrayList<>();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> type = Type.of(r.varint());
                case 2 -> {
                    byte[] raw = r.bytes();
                    try {
                        addresses.add(Multiaddr.decode(raw));
                    } catch (DecodeException e) {
                        // one bad address does not spoil the others (go's addrsFromBytes)
                    }
                }
                default -> r.skip();
            }
        }
        if (type == null) {
            throw new DecodeException("HolePunch", "no type (a required field)");
        }
        return new HolePunchMessage(type, addresses);
    }

    /**
     * Reads one message.
     *
     * @throws DecodeException if it is malformed or too long
     * @throws EOFException    if the stream ends first
     */
    static HolePunchMessage read(InputStream in) throws IOException {
        byte[] frame = LengthPrefixed.read(in, MAX_BYTES);
        if (frame == null) {
            throw new EOFException("the stream ended before a HolePunch message");
        }
        return decode(frame);
    }

    void write(OutputStream out) throws IOException {
        LengthPrefixed.write(out, encode());
        out.flush();
    }
}
