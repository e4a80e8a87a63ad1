package io.p2pkit.discovery.rendezvous;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.protobuf.ProtobufReader;
import io.p2pkit.core.protobuf.ProtobufWriter;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code Message} protobuf of {@code /rendezvous/1.0.0}: a type and the one sub-message that
 * type names. Optional fields are null when absent. Signed peer records stay raw bytes here;
 * the server and client open them, so that a bad record is answered with a status rather than
 * failing the whole message.
 */
sealed interface RendezvousMessage {
    /** The largest message either side reads, as rust-libp2p: a full discover page fits. */
    int MAX_BYTES = 1024 * 1024;
    /** The most registrations one discover response may carry (the spec's recommended page size). */
    int MAX_REGISTRATIONS = 1000;

    /** {@code REGISTER}, also the form of each registration in a discover response. */
    record Register(String namespace, byte[] signedPeerRecord, Long ttl) implements RendezvousMessage {
        ProtobufWriter body() {
            ProtobufWriter w = new ProtobufWriter();
            if (namespace != null) {
                w.string(1, namespace);
            }
            if (signedPeerRecord != null) {
                w.bytes(2, signedPeerRecord);
            }
            if (ttl != null) {
                w.varint(3, ttl);
            }
            return w;
        }

        static Register read(ProtobufReader r) {
            String ns = null;
            byte[] record = null;
            Long ttl = null;
            while (r.next()) {
                switch (r.field()) {
                    case 1 -> ns = r.string();
                    case 2 -> record = r.bytes();
                    case 3 -> ttl = r.varint();
                    default -> r.skip();
                }
            }
            return new Register(ns, record, ttl);
        }
    }

    /** {@code REGISTER_RESPONSE}: the status and, on success, the granted TTL in seconds. */
    record RegisterResponse(Status status, String statusText, Long ttl) implements RendezvousMessage {
    }

    /** {@code UNREGISTER}; it has no response. */
    record Unregister(String namespace) implements RendezvousMessage {
    }

    /** {@code DISCOVER}: a null namespace asks for all namespaces. */
    record Discover(String namespace, Long limit, byte[] cookie) implements RendezvousMessage {
    }

    /** {@code DISCOVER_RESPONSE}; a missing status is read as {@link Status#OK}. */
    record DiscoverResponse(List<Register> registrations, byte[] cookie, Status status, String statusText)
            implements RendezvousMessage {
        public DiscoverResponse {
            registrations = List.copyOf(registrations);
        }
    }

    /** The protobuf encoding. */
    default byte[] encode() {
        ProtobufWriter w = new ProtobufWriter();
        switch (this) {
            case Register r -> w.varint(1, 0).message(2, r.body());
            case RegisterResponse r -> {
                ProtobufWriter b = new ProtobufWriter().varint(1, r.status().code());
                if (r.statusText() != null) {
                    b.string(2, r.statusText());
                }
                if (r.ttl() != null) {
                    b.varint(3, r.ttl());
                }
                w.varint(1, 1).message(3, b);
            }
            case Unregister u -> {
                ProtobufWriter b = new ProtobufWriter();
                if (u.namespace() != null) {
                    b.string(1, u.namespace());
                }
                w.varint(1, 2).message(4, b);
            }
            case Discover d -> {
                ProtobufWriter b = new ProtobufWriter();
                if (d.namespace() != null) {
                    b.string(1, d.namespace());
                }
                if (d.limit() != null) {
                    b.varint(2, d.limit());
                }
                if (d.cookie() != null) {
                    b.bytes(3, d.cookie());
                }
                w.varint(1, 3).message(5, b);
            }
            case DiscoverResponse d -> {
                ProtobufWriter b = new ProtobufWriter();
                for (Register r : d.registrations()) {
                    b.message(1, r.body());
                }
                if (d.cookie() != null) {
                    b.bytes(2, d.cookie());
                }
                b.varint(3, d.status().code());
                if (d.statusText() != null) {
                    b.string(4, d.statusText());
                }
                w.varint(1, 4).message(6, b);
            }
        }
        return w.toByteArray();
    }

    /**
     * Decodes one message.
     *
     * @throws DecodeException if it is over {@link #MAX_BYTES}, malformed, has no or an unknown
     *                         type, lacks the sub-message its type names, carries an unknown
     *                         status code or more than {@link #MAX_REGISTRATIONS} registrations
     */
    static RendezvousMessage decode(byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            throw new DecodeException("rendezvous", bytes.length + " bytes is over the limit of " + MAX_BYTES);
        }
        ProtobufReader r = new ProtobufReader(bytes, "rendezvous.Message");
        Long type = null;
        // the sub-messages are kept as readers until the type is known; the last one of a field wins
        ProtobufReader[] parts = new ProtobufReader[7];
        while (r.next()) {
            int f = r.field();
            if (f == 1) {
                type = r.varint();
            } else if (f >= 2 && f <= 6) {
                parts[f] = r.message("rendezvous.Message." + f);
            } else {
                r.skip();
            }
        }
        if (type == null) {
            throw new DecodeException("rendezvous", "message without a type");
        }
        if (type < 0 || type > 4) {
            throw new DecodeException("rendezvous", "unknown message type " + Long.toUnsignedString(type));
        }
        int field = (int) (type + 2);
        ProtobufReader body = parts[field];
        if (body == null) {
            throw new DecodeException("rendezvous", "message of type " + type + " without its body (field " + field + ")");
        }
        return switch (type.intValue()) {
            case 0 -> Register.read(body);
            case 1 -> registerResponse(body);
            case 2 -> unregister(body);
            case 3 -> discover(body);
            default -> discoverResponse(body);
        };
    }

    private static RegisterResponse registerResponse(ProtobufReader r) {
        Status status = Status.OK;
        String text = null;
        Long ttl = null;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> status = Status.of(r.varint());
                case 2 -> text = r.string();
                case 3 -> ttl = r.varint();
                default -> r.skip();
            }
        }
        return new RegisterResponse(status, text, ttl);
    }

    private static Unregister unregister(ProtobufReader r) {
        String ns = null;
        while (r.next()) {
            if (r.field() == 1) {
                ns = r.string();
            } else {
                r.skip(); // field 2, the peer ID, is deprecated and ignored
            }
        }
        return new Unregister(ns);
    }

    private static Discover discover(ProtobufReader r) {
        String ns = null;
        Long limit = null;
        byte[] cookie = null;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> ns = r.string();
                case 2 -> limit = r.varint();
                case 3 -> cookie = r.bytes();
                default -> r.skip();
            }
        }
        return new Discover(ns, limit, cookie);
    }

    private static DiscoverResponse discoverResponse(ProtobufReader r) {
        List<Register> registrations = new ArrayList<>();
        byte[] cookie = null;
        Status status = Status.OK;
        String text = null;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> {
                    if (registrations.size() == MAX_REGISTRATIONS) {
                        throw new DecodeException("rendezvous", "more than " + MAX_REGISTRATIONS + " registrations");
                    }
                    registrations.add(Register.read(r.message("rendezvous.Register")));
                }
                case 2 -> cookie = r.bytes();
                case 3 -> status = Status.of(r.varint());
                case 4 -> text = r.string();
                default -> r.skip();
            }
        }
        return new DiscoverResponse(registrations, cookie, status, text);
    }
}
