package io.p2pkit.core.security.noise;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.protobuf.ProtobufReader;
import io.p2pkit.core.protobuf.ProtobufWriter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code NoiseExtensions} message of the libp2p Noise handshake payload:
 * <pre>
 * message NoiseExtensions {
 *     repeated bytes webtransport_certhashes = 1;
 *     repeated string stream_muxers = 2;
 * }
 * </pre>
 * Immutable; byte arrays are copied in and out.
 */
public final class NoiseExtensions {
    /** The most entries accepted in either list; real peers send a handful. */
    public static final int MAX_ENTRIES = 100;
    /** The longest certificate hash (a multihash) accepted. */
    public static final int MAX_CERTHASH_BYTES = 1024;
    /** The longest muxer protocol ID accepted, the multistream-select limit. */
    public static final int MAX_MUXER_LENGTH = 1024;

    private static final NoiseExtensions EMPTY = new NoiseExtensions(List.of(), List.of());

    private final List<byte[]> certhashes;
    private final List<String> streamMuxers;

    private NoiseExtensions(List<byte[]> certhashes, List<String> streamMuxers) {
        this.certhashes = certhashes;
        this.streamMuxers = streamMuxers;
    }

    /** Extensions with the given WebTransport certificate hashes and muxer protocol IDs (in preference order). */
    public static NoiseExtensions of(List<byte[]> webtransportCerthashes, List<String> streamMuxers) {
        if (webtransportCerthashes.size() > MAX_ENTRIES || streamMuxers.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException("more than " + MAX_ENTRIES + " entries");
        }
        List<byte[]> hashes = new ArrayList<>(webtransportCerthashes.size());
        for (byte[] h : webtransportCerthashes) {
            hashes.add(h.clone());
        }
        return new NoiseExtensions(List.copyOf(hashes), List.copyOf(streamMuxers));
    }

    /** Extensions that only offer muxers. */
    public static NoiseExtensions ofMuxers(List<String> streamMuxers) {
        return of(List.of(), streamMuxers);
    }

    /** Extensions with both lists empty. */
    public static NoiseExtensions empty() {
        return EMPTY;
    }

    /** The WebTransport certificate hashes (multihashes), copies. */
    public List<byte[]> webtransportCerthashes() {
        List<byte[]> out = new ArrayList<>(certhashes.size());
        for (byte[] h : certhashes) {
            out.add(h.clone());
        }
        return out;
    }

    /** The muxer protocol IDs, in the sender's preference order. */
    public List<String> streamMuxers() {
        return streamMuxers;
    }

    /** Whether both lists are empty. */
    public boolean isEmpty() {
        return certhashes.isEmpty() && streamMuxers.isEmpty();
    }

    /** The protobuf encoding. */
    public byte[] encode() {
        return writer().toByteArray();
    }

    ProtobufWriter writer() {
        ProtobufWriter w = new ProtobufWriter();
        for (byte[] h : certhashes) {
            w.bytes(1, h);
        }
        for (String m : streamMuxers) {
            w.string(2, m);
        }
        return w;
    }

    /**
     * Decodes the protobuf form, rejecting more than {@link #MAX_ENTRIES} entries per list and
     * over-long entries. Unknown fields are skipped.
     *
     * @throws DecodeException if the bytes are malformed or over a limit
     */
    public static NoiseExtensions decode(byte[] bytes) {
        NoiseExtensions result = EMPTY;
        return result.mergeFrom(new ProtobufReader(bytes, "NoiseExtensions"));
    }

    /** Protobuf merge semantics: a second occurrence of the message appends to the lists. */
    NoiseExtensions mergeFrom(ProtobufReader r) {
        List<byte[]> hashes = new ArrayList<>(certhashes);
        List<String> muxers = new ArrayList<>(streamMuxers);
        while (r.next()) {
            switch (r.field()) {
                case 1 -> {
                    byte[] h = r.bytes();
                    if (h.length > MAX_CERTHASH_BYTES) {
                        throw new DecodeException("NoiseExtensions", "certhash of " + h.length + " bytes is too long");
                    }
                    hashes.add(h);
                }
                case 2 -> {
                    String m = r.string();
                    if (m.length() > MAX_MUXER_LENGTH) {
                        throw new DecodeException("NoiseExtensions", "muxer ID of " + m.length() + " chars is too long");
                    }
                    muxers.add(m);
                }
                default -> r.skip();
            }
            if (hashes.size() > MAX_ENTRIES || muxers.size() > MAX_ENTRIES) {
                throw new DecodeException("NoiseExtensions", "more than " + MAX_ENTRIES + " entries in a list");
            }
        }
        return new NoiseExtensions(List.copyOf(hashes), List.copyOf(muxers));
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof NoiseExtensions other) || other.certhashes.size() != certhashes.size()) {
            return false;
        }
        for (int i = 0; i < certhashes.size(); i++) {
            if (!Arrays.equals(certhashes.get(i), other.certhashes.get(i))) {
                return false;
            }
        }
        return streamMuxers.equals(other.streamMuxers);
    }

    @Override
    public int hashCode() {
        int h = streamMuxers.hashCode();
        for (byte[] c : certhashes) {
            h = 31 * h + Arrays.hashCode(c);
        }
        return h;
    }

    @Override
    public String toString() {
        return "NoiseExtensions[certhashes=" + certhashes.size() + ", streamMuxers=" + streamMuxers + "]";
    }
}
