package io.p2pkit.core.identify;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.protobuf.ProtobufReader;
import io.p2pkit.core.protobuf.ProtobufWriter;

import java.util.ArrayList;
import java.util.List;

/**
 * The identify protobuf: {@code publicKey = 1, listenAddrs = 2, protocols = 3, observedAddr = 4,
 * protocolVersion = 5, agentVersion = 6, signedPeerRecord = 8}. Every field is optional, and a
 * response may come in several messages that are merged ({@link #merge}), as go-libp2p splits
 * large ones. Addresses that do not parse are skipped rather than failing the whole message, as
 * other implementations do; at most {@link #MAX_ADDRESSES} and {@link #MAX_PROTOCOLS} are kept.
 *
 * @param publicKey        the sender's marshalled public key, or null
 * @param listenAddrs      the sender's listen addresses
 * @param protocols        the protocols the sender serves
 * @param observedAddr     our address as the sender sees it, or null
 * @param protocolVersion  for example {@code ipfs/0.1.0}, or null
 * @param agentVersion     for example {@code p2pkit/0.1.0}, or null
 * @param signedPeerRecord a marshalled signed envelope holding the sender's peer record, or null
 */
public record IdentifyMessage(byte[] publicKey, List<Multiaddr> listenAddrs, List<String> protocols,
                              Multiaddr observedAddr, String protocolVersion, String agentVersion,
                              byte[] signedPeerRecord) {
    /** Most listen addresses accepted from one peer. */
    public static final int MAX_ADDRESSES = 128;
    /** Most protocols accepted from one peer. */
    public static final int MAX_PROTOCOLS = 256;

    public IdentifyMessage {
        listenAddrs = List.copyOf(listenAddrs);
        protocols = List.copyOf(protocols);
    }

    /** Encodes the message. */
    public byte[] encode() {
        ProtobufWriter w = new ProtobufWriter(512);
        if (publicKey != null) {
            w.bytes(1, publicKey);
        }
        for (Multiaddr a : listenAddrs) {
            w.bytes(2, a.bytes());
        }
        for (String p : protocols) {
            w.string(3, p);
        }
        if (observedAddr != null) {
            w.bytes(4, observedAddr.bytes());
        }
        if (protocolVersion != null) {
            w.string(5, protocolVersion);
        }
        if (agentVersion != null) {
            w.string(6, agentVersion);
        }
        if (signedPeerRecord != null) {
            w.bytes(8, signedPeerRecord);
        }
        return w.toByteArray();
    }

    /**
     * Decodes one message.
     *
     * @throws DecodeException if the protobuf itself is malformed
     */
    public static IdentifyMessage decode(byte[] bytes) {
        byte[] key = null;
        byte[] record = null;
        List<Multiaddr> addrs = new ArrayList<>();
        List<String> protocols = new ArrayList<>();
        Multiaddr observed = null;
        String protocolVersion = null;
        String agentVersion = null;
        ProtobufReader r = new ProtobufReader(bytes, "Identify");
        while (r.next()) {
            switch (r.field()) {
                case 1 -> key = r.bytes();
                case 2 -> {
                    Multiaddr a = parseOrNull(r.bytes());
                    if (a != null && addrs.size() < MAX_ADDRESSES) {
                        addrs.add(a);
                    }
                }
                case 3 -> {
                    String p = r.string();
                    if (protocols.size() < MAX_PROTOCOLS && !p.isEmpty()) {
                        protocols.add(p);
                    }
                }
                case 4 -> observed = parseOrNull(r.bytes());
                case 5 -> protocolVersion = r.string();
                case 6 -> agentVersion = r.string();
                case 8 -> record = r.bytes();
                default -> r.skip();
            }
        }
        return new IdentifyMessage(key, addrs, protocols, observed, protocolVersion, agentVersion, record);
    }

    /** This message with the fields {@code later} sets added (lists appended, single fields replaced). */
    public IdentifyMessage merge(IdentifyMessage later) {
        List<Multiaddr> addrs = new ArrayList<>(listenAddrs);
        later.listenAddrs.stream().filter(a -> !addrs.contains(a)).limit(Math.max(0, MAX_ADDRESSES - addrs.size()))
                .forEach(addrs::add);
        List<String> protos = new ArrayList<>(protocols);
        later.protocols.stream().filter(p -> !protos.contains(p)).limit(Math.max(0, MAX_PROTOCOLS - protos.size()))
                .forEach(protos::add);
        return new IdentifyMessage(
                later.publicKey != null ? later.publicKey : publicKey, addrs, protos,
                later.observedAddr != null ? later.observedAddr : observedAddr,
                later.protocolVersion != null ? later.protocolVersion : protocolVersion,
                later.agentVersion != null ? later.agentVersion : agentVersion,
                later.signedPeerRecord != null ? later.signedPeerRecord : signedPeerRecord);
    }

    private static Multiaddr parseOrNull(byte[] bytes) {
        try {
            return Multiaddr.decode(bytes);
        } catch (DecodeException e) {
            return null;
        }
    }
}
