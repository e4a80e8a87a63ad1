package io.p2pkit.pubsub;

import io.p2pkit.core.identity.PeerId;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * A message as it travels in an RPC's {@code publish} field. Every field but the topic is
 * optional on the wire: {@code from}, {@code seqno}, {@code signature} and {@code key} are present
 * or absent together according to the signature policy. Absent fields are null here, never empty
 * arrays, so that re-encoding (which signatures are computed over) gives the same bytes.
 */
public final class PubsubMessage {
    private final byte[] from;
    private final byte[] data;
    private final byte[] seqno;
    private final String topic;
    private final byte[] signature;
    private final byte[] key;
    /**
     * The wire form, encoded once on first use and shared by every RPC that carries this message
     * (a node forwards each message to several peers). Volatile so that a reader on another
     * thread sees the whole array.
     */
    private volatile byte[] encoded;
    /** The decoded {@code from}, once asked for (null: not yet, or absent). */
    private volatile PeerId author;

    /** A message; null means "field absent". Arrays are copied. */
    public PubsubMessage(byte[] from, byte[] data, byte[] seqno, String topic, byte[] signature, byte[] key) {
        this(copy(from), copy(data), copy(seqno), topic, copy(signature), copy(key), true);
    }

    /** A message taking ownership of the arrays (the codec's freshly decoded ones, or this class's own). */
    private PubsubMessage(byte[] from, byte[] data, byte[] seqno, String topic, byte[] signature, byte[] key,
                          boolean owned) { // owned: only sets this constructor apart from the public one
        this.from = from;
        this.data = data;
        this.seqno = seqno;
        this.topic = Objects.requireNonNull(topic, "topic");
        this.signature = signature;
        this.key = key;
    }

    /** A message over arrays nobody else holds (the decoder's), without copying them. */
    static PubsubMessage owning(byte[] from, byte[] data, byte[] seqno, String topic, byte[] signature, byte[] key) {
        return new PubsubMessage(from, data, seqno, topic, signature, key, true);
    }

    /** An unsigned message with only a topic and data, as the strict-no-sign policy sends. */
    public static PubsubMessage anonymous(String topic, byte[] data) {
        return new PubsubMessage(null, data, null, topic, null, null);
    }

    private static byte[] copy(byte[] b) {
        return b == null ? null : b.clone();
    }

    /** The author's peer ID bytes, or null. */
    public byte[] from() {
        return copy(from);
    }

    /** The author, if the {@code from} field is present and a valid peer ID. */
    public Optional<PeerId> author() {
        if (from == null) {
            return Optional.empty();
        }
        PeerId a = author;
        if (a == null) {
            try {
                a = PeerId.decode(from);
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
            author = a;
        }
        return Optional.of(a);
    }

    /** The payload; empty when the field is absent. */
    public byte[] data() {
        return data == null ? new byte[0] : data.clone();
    }

    /** Whether the data field is present on the wire. */
    public boolean hasData() {
        return data != null;
    }

    /** The sequence number bytes, or null. */
    public byte[] seqno() {
        return copy(seqno);
    }

    /** The topic. */
    public String topic() {
        return topic;
    }

    /** The signature, or null. */
    public byte[] signature() {
        return copy(signature);
    }

    /** The author's public key in protobuf form when it cannot be read from the peer ID, or null. */
    public byte[] key() {
        return copy(key);
    }

    /** The payload size in bytes. */
    public int dataLength() {
        return data == null ? 0 : data.length;
    }

    /** This message without signature and key: what the signature covers. */
    public PubsubMessage unsigned() {
        return new PubsubMessage(from, data, seqno, topic, null, null, true);
    }

    /** This message with a signature and (possibly null) key. */
    public PubsubMessage withSignature(byte[] signature, byte[] key) {
        return new PubsubMessage(from, data, seqno, topic, copy(signature), copy(key), true);
    }

    /** The wire form (shared: callers must not modify it), encoded on first use. */
    byte[] encoded() {
        byte[] e = encoded;
        if (e == null) {
            e = RpcCodec.encodeFields(this);
            encoded = e; // a race encodes twice, to equal bytes
        }
        return e;
    }

    // Raw accessors without copies, for the codec in this package.
    byte[] rawFrom() {
        return from;
    }

    byte[] rawData() {
        return data;
    }

    byte[] rawSeqno() {
        return seqno;
    }

    byte[] rawSignature() {
        return signature;
    }

    byte[] rawKey() {
        return key;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PubsubMessage m && topic.equals(m.topic) && Arrays.equals(from, m.from)
                && Arrays.equals(data, m.data) && Arrays.equals(seqno, m.seqno)
                && Arrays.equals(signature, m.signature) && Arrays.equals(key, m.key);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, Arrays.hashCode(from), Arrays.hashCode(data), Arrays.hashCode(seqno),
                Arrays.hashCode(signature), Arrays.hashCode(key));
    }

    @Override
    public String toString() {
        HexFormat hex = HexFormat.of();
        return "PubsubMessage[topic=" + topic + ", from=" + author().map(PeerId::toString).orElse("-")
                + ", seqno=" + (seqno == null ? "-" : hex.formatHex(seqno)) + ", " + dataLength() + " bytes"
                + (signature == null ? "" : ", signed") + "]";
    }
}
