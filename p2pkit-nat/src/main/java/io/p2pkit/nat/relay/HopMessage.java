package io.p2pkit.nat.relay;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.protobuf.ProtobufReader;
import io.p2pkit.core.protobuf.ProtobufWriter;

/**
 * {@code HopMessage}, between a client and the relay on {@code /libp2p/circuit/relay/0.2.0/hop}.
 * Optional parts are null when absent; {@code status} is the wire code, 0 when absent.
 */
record HopMessage(Type type, PeerMessage peer, ReservationMessage reservation, LimitMessage limit, int status) {
    /** The message types; an absent type reads as RESERVE, proto3's zero. */
    enum Type { RESERVE, CONNECT, STATUS }

    static HopMessage reserve() {
        return new HopMessage(Type.RESERVE, null, null, null, 0);
    }

    static HopMessage connect(PeerMessage target) {
        return new HopMessage(Type.CONNECT, target, null, null, 0);
    }

    static HopMessage status(Status status, ReservationMessage reservation, LimitMessage limit) {
        return new HopMessage(Type.STATUS, null, reservation, limit, status.code());
    }

    byte[] encode() {
        ProtobufWriter w = new ProtobufWriter().varint(1, type.ordinal());
        if (peer != null) {
            w.message(2, peer.writer());
        }
        if (reservation != null) {
            w.message(3, reservation.writer());
        }
        if (limit != null) {
            w.message(4, limit.writer());
        }
        if (status != 0) {
            w.varint(5, status);
        }
        return w.toByteArray();
    }

    /**
     * Decodes one message of at most {@link RelayWire#MAX_MESSAGE_BYTES}.
     *
     * @throws DecodeException if it is malformed or of an unknown type
     */
    static HopMessage decode(byte[] bytes) {
        RelayWire.checkSize(bytes, "HopMessage");
        ProtobufReader r = new ProtobufReader(bytes, "HopMessage");
        Type type = Type.RESERVE;
        PeerMessage peer = null;
        ReservationMessage reservation = null;
        LimitMessage limit = null;
        int status = 0;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> type = RelayWire.enumValue(Type.values(), r.varint(), "HopMessage.type");
                case 2 -> peer = PeerMessage.read(r.message("Peer"));
                case 3 -> reservation = ReservationMessage.read(r.message("Reservation"));
                case 4 -> limit = LimitMessage.read(r.message("Limit"));
                case 5 -> status = RelayWire.statusCode(r.varint());
                default -> r.skip();
            }
        }
        return new HopMessage(type, peer, reservation, limit, status);
    }
}
