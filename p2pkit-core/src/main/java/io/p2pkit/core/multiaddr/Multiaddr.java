package io.p2pkit.core.multiaddr;

import io.p2pkit.core.DecodeException;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A multiaddr: a self-describing network address such as {@code /ip4/192.0.2.1/tcp/4001/p2p/12D3Koo...},
 * held in its binary form. Immutable; equality is equality of the binary form.
 *
 * <p>Both decoders are strict and bounded: unknown protocols, missing or malformed values,
 * truncated or trailing bytes, anything after a {@code /unix} path, and inputs over
 * {@link #MAX_BYTES} bytes or {@link #MAX_TEXT_LENGTH} characters are rejected with a
 * {@link DecodeException} for field {@code "multiaddr"} (or the protocol's name). The text form of
 * any valid multiaddr fits in {@link #MAX_TEXT_LENGTH} (values expand at most threefold, in
 * percent-encoded {@code http-path}s), so printing and parsing again always works.
 *
 * <p>Only {@link #empty()}, or a {@link #decapsulate} that removes everything, gives an empty
 * multiaddr; it prints as {@code ""} and is not accepted by {@link #parse} or {@link #decode}.
 */
public final class Multiaddr {
    /** The largest binary form accepted. Real addresses, even relayed ones, are under 200 bytes. */
    public static final int MAX_BYTES = 1024;
    /** The longest text form accepted. */
    public static final int MAX_TEXT_LENGTH = 4096;

    private static final Multiaddr EMPTY = new Multiaddr(new byte[0], new Protocol[0], new int[] {0}, new int[0]);

    private final byte[] bytes;
    private final Protocol[] protocols;
    /** Component i spans bytes [starts[i], starts[i + 1]); starts has one more entry than components. */
    private final int[] starts;
    /** Where component i's value begins (after code and length prefix). */
    private final int[] valueStarts;
    private String text;
    private int hash;

    private Multiaddr(byte[] bytes, Protocol[] protocols, int[] starts, int[] valueStarts) {
        this.bytes = bytes;
        this.protocols = protocols;
        this.starts = starts;
        this.valueStarts = valueStarts;
    }

    /** The multiaddr with no components. */
    public static Multiaddr empty() {
        return EMPTY;
    }

    /**
     * Parses the text form. A trailing {@code '/'} is tolerated, as go-multiaddr does; {@code /ipfs}
     * is read as {@code /p2p}.
     *
     * @throws DecodeException if the text is not a valid multiaddr
     */
    public static Multiaddr parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.length() > MAX_TEXT_LENGTH) {
            throw new DecodeException("multiaddr", "text longer than " + MAX_TEXT_LENGTH + " characters");
        }
        if (text.isEmpty() || text.charAt(0) != '/') {
            throw new DecodeException("multiaddr", "must begin with '/': " + Printable.quote(text));
        }
        int end = text.length();
        while (end > 0 && text.charAt(end - 1) == '/') {
            end--;
        }
        if (end == 0) {
            throw new DecodeException("multiaddr", "no components");
        }
        Assembler out = new Assembler();
        int i = 1;
        while (i <= end) {
            int slash = text.indexOf('/', i);
            if (slash < 0 || slash > end) {
                slash = end;
            }
            String name = text.substring(i, slash);
            Protocol p = Protocol.lookup(name);
            if (p == null) {
                throw new DecodeException("multiaddr", "unknown protocol " + Printable.quote(name));
            }
            i = slash + 1;
            if (!p.hasValue()) {
                out.add(p, null);
                continue;
            }
            if (i > end) {
                throw new DecodeException("multiaddr", "missing value for /" + p.name());
            }
            String value;
            if (p.isPath()) {
                value = text.substring(slash, end);
                i = end + 1;
            } else {
                int next = text.indexOf('/', i);
                if (next < 0 || next > end) {
                    next = end;
                }
                value = text.substring(i, next);
                i = next + 1;
            }
            byte[] raw = p.codec().parse(value);
            checkValueSize(p, raw.length);
            p.codec().validate(raw, 0, raw.length);
            out.add(p, raw);
        }
        return out.build();
    }

    /**
     * Decodes the binary form.
     *
     * @throws DecodeException if the bytes are not exactly one valid multiaddr
     */
    public static Multiaddr decode(byte[] input) {
        Objects.requireNonNull(input, "input");
        if (input.length == 0) {
            throw new DecodeException("multiaddr", "no components");
        }
        if (input.length > MAX_BYTES) {
            throw new DecodeException("multiaddr", "longer than " + MAX_BYTES + " bytes: " + input.length);
        }
        byte[] b = input.clone();
        int capacity = 4;
        Protocol[] protos = new Protocol[capacity];
        int[] starts = new int[capacity + 1];
        int[] valueStarts = new int[capacity];
        int n = 0;
        ByteCursor c = new ByteCursor(b, 0, b.length, "multiaddr");
        while (c.hasMore()) {
            if (n > 0 && protos[n - 1].isPath()) {
                throw new DecodeException("multiaddr", "nothing may follow a /" + protos[n - 1].name() + " path");
            }
            int start = c.pos;
            long code = c.readVarint();
            Protocol p = Protocol.lookup(code);
            if (p == null) {
                throw new DecodeException("multiaddr", "unknown protocol code " + code);
            }
            int length;
            if (p.isVariableSize()) {
                long declared = c.readVarint();
                if (declared == 0) {
                    throw new DecodeException("multiaddr", "empty value for /" + p.name());
                }
                if (declared > c.remaining()) {
                    throw new DecodeException("multiaddr", "value of /" + p.name() + " declares " + declared
                            + " bytes, only " + c.remaining() + " left");
                }
                length = (int) declared;
            } else {
                length = p.sizeBits() / 8;
                if (length > c.remaining()) {
                    throw new DecodeException("multiaddr", "value of /" + p.name() + " needs " + length
                            + " bytes, only " + c.remaining() + " left");
                }
            }
            int valueStart = c.pos;
            c.pos += length;
            if (length > 0) {
                p.codec().validate(b, valueStart, length);
            }
            if (n == capacity) {
                capacity *= 2;
                protos = Arrays.copyOf(protos, capacity);
                starts = Arrays.copyOf(starts, capacity + 1);
                valueStarts = Arrays.copyOf(valueStarts, capacity);
            }
            protos[n] = p;
            starts[n] = start;
            valueStarts[n] = valueStart;
            n++;
        }
        starts[n] = b.length;
        return new Multiaddr(b, Arrays.copyOf(protos, n), Arrays.copyOf(starts, n + 1), Arrays.copyOf(valueStarts, n));
    }

    /**
     * The multiaddr of a resolved socket address: {@code /ip4/A/tcp/P}, {@code /ip6/A/udp/P}, with
     * {@code /ip6zone/Z} first for scoped IPv6 addresses. Never looks a name up.
     *
     * @param transport {@code "tcp"} or {@code "udp"}
     * @throws IllegalArgumentException if the address is unresolved or the transport is another
     */
    public static Multiaddr of(InetSocketAddress address, String transport) {
        Objects.requireNonNull(address, "address");
        Protocol t = switch (Objects.requireNonNull(transport, "transport")) {
            case "tcp" -> Protocol.TCP;
            case "udp" -> Protocol.UDP;
            default -> throw new IllegalArgumentException("transport must be tcp or udp, got " + transport);
        };
        InetAddress ip = address.getAddress();
        if (address.isUnresolved() || ip == null) {
            throw new IllegalArgumentException("unresolved address " + address + " (multiaddrs are never looked up here)");
        }
        Assembler out = new Assembler();
        if (ip instanceof Inet6Address v6) {
            String zone = null;
            if (v6.getScopedInterface() != null) {
                zone = v6.getScopedInterface().getName();
            } else if (v6.getScopeId() != 0) {
                zone = Integer.toString(v6.getScopeId());
            }
            if (zone != null) {
                out.add(Protocol.IP6ZONE, Protocol.IP6ZONE.codec().parse(zone));
            }
            out.add(Protocol.IP6, v6.getAddress());
        } else {
            out.add(Protocol.IP4, ip.getAddress());
        }
        int port = address.getPort();
        out.add(t, new byte[] {(byte) (port >>> 8), (byte) port});
        return out.build();
    }

    private static void checkValueSize(Protocol p, int length) {
        if (p.isVariableSize() ? length == 0 : length != p.sizeBits() / 8) {
            throw new DecodeException("multiaddr", "bad value length " + length + " for /" + p.name());
        }
    }

    /** A copy of the binary form. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Number of components. */
    public int size() {
        return protocols.length;
    }

    /** Whether this has no components. */
    public boolean isEmpty() {
        return protocols.length == 0;
    }

    /** The components, in order. */
    public List<Component> components() {
        List<Component> list = new ArrayList<>(protocols.length);
        for (int i = 0; i < protocols.length; i++) {
            list.add(component(i));
        }
        return Collections.unmodifiableList(list);
    }

    /** The component at {@code index}. */
    public Component component(int index) {
        Objects.checkIndex(index, protocols.length);
        return new Component(protocols[index], bytes, valueStarts[index], starts[index + 1] - valueStarts[index]);
    }

    /** The protocols of the components, in order. */
    public List<Protocol> protocols() {
        return List.of(protocols);
    }

    /** Whether some component has this protocol. */
    public boolean hasProtocol(Protocol protocol) {
        return indexOf(protocol.code()) >= 0;
    }

    /** Whether some component has the protocol with this code. */
    public boolean hasProtocol(int code) {
        return indexOf(code) >= 0;
    }

    /** The text value of the first component with this protocol; empty when there is none. */
    public Optional<String> valueForProtocol(Protocol protocol) {
        return valueForProtocol(protocol.code());
    }

    /** The text value of the first component with the protocol of this code; empty when there is none. */
    public Optional<String> valueForProtocol(int code) {
        int i = indexOf(code);
        return i < 0 ? Optional.empty() : Optional.of(valueString(i));
    }

    /** This followed by {@code other}. */
    public Multiaddr encapsulate(Multiaddr other) {
        if (other.isEmpty()) {
            return this;
        }
        if (isEmpty()) {
            return other;
        }
        if (protocols[protocols.length - 1].isPath()) {
            throw new IllegalArgumentException("nothing may follow a /" + protocols[protocols.length - 1].name() + " path");
        }
        int total = bytes.length + other.bytes.length;
        if (total > MAX_BYTES) {
            throw new IllegalArgumentException("result would exceed " + MAX_BYTES + " bytes");
        }
        byte[] b = Arrays.copyOf(bytes, total);
        System.arraycopy(other.bytes, 0, b, bytes.length, other.bytes.length);
        int n = protocols.length;
        int m = other.protocols.length;
        Protocol[] protos = Arrays.copyOf(protocols, n + m);
        System.arraycopy(other.protocols, 0, protos, n, m);
        int[] st = Arrays.copyOf(starts, n + m + 1);
        int[] vs = Arrays.copyOf(valueStarts, n + m);
        for (int k = 0; k < m; k++) {
            st[n + k] = other.starts[k] + bytes.length;
            vs[n + k] = other.valueStarts[k] + bytes.length;
        }
        st[n + m] = total;
        return new Multiaddr(b, protos, st, vs);
    }

    /**
     * This followed by the multiaddr in {@code text}.
     *
     * @throws DecodeException if {@code text} is not a valid multiaddr
     */
    public Multiaddr encapsulate(String text) {
        return encapsulate(parse(text));
    }

    /**
     * Cuts this before the last occurrence of {@code other}'s components, as go-multiaddr does:
     * {@code /ip4/1.2.3.4/tcp/1/ws} without {@code /tcp/1} is {@code /ip4/1.2.3.4}. Returns this
     * when {@code other} does not occur (or is empty), and the empty multiaddr when it occurs first.
     */
    public Multiaddr decapsulate(Multiaddr other) {
        int m = other.protocols.length;
        int n = protocols.length;
        if (m == 0 || m > n) {
            return this;
        }
        for (int i = n - m; i >= 0; i--) {
            if (regionMatches(i, other)) {
                return slice(0, i);
            }
        }
        return this;
    }

    /**
     * Like {@link #decapsulate(Multiaddr)} with a parsed {@code text}.
     *
     * @throws DecodeException if {@code text} is not a valid multiaddr
     */
    public Multiaddr decapsulate(String text) {
        return decapsulate(parse(text));
    }

    /** Cuts this before the last component with the protocol of this code; this when there is none. */
    public Multiaddr decapsulateCode(int code) {
        for (int i = protocols.length - 1; i >= 0; i--) {
            if (protocols[i].code() == code) {
                return slice(0, i);
            }
        }
        return this;
    }

    /** Cuts this before the last component with this protocol; this when there is none. */
    public Multiaddr decapsulate(Protocol protocol) {
        return decapsulateCode(protocol.code());
    }

    /**
     * The text value (base58btc) of the peer ID this multiaddr leads to: the last {@code /p2p}
     * component that is not followed by {@code /p2p-circuit} (in a relayed address without a
     * target, the relay's ID is not the peer's).
     */
    public Optional<String> peerIdString() {
        int i = peerIdIndex();
        return i < 0 ? Optional.empty() : Optional.of(valueString(i));
    }

    /** The multihash bytes of the peer ID found as in {@link #peerIdString()}. */
    public Optional<byte[]> peerIdBytes() {
        int i = peerIdIndex();
        return i < 0 ? Optional.empty() : Optional.of(Arrays.copyOfRange(bytes, valueStarts[i], starts[i + 1]));
    }

    int peerIdIndex() {
        for (int i = protocols.length - 1; i >= 0; i--) {
            if (protocols[i] == Protocol.P2P_CIRCUIT) {
                return -1;
            }
            if (protocols[i] == Protocol.P2P) {
                return i;
            }
        }
        return -1;
    }

    /** This without a final {@code /p2p} component; this when the last component is another. */
    public Multiaddr withoutPeerId() {
        int n = protocols.length;
        return n > 0 && protocols[n - 1] == Protocol.P2P ? slice(0, n - 1) : this;
    }

    /**
     * The socket address of a {@code /ip4|ip6/A/tcp|udp/P} prefix (optionally preceded by
     * {@code /ip6zone/Z}, with Z a numeric scope or a local interface name); empty for any other
     * address. No name is ever looked up.
     */
    public Optional<InetSocketAddress> toSocketAddress() {
        int i = 0;
        int scope = -1;
        NetworkInterface nif = null;
        if (protocols.length > 0 && protocols[0] == Protocol.IP6ZONE) {
            String zone = valueString(0);
            if (zone.chars().allMatch(ch -> ch >= '0' && ch <= '9') && zone.length() <= 9) {
                scope = Integer.parseInt(zone);
            } else {
                try {
                    nif = NetworkInterface.getByName(zone);
                } catch (SocketException e) {
                    return Optional.empty();
                }
                if (nif == null) {
                    return Optional.empty();
                }
            }
            i = 1;
        }
        if (protocols.length < i + 2) {
            return Optional.empty();
        }
        Protocol ip = protocols[i];
        Protocol port = protocols[i + 1];
        if ((port != Protocol.TCP && port != Protocol.UDP) || (i == 1 && ip != Protocol.IP6)) {
            return Optional.empty();
        }
        byte[] addr = Arrays.copyOfRange(bytes, valueStarts[i], starts[i + 1]);
        InetAddress inet;
        try {
            if (ip == Protocol.IP4) {
                inet = InetAddress.getByAddress(addr);
            } else if (ip == Protocol.IP6) {
                // Inet6Address keeps IPv4-mapped addresses as IPv6, unlike InetAddress.getByAddress.
                inet = nif != null ? Inet6Address.getByAddress(null, addr, nif) : Inet6Address.getByAddress(null, addr, scope);
            } else {
                return Optional.empty();
            }
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
        return Optional.of(new InetSocketAddress(inet, PortCodec.read(bytes, valueStarts[i + 1])));
    }

    private boolean regionMatches(int at, Multiaddr other) {
        int len = other.bytes.length;
        int from = starts[at];
        if (starts[protocols.length] - from < len) {
            return false;
        }
        int end = at + other.protocols.length;
        if (starts[end] - from != len) {
            return false;
        }
        return Arrays.equals(bytes, from, from + len, other.bytes, 0, len);
    }

    private Multiaddr slice(int from, int to) {
        if (from == 0 && to == protocols.length) {
            return this;
        }
        if (from == to) {
            return EMPTY;
        }
        int base = starts[from];
        byte[] b = Arrays.copyOfRange(bytes, base, starts[to]);
        Protocol[] protos = Arrays.copyOfRange(protocols, from, to);
        int[] st = new int[to - from + 1];
        int[] vs = new int[to - from];
        for (int k = from; k < to; k++) {
            st[k - from] = starts[k] - base;
            vs[k - from] = valueStarts[k] - base;
        }
        st[to - from] = b.length;
        return new Multiaddr(b, protos, st, vs);
    }

    private int indexOf(int code) {
        for (int i = 0; i < protocols.length; i++) {
            if (protocols[i].code() == code) {
                return i;
            }
        }
        return -1;
    }

    private String valueString(int i) {
        if (!protocols[i].hasValue()) {
            return "";
        }
        return protocols[i].codec().format(bytes, valueStarts[i], starts[i + 1] - valueStarts[i]);
    }

    /** Equal when the binary forms are equal. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Multiaddr m && Arrays.equals(bytes, m.bytes);
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = Arrays.hashCode(bytes);
            hash = h;
        }
        return h;
    }

    /** The canonical text form (cached). */
    @Override
    public String toString() {
        String s = text;
        if (s == null) {
            StringBuilder b = new StringBuilder(bytes.length * 2 + 8);
            for (int i = 0; i < protocols.length; i++) {
                Protocol p = protocols[i];
                b.append('/').append(p.name());
                if (p.hasValue()) {
                    String v = valueString(i);
                    if (!(p.isPath() && v.startsWith("/"))) {
                        b.append('/');
                    }
                    b.append(v);
                }
            }
            s = b.toString();
            text = s;
        }
        return s;
    }

    /** Collects components into the binary form and its index, for text parsing and building. */
    private static final class Assembler {
        private byte[] buf = new byte[32];
        private int len;
        private Protocol[] protos = new Protocol[4];
        private int[] starts = new int[5];
        private int[] valueStarts = new int[4];
        private int n;

        void add(Protocol p, byte[] value) {
            int valueLength = value == null ? 0 : value.length;
            byte[] code = p.codeBytes();
            int need = code.length + (p.isVariableSize() ? io.p2pkit.core.multiformats.Varint.size(valueLength) : 0) + valueLength;
            if (len + need > MAX_BYTES) {
                throw new DecodeException("multiaddr", "binary form would exceed " + MAX_BYTES + " bytes");
            }
            if (len + need > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + need));
            }
            if (n == protos.length) {
                protos = Arrays.copyOf(protos, n * 2);
                starts = Arrays.copyOf(starts, n * 2 + 1);
                valueStarts = Arrays.copyOf(valueStarts, n * 2);
            }
            protos[n] = p;
            starts[n] = len;
            System.arraycopy(code, 0, buf, len, code.length);
            len += code.length;
            if (p.isVariableSize()) {
                len += io.p2pkit.core.multiformats.Varint.write(valueLength, buf, len);
            }
            valueStarts[n] = len;
            if (valueLength > 0) {
                System.arraycopy(value, 0, buf, len, valueLength);
                len += valueLength;
            }
            n++;
        }

        Multiaddr build() {
            int[] st = Arrays.copyOf(starts, n + 1);
            st[n] = len;
            return new Multiaddr(Arrays.copyOf(buf, len), Arrays.copyOf(protos, n), st, Arrays.copyOf(valueStarts, n));
        }
    }
}
