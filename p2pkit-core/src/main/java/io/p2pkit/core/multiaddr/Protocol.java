package io.p2pkit.core.multiaddr;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One multiaddr protocol: its multicodec code, the size of its value and its text name. The
 * table holds every protocol of the multiaddr registry ({@code protocols.csv}) plus go-multiaddr's
 * {@code plaintextv2}. {@code ipfs} is accepted on input as an alias of {@code p2p}, which is
 * always printed.
 *
 * <p>Deviation from the registry CSV, following go- and rust-multiaddr on the wire:
 * {@code memory} is a fixed 64-bit big-endian value, not length-prefixed.
 *
 * <p>Instances are singletons: compare them with {@code ==} or {@link #equals}.
 */
public final class Protocol {
    /** {@link #sizeBits()} of a protocol whose value is prefixed by its varint length. */
    public static final int VARIABLE = -1;

    private static final List<Protocol> ALL = new ArrayList<>();
    private static final Map<String, Protocol> BY_NAME = new HashMap<>();
    private static final Protocol[] BY_SMALL_CODE = new Protocol[1024];
    private static final Map<Integer, Protocol> BY_LARGE_CODE = new HashMap<>();

    public static final Protocol IP4 = add(4, 32, "ip4", Ip4Codec.INSTANCE);
    public static final Protocol TCP = add(6, 16, "tcp", PortCodec.INSTANCE);
    public static final Protocol DCCP = add(33, 16, "dccp", PortCodec.INSTANCE);
    public static final Protocol IP6 = add(41, 128, "ip6", Ip6Codec.INSTANCE);
    public static final Protocol IP6ZONE = add(42, VARIABLE, "ip6zone", new NameCodec("ip6zone"));
    public static final Protocol IPCIDR = add(43, 8, "ipcidr", CidrCodec.INSTANCE);
    public static final Protocol DNS = add(53, VARIABLE, "dns", new NameCodec("dns"));
    public static final Protocol DNS4 = add(54, VARIABLE, "dns4", new NameCodec("dns4"));
    public static final Protocol DNS6 = add(55, VARIABLE, "dns6", new NameCodec("dns6"));
    public static final Protocol DNSADDR = add(56, VARIABLE, "dnsaddr", new NameCodec("dnsaddr"));
    public static final Protocol SCTP = add(132, 16, "sctp", PortCodec.INSTANCE);
    public static final Protocol UDP = add(273, 16, "udp", PortCodec.INSTANCE);
    public static final Protocol P2P_WEBRTC_STAR = add(275, 0, "p2p-webrtc-star", null);
    public static final Protocol P2P_WEBRTC_DIRECT = add(276, 0, "p2p-webrtc-direct", null);
    public static final Protocol P2P_STARDUST = add(277, 0, "p2p-stardust", null);
    public static final Protocol WEBRTC_DIRECT = add(280, 0, "webrtc-direct", null);
    public static final Protocol WEBRTC = add(281, 0, "webrtc", null);
    public static final Protocol P2P_CIRCUIT = add(290, 0, "p2p-circuit", null);
    public static final Protocol UDT = add(301, 0, "udt", null);
    public static final Protocol UTP = add(302, 0, "utp", null);
    public static final Protocol UNIX = add(400, VARIABLE, "unix", UnixPathCodec.INSTANCE);
    public static final Protocol P2P = add(421, VARIABLE, "p2p", PeerIdCodec.INSTANCE);
    public static final Protocol HTTPS = add(443, 0, "https", null);
    public static final Protocol ONION = add(444, 96, "onion", OnionCodec.V2);
    public static final Protocol ONION3 = add(445, 296, "onion3", OnionCodec.V3);
    public static final Protocol GARLIC64 = add(446, VARIABLE, "garlic64", Garlic64Codec.INSTANCE);
    public static final Protocol GARLIC32 = add(447, VARIABLE, "garlic32", Garlic32Codec.INSTANCE);
    public static final Protocol TLS = add(448, 0, "tls", null);
    public static final Protocol SNI = add(449, VARIABLE, "sni", new NameCodec("sni"));
    public static final Protocol NOISE = add(454, 0, "noise", null);
    public static final Protocol QUIC = add(460, 0, "quic", null);
    public static final Protocol QUIC_V1 = add(461, 0, "quic-v1", null);
    public static final Protocol WEBTRANSPORT = add(465, 0, "webtransport", null);
    public static final Protocol CERTHASH = add(466, VARIABLE, "certhash", CertHashCodec.INSTANCE);
    public static final Protocol WS = add(477, 0, "ws", null);
    public static final Protocol WSS = add(478, 0, "wss", null);
    public static final Protocol P2P_WEBSOCKET_STAR = add(479, 0, "p2p-websocket-star", null);
    public static final Protocol HTTP = add(480, 0, "http", null);
    public static final Protocol HTTP_PATH = add(481, VARIABLE, "http-path", HttpPathCodec.INSTANCE);
    public static final Protocol MEMORY = add(777, 64, "memory", MemoryCodec.INSTANCE);
    public static final Protocol PLAINTEXT_V2 = add(7367777, 0, "plaintextv2", null);

    static {
        BY_NAME.put("ipfs", P2P);
    }

    private final int code;
    private final int sizeBits;
    private final String name;
    private final ValueCodec codec;
    private final byte[] codeBytes;

    private Protocol(int code, int sizeBits, String name, ValueCodec codec) {
        this.code = code;
        this.sizeBits = sizeBits;
        this.name = name;
        this.codec = codec;
        this.codeBytes = io.p2pkit.core.multiformats.Varint.encode(code);
    }

    private static Protocol add(int code, int sizeBits, String name, ValueCodec codec) {
        Protocol p = new Protocol(code, sizeBits, name, codec);
        ALL.add(p);
        BY_NAME.put(name, p);
        if (code < BY_SMALL_CODE.length) {
            BY_SMALL_CODE[code] = p;
        } else {
            BY_LARGE_CODE.put(code, p);
        }
        return p;
    }

    /** The protocol with this multicodec code, if the table has it. */
    public static Optional<Protocol> byCode(long code) {
        return Optional.ofNullable(lookup(code));
    }

    /** The protocol with this text name ({@code ipfs} gives {@link #P2P}), if the table has it. */
    public static Optional<Protocol> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /** Every protocol of the table, in code order of registration. */
    public static List<Protocol> all() {
        return Collections.unmodifiableList(ALL);
    }

    static Protocol lookup(long code) {
        if (code >= 0 && code < BY_SMALL_CODE.length) {
            return BY_SMALL_CODE[(int) code];
        }
        return code > Integer.MAX_VALUE ? null : BY_LARGE_CODE.get((int) code);
    }

    static Protocol lookup(String name) {
        return BY_NAME.get(name);
    }

    /** The multicodec code. */
    public int code() {
        return code;
    }

    /** The canonical text name, as printed in multiaddrs. */
    public String name() {
        return name;
    }

    /** Size of the value in bits: a fixed size, 0 for protocols without value, or {@link #VARIABLE}. */
    public int sizeBits() {
        return sizeBits;
    }

    /** Whether the protocol carries a value. */
    public boolean hasValue() {
        return sizeBits != 0;
    }

    /** Whether the value is prefixed by its varint length in the binary form. */
    public boolean isVariableSize() {
        return sizeBits == VARIABLE;
    }

    /** Whether the value is a path that takes the rest of the text form (only {@code unix}). */
    public boolean isPath() {
        return this == UNIX;
    }

    ValueCodec codec() {
        return codec;
    }

    byte[] codeBytes() {
        return codeBytes;
    }

    /** The text name. */
    @Override
    public String toString() {
        return name;
    }
}
