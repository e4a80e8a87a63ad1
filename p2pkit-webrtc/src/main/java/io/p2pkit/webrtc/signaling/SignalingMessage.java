package io.p2pkit.webrtc.signaling;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.protobuf.LengthPrefixed;
import io.p2pkit.core.protobuf.ProtobufReader;
import io.p2pkit.core.protobuf.ProtobufWriter;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;

/**
 * A message of {@code /webrtc-signaling/0.0.1} (libp2p specs {@code webrtc/webrtc.md}):
 * {@code Message { optional Type type = 1; optional string data = 2; }}, varint-length-prefixed.
 * The data is an SDP for offers and answers and {@code RTCIceCandidate.toJSON()} for candidates.
 *
 * @param type what the data is
 * @param data the SDP or the candidate's JSON
 */
public record SignalingMessage(Type type, String data) {
    /** Largest message read (an SDP is a few KiB; a candidate a few hundred bytes). */
    public static final int MAX_MESSAGE = 80 * 1024;

    /** The message types. */
    public enum Type {
        /** An SDP offer (from the dialer of the relayed connection). */
        SDP_OFFER,
        /** An SDP answer. */
        SDP_ANSWER,
        /** A trickled ICE candidate. */
        ICE_CANDIDATE
    }

    /** Checks both are given. */
    public SignalingMessage {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
    }

    /** The protobuf bytes. */
    public byte[] encode() {
        // proto3 optional: the type is written even when it is SDP_OFFER (0), as js-libp2p writes it
        return new ProtobufWriter().varint(1, type.ordinal()).string(2, data).toByteArray();
    }

    /**
     * Decodes protobuf bytes; a missing type is SDP_OFFER (proto3's default) and missing data empty.
     *
     * @throws DecodeException if malformed or of an unknown type
     */
    public static SignalingMessage decode(byte[] bytes) {
        ProtobufReader r = new ProtobufReader(bytes, "webrtc-signaling Message");
        long type = 0;
        String data = "";
        while (r.next()) {
            switch (r.field()) {
                case 1 -> type = r.varint();
                case 2 -> data = r.string();
                default -> r.skip();
            }
        }
        if (type < 0 || type >= Type.values().length) {
            throw new DecodeException("type", "unknown signaling message type " + type);
        }
        return new SignalingMessage(Type.values()[(int) type], data);
    }

    /** Writes this message with its length prefix. */
    public void writeTo(OutputStream out) throws IOException {
        LengthPrefixed.write(out, encode());
        out.flush();
    }

    /**
     * Reads one message of at most {@link #MAX_MESSAGE} bytes; null when the stream ended cleanly.
     *
     * @throws DecodeException if it is too long or malformed
     */
    public static SignalingMessage read(InputStream in) throws IOException {
        byte[] bytes = LengthPrefixed.read(in, MAX_MESSAGE);
        return bytes == null ? null : decode(bytes);
    }
}
