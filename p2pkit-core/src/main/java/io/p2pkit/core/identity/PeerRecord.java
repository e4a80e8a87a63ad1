package io.p2pkit.core.identity;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.protobuf.ProtobufReader;
import io.p2pkit.core.protobuf.ProtobufWriter;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A peer record (libp2p RFC 0003): a peer's addresses with a sequence number, carried signed in
 * an {@link Envelope} under domain {@value #DOMAIN} and payload type {@code 0x03 0x01}. A higher
 * sequence number replaces a lower one. Immutable.
 */
public final class PeerRecord {
    /** The envelope domain of peer records. */
    public static final String DOMAIN = "libp2p-peer-record";
    /** The most addresses a record may carry, to bound what a peer can make us hold. */
    public static final int MAX_ADDRESSES = 1024;

    // The multicodec libp2p-peer-record (0x0301) as an unsigned varint.
    private static final byte[] PAYLOAD_TYPE = {0x03, 0x01};
    private static final AtomicLong LAST_SEQ = new AtomicLong();

    private final PeerId peerId;
    private final long seq;
    private final List<Multiaddr> addresses;

    /**
     * @param seq       the sequence number, an unsigned 64-bit value (see {@link #nextSeq()})
     * @param addresses the addresses, in order; at most {@value #MAX_ADDRESSES}
     */
    public PeerRecord(PeerId peerId, long seq, List<Multiaddr> addresses) {
        this.peerId = Objects.requireNonNull(peerId, "peerId");
        this.seq = seq;
        this.addresses = List.copyOf(addresses);
        if (this.addresses.size() > MAX_ADDRESSES) {
            throw new IllegalArgumentException("more than " + MAX_ADDRESSES + " addresses");
        }
    }

    /** The envelope payload type of peer records, {@code 0x03 0x01}; a copy. */
    public static byte[] payloadType() {
        return PAYLOAD_TYPE.clone();
    }

    /**
     * A sequence number from the wall clock in nanoseconds since the epoch, as go-libp2p makes
     * them, but never equal to or below one this JVM handed out before, so that records made in
     * quick succession (or across a clock step back) still supersede each other.
     */
    public static long nextSeq() {
        return nextSeq(Clock.systemUTC());
    }

    /** {@link #nextSeq()} with the time taken from {@code clock}. */
    public static long nextSeq(Clock clock) {
        Instant now = clock.instant();
        long nanos = Math.multiplyExact(now.getEpochSecond(), 1_000_000_000L) + now.getNano();
        return LAST_SEQ.updateAndGet(prev -> Math.max(nanos, prev + 1));
    }

    /** The peer the record describes. */
    public PeerId peerId() {
        return peerId;
    }

    /** The sequence number, unsigned. */
    public long seq() {
        return seq;
    }

    /** The addresses, unmodifiable. */
    public List<Multiaddr> addresses() {
        return addresses;
    }

    /** The record protobuf (the envelope payload): {@code peer_id = 1}, {@code seq = 2}, {@code addresses = 3}. */
    public byte[] marshal() {
        ProtobufWriter w = new ProtobufWriter(64 + 32 * addresses.size())
                .bytes(1, peerId.bytes())
                .varint(2, seq);
        for (Multiaddr a : addresses) {
            w.message(3, new ProtobufWriter().bytes(1, a.bytes()));
        }
        return w.toByteArray();
    }

    /**
     * Decodes a record protobuf without any signature check; use {@link #fromEnvelope} or
     * {@link #open} for records received from others.
     *
     * @throws DecodeException if it is malformed, lacks the peer ID, holds a bad peer ID or
     *                         multiaddr, more than {@value #MAX_ADDRESSES} addresses, or is over
     *                         {@link Envelope#MAX_SIZE}
     */
    public static PeerRecord unmarshal(byte[] bytes) {
        if (bytes == null) {
            throw new DecodeException("PeerRecord", "no bytes");
        }
        if (bytes.length > Envelope.MAX_SIZE) {
            throw new DecodeException("PeerRecord", bytes.length + " bytes is over the limit of " + Envelope.MAX_SIZE);
        }
        ProtobufReader r = new ProtobufReader(bytes, "PeerRecord");
        PeerId peer = null;
        Long seq = null;
        List<Multiaddr> addrs = new ArrayList<>();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> {
                    if (peer != null) {
                        throw new DecodeException("PeerRecord", "peer_id appears twice");
                    }
                    byte[] id = r.bytes();
                    try {
                        peer = PeerId.decode(id);
                    } catch (DecodeException e) {
                        throw new DecodeException("PeerRecord", "bad peer_id: " + e.getMessage(), e);
                    }
                }
                case 2 -> {
                    if (seq != null) {
                        throw new DecodeException("PeerRecord", "seq appears twice");
                    }
                    seq = r.varint();
                }
                case 3 -> {
                    if (addrs.size() == MAX_ADDRESSES) {
                        throw new DecodeException("PeerRecord", "more than " + MAX_ADDRESSES + " addresses");
                    }
                    addrs.add(address(r.message("AddressInfo")));
                }
                default -> r.skip();
            }
        }
        if (peer == null) {
            throw new DecodeException("PeerRecord", "missing peer_id");
        }
        return new PeerRecord(peer, seq == null ? 0 : seq, addrs);
    }

    private static Multiaddr address(ProtobufReader info) {
        byte[] bytes = null;
        while (info.next()) {
            if (info.field() == 1) {
                if (bytes != null) {
                    throw new DecodeException("PeerRecord", "AddressInfo.multiaddr appears twice");
                }
                bytes = info.bytes();
            } else {
                info.skip();
            }
        }
        if (bytes == null) {
            throw new DecodeException("PeerRecord", "AddressInfo without multiaddr");
        }
        try {
            return Multiaddr.decode(bytes);
        } catch (DecodeException e) {
            throw new DecodeException("PeerRecord", "bad address: " + e.getMessage(), e);
        }
    }

    /**
     * Signs the record into an envelope.
     *
     * @throws IllegalArgumentException if {@code key} is not the key of this record's peer
     */
    public Envelope seal(PrivateKey key) {
        if (!key.publicKey().toPeerId().equals(peerId)) {
            throw new IllegalArgumentException("the key of " + key.publicKey().toPeerId()
                    + " cannot sign a record for " + peerId);
        }
        return Envelope.seal(key, DOMAIN, PAYLOAD_TYPE, marshal());
    }

    /**
     * The record inside an envelope that was opened with domain {@value #DOMAIN}.
     *
     * @throws DecodeException if the payload type is not a peer record's, the payload is
     *                         malformed, or the record names a peer other than the signer
     */
    public static PeerRecord fromEnvelope(Envelope envelope) {
        if (!Arrays.equals(envelope.payloadType(), PAYLOAD_TYPE)) {
            throw new DecodeException("PeerRecord", "envelope payload type is not libp2p-peer-record (0x0301)");
        }
        PeerRecord record = unmarshal(envelope.payload());
        if (!record.peerId.equals(envelope.signer())) {
            throw new InvalidSignatureException("PeerRecord", "record for " + record.peerId
                    + " is signed by another peer, " + envelope.signer());
        }
        return record;
    }

    /**
     * Opens a marshalled envelope holding a peer record, as identify's {@code signedPeerRecord}
     * carries it: verifies the signature under {@value #DOMAIN} and that the signer is the peer.
     *
     * @throws DecodeException (or its subtype {@link InvalidSignatureException}) if anything is wrong
     */
    public static PeerRecord open(byte[] envelopeBytes) {
        return fromEnvelope(Envelope.open(envelopeBytes, DOMAIN));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerRecord r && seq == r.seq && peerId.equals(r.peerId) && addresses.equals(r.addresses);
    }

    @Override
    public int hashCode() {
        return Objects.hash(peerId, seq, addresses);
    }

    @Override
    public String toString() {
        return "PeerRecord[" + peerId + ", seq=" + Long.toUnsignedString(seq) + ", " + addresses + "]";
    }
}
