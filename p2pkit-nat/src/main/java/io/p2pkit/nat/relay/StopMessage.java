package io.p2pkit.nat.relay;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.protobuf.ProtobufReader;
import io.p2pkit.core.protobuf.ProtobufWriter;

/**
 * {@code StopMessage}, from the relay to the target on {@code /libp2p/circuit/relay/0.2.0/stop}
 * and back. Optional parts are null when absent; {@code status} is the wire code, 0 when absent.
 */
record StopMessage(Type type, PeerMessage peer, LimitMessage limit, int status) {
    /** The message types; an absent type reads as CONNECT, proto3's zero. */
    enum Type { CONNECT, STATUS }

    static StopMessage connect(PeerMessage initiator, LimitMessage limit) {
        return new StopMessage(Type.CONNECT, initiator, limit, 0);
    }

    static StopMessage status(Status status) {
        return new StopMessage(Type.STATUS, null, null, status.code());
    }

    byte[] encode() {
        ProtobufWriter w = new ProtobufWriter().varint(1, type.ordinal());
        if (peer != null) {
            w.message(2, peer.writer());
        }
        if (limit != null) {
            w.message(3, limit.writer());
        }
        if (status != 0) {
            w.varint(4, status);
        }
        return w.toByteArray();
    }

    /**
     * Decodes one message of at most {@link RelayWire#MAX_MESSAGE_BYTES}.
     *
     * @throws DecodeException if it is malformed or of an unknown type
     */
    static StopMessage decode(byte[] bytes) {
        RelayWire.checkSize(bytes, "StopMessage");
        ProtobufReader r = new ProtobufReader(bytes, "StopMessage");
        Type type = Type.CONNECT;
        PeerMessage peer = null;
        LimitMessage limit = null;
        int status = 0;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> type = RelayWire.enumValue(Type.values(), r.varint(), "StopMessage.type");
                case 2 -> peer = PeerMessage.read(r.message("Peer"));
                case 3 -> limit = LimitMessage.read(r.message("Limit"));
                case 4 -> status = RelayWire.statusCode(r.varint());
                default -> r.skip();
            }
        }
        return new StopMessage(type, peer, limit, status);
    }
}
