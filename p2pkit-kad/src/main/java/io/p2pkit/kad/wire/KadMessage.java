package io.p2pkit.kad.wire;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.protobuf.ProtobufReader;
import io.p2pkit.core.protobuf.ProtobufWriter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One {@code Message} of the Kademlia protocol, request or response.
 *
 * <p>Wire details other implementations depend on: an absent {@code type} is PUT_VALUE (proto3
 * default); {@code clusterLevelRaw} (field 10) is read and ignored; provider keys are multihash
 * bytes; peer entries whose ID does not decode, and addresses that do not decode, are dropped
 * (go does the same) rather than failing the whole message, so a peer speaking a newer multiaddr
 * protocol is still usable. A peer entry's signed peer record (field 4, py-libp2p's
 * {@code signedRecord}) is kept as bytes up to {@link KadPeer#MAX_RECORD_BYTES}; it is verified
 * where it is used. So is the message's {@code senderRecord} (field 11, py-libp2p's: the
 * sender's own signed peer record).
 */
public final class KadMessage {
    /** Most bytes in one message (go's limit is 4 MiB). */
    public static final int MAX_BYTES = 4 * 1024 * 1024;
    /** Most peer entries per list. */
    public static final int MAX_PEERS = 256;
    /** Most addresses kept per peer entry. */
    public static final int MAX_ADDRESSES = 64;
    /** Longest key accepted. */
    public static final int MAX_KEY_BYTES = 1024;

    private final MessageType type;
    private final byte[] key;
    private final KadRecord record;
    private final List<KadPeer> closerPeers;
    private final List<KadPeer> providerPeers;
    private final int clusterLevel;
    private final byte[] senderRecord;

    /** A message; {@code record} may be null. The arrays and lists are copied. */
    public KadMessage(MessageType type, byte[] key, KadRecord record, List<KadPeer> closerPeers,
                      List<KadPeer> providerPeers, int clusterLevel) {
        this(type, key, record, closerPeers, providerPeers, clusterLevel, new byte[0]);
    }

    /**
     * A message with the sender's signed peer record ({@code senderRecord}, field 11, as
     * py-libp2p sends; empty for none). The arrays and lists are copied.
     */
    public KadMessage(MessageType type, byte[] key, KadRecord record, List<KadPeer> closerPeers,
                      List<KadPeer> providerPeers, int clusterLevel, byte[] senderRecord) {
        this.type = Objects.requireNonNull(type, "type");
        this.key = key.clone();
        this.record = record;
        this.closerPeers = List.copyOf(closerPeers);
        this.providerPeers = List.copyOf(providerPeers);
        this.clusterLevel = clusterLevel;
        this.senderRecord = senderRecord.clone();
    }

    /** A request of {@code type} about {@code key}. */
    public static KadMessage request(MessageType type, byte[] key) {
        return new KadMessage(type, key, null, List.of(), List.of(), 0);
    }

    /** The message type. */
    public MessageType type() {
        return type;
    }

    /** The key (a copy); empty when absent. */
    public byte[] key() {
        return key.clone();
    }

    /** The record, if any. */
    public Optional<KadRecord> record() {
        return Optional.ofNullable(record);
    }

    /** Peers closer to the key. */
    public List<KadPeer> closerPeers() {
        return closerPeers;
    }

    /** Providers of the key. */
    public List<KadPeer> providerPeers() {
        return providerPeers;
    }

    /** The deprecated cluster level (read, never used). */
    public int clusterLevel() {
        return clusterLevel;
    }

    /** This message with other closer peers. */
    public KadMessage withCloserPeers(List<KadPeer> peers) {
        return new KadMessage(type, key, record, peers, providerPeers, clusterLevel, senderRecord);
    }

    /** This message with other provider peers. */
    public KadMessage withProviderPeers(List<KadPeer> peers) {
        return new KadMessage(type, key, record, closerPeers, peers, clusterLevel, senderRecord);
    }

    /** This message with a record. */
    public KadMessage withRecord(KadRecord r) {
        return new KadMessage(type, key, r, closerPeers, providerPeers, clusterLevel, senderRecord);
    }

    /** The sender's signed peer record (a marshalled envelope; empty when absent). */
    public byte[] senderRecord() {
        return senderRecord.clone();
    }

    /** Whether the message carries the sender's signed peer record. */
    public boolean hasSenderRecord() {
        return senderRecord.length > 0;
    }

    /** This message with the sender's signed peer record (empty for none). */
    public KadMessage withSenderRecord(byte[] envelope) {
        return new KadMessage(type, key, record, closerPeers, providerPeers, clusterLevel, envelope);
    }

    /** The protobuf encoding (fields in number order; the type always written, even PUT_VALUE's 0). */
    public byte[] encode() {
        ProtobufWriter w = new ProtobufWriter(64 + key.length);
        w.varint(1, type.code());
        if (key.length > 0) {
            w.bytes(2, key);
        }
        if (record != null) {
            ProtobufWriter r = new ProtobufWriter();
            r.bytes(1, record.key());
            r.bytes(2, record.value());
            if (!record.timeReceived().isEmpty()) {
                r.string(5, record.timeReceived());
            }
            w.message(3, r);
        }
        for (KadPeer p : closerPeers) {
            w.message(8, peer(p));
        }
        for (KadPeer p : providerPeers) {
            w.message(9, peer(p));
        }
        if (clusterLevel != 0) {
            w.varint(10, clusterLevel);
        }
        if (senderRecord.length > 0) {
            w.bytes(11, senderRecord);
        }
        return w.toByteArray();
    }

    private static ProtobufWriter peer(KadPeer p) {
        ProtobufWriter w = new ProtobufWriter();
        w.bytes(1, p.peerId().bytes());
        for (Multiaddr a : p.addresses()) {
            w.bytes(2, a.bytes());
        }
        if (p.connection() != ConnectionType.NOT_CONNECTED) {
            w.varint(3, p.connection().ordinal());
        }
        if (p.hasSignedRecord()) {
            w.bytes(4, p.signedRecord());
        }
        return w;
    }

    /**
     * Decodes a message.
     *
     * @throws DecodeException if it is over {@link #MAX_BYTES}, malformed protobuf, has an unknown
     *                         type, a key over {@link #MAX_KEY_BYTES}, or more than {@link #MAX_PEERS}
     *                         entries in a list
     */
    public static KadMessage decode(byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            throw new DecodeException("Message", "message of " + bytes.length + " bytes is over the limit of " + MAX_BYTES);
        }
        ProtobufReader r = new ProtobufReader(bytes, "Message");
        MessageType type = MessageType.PUT_VALUE;
        byte[] key = new byte[0];
        KadRecord record = null;
        List<KadPeer> closer = new ArrayList<>();
        List<KadPeer> providers = new ArrayList<>();
        int clusterLevel = 0;
        byte[] sender = new byte[0];
        int closerSeen = 0;
        int providersSeen = 0;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> type = MessageType.of(r.varint());
                case 2 -> key = checkedKey(r.bytes(), "Message.key");
                case 3 -> record = record(r.message("Record"));
                case 8 -> {
                    if (++closerSeen > MAX_PEERS) {
                        throw new DecodeException("Message.closerPeers", "more than " + MAX_PEERS + " entries");
                    }
                    peer(r.message("Message.Peer")).ifPresent(closer::add);
                }
                case 9 -> {
                    if (++providersSeen > MAX_PEERS) {
                        throw new DecodeException("Message.providerPeers", "more than " + MAX_PEERS + " entries");
                    }
                    peer(r.message("Message.Peer")).ifPresent(providers::add);
                }
                case 10 -> clusterLevel = (int) r.varint();
                case 11 -> {
                    // Like a peer entry's record: one over the cap is dropped, the message kept.
                    byte[] rec = r.bytes();
                    sender = rec.length <= KadPeer.MAX_RECORD_BYTES ? rec : new byte[0];
                }
                default -> r.skip();
            }
        }
        return new KadMessage(type, key, record, closer, providers, clusterLevel, sender);
    }

    private static byte[] checkedKey(byte[] key, String field) {
        if (key.length > MAX_KEY_BYTES) {
            throw new DecodeException(field, "key of " + key.length + " bytes is over the limit of " + MAX_KEY_BYTES);
        }
        return key;
    }

    private static KadRecord record(ProtobufReader r) {
        byte[] key = new byte[0];
        byte[] value = new byte[0];
        String time = "";
        while (r.next()) {
            switch (r.field()) {
                case 1 -> key = checkedKey(r.bytes(), "Record.key");
                case 2 -> value = r.bytes();
                case 5 -> time = r.string();
                default -> r.skip();
            }
        }
        return new KadRecord(key, value, time);
    }

    private static Optional<KadPeer> peer(ProtobufReader r) {
        byte[] id = null;
        List<Multiaddr> addrs = new ArrayList<>();
        ConnectionType conn = ConnectionType.NOT_CONNECTED;
        byte[] signedRecord = new byte[0];
        while (r.next()) {
            switch (r.field()) {
                case 1 -> id = r.bytes();
                case 2 -> {
                    byte[] a = r.bytes();
                    if (addrs.size() < MAX_ADDRESSES) {
                        try {
                            addrs.add(Multiaddr.decode(a));
                        } catch (IllegalArgumentException e) {
                            // an address we cannot read (a newer protocol): the others still help
                        }
                    }
                }
                case 3 -> conn = ConnectionType.of(r.varint());
                case 4 -> {
                    // An oversized record is dropped like an unreadable address; the entry stays.
                    byte[] rec = r.bytes();
                    signedRecord = rec.length <= KadPeer.MAX_RECORD_BYTES ? rec : new byte[0];
                }
                default -> r.skip();
            }
        }
        if (id == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new KadPeer(PeerId.decode(id), addrs, conn, signedRecord));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KadMessage m && type == m.type && Arrays.equals(key, m.key)
                && Objects.equals(record, m.record) && closerPeers.equals(m.closerPeers)
                && providerPeers.equals(m.providerPeers) && clusterLevel == m.clusterLevel
                && Arrays.equals(senderRecord, m.senderRecord);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, Arrays.hashCode(key), record, closerPeers, providerPeers, clusterLevel,
                Arrays.hashCode(senderRecord));
    }

    @Override
    public String toString() {
        return "KadMessage[" + type + " " + RecordKeys.printable(key)
                + (record != null ? " " + record : "")
                + (closerPeers.isEmpty() ? "" : " closer=" + closerPeers.size())
                + (providerPeers.isEmpty() ? "" : " providers=" + providerPeers.size())
                + (senderRecord.length == 0 ? "" : " senderRecord") + "]";
    }
}
