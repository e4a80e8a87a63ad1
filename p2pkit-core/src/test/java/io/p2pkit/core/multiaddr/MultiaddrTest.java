package io.p2pkit.core.multiaddr;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiformats.Base58;
import io.p2pkit.testing.Vectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MultiaddrTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final String ED_PEER = "12D3KooWCryG7Mon9orvQxcS1rYZjotPgpwoJNHHKcLLfE4Hf5mV";
    private static final String RSA_PEER = "QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC";

    private static Multiaddr ma(String s) {
        return Multiaddr.parse(s);
    }

    @Test
    void protocolTableMatchesRegistry() {
        int rows = 0;
        for (String line : Vectors.lines("multiformats-multiaddr/protocols.csv")) {
            String[] f = line.split(",", 4);
            if (f.length < 3 || f[0].trim().equals("code")) {
                continue;
            }
            int code = Integer.parseInt(f[0].trim());
            String size = f[1].trim();
            String name = f[2].trim();
            Protocol p = Protocol.byName(name).orElseThrow(() -> new AssertionError("missing " + name));
            assertEquals(code, p.code(), name);
            assertSame(p, Protocol.byCode(code).orElseThrow());
            if (name.equals("memory")) {
                assertEquals(64, p.sizeBits(), "memory is a fixed u64 on the wire, as in go and rust");
            } else if (size.equals("V")) {
                assertTrue(p.isVariableSize(), name);
            } else {
                assertEquals(Integer.parseInt(size), p.sizeBits(), name);
            }
            rows++;
        }
        assertEquals(41, rows);
        assertSame(Protocol.P2P, Protocol.byName("ipfs").orElseThrow());
        assertEquals("p2p", Protocol.P2P.name());
        assertTrue(Protocol.byName("nope").isEmpty());
        assertTrue(Protocol.byCode(12345).isEmpty());
        assertTrue(Protocol.byCode(-1).isEmpty());
    }

    @ParameterizedTest
    @CsvSource({
            "/ip4/192.0.2.42/tcp/443, 04c000022a0601bb",
            "/ip6/::1/udp/4001/quic-v1, 29000000000000000000000000000000019102 0fa1cd03",
            "/dns4/example.com/tcp/80/ws, 360b6578616d706c652e636f6d060050dd03",
            "/memory/4, 8906 0000000000000004",
            "/ip4/127.0.0.1/tcp/443/tls/sni/example.com/http, 047f0000010601bbc003c1030b6578616d706c652e636f6de003",
    })
    void knownEncodings(String text, String hex) {
        byte[] bytes = HEX.parseHex(hex.replace(" ", ""));
        assertArrayEquals(bytes, ma(text).bytes());
        assertEquals(text, Multiaddr.decode(bytes).toString());
    }

    @ParameterizedTest
    @CsvSource({
            "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
            "2001:0db8:0000:0000:0000:0000:0000:0001, 2001:db8::1",
            "2001:DB8::1, 2001:db8::1",
            "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
            "1:0:0:2:3:0:0:4, 1::2:3:0:0:4",
            "1:0:0:2:0:0:0:3, 1:0:0:2::3",
            "0:0:0:0:0:0:0:0, ::",
            "::, ::",
            "1::, 1::",
            "::2:3:4:5:6:7:8, 0:2:3:4:5:6:7:8",
            "1:2:3:4:5:6:7::, 1:2:3:4:5:6:7:0",
            "::ffff:192.0.2.1, ::ffff:192.0.2.1",
            "::ffff:c000:0201, ::ffff:192.0.2.1",
            "::192.0.2.1, ::c000:201",
            "64:ff9b::192.0.2.33, 64:ff9b::c000:221",
            "1:2:3:4:5:6:1.2.3.4, 1:2:3:4:5:6:102:304",
            "fe80::1, fe80::1",
    })
    void ip6TextForms(String input, String canonical) {
        Multiaddr m = ma("/ip6/" + input);
        assertEquals("/ip6/" + canonical, m.toString());
        assertEquals(m, ma("/ip6/" + canonical));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            ":::", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "::g", "1:", ":1", "1:2:3:4:5:6:7:8::",
            "fe80::1%eth0", "::1.2.3", "::1.2.3.4.5", "[::1]", "1:2:3:4:5:6:7:1.2.3.4", "::01.2.3.4", ":", "::-1",
            "１::", "::ffff:1.2.3.4:1", "1::2:", "localhost"
    })
    void ip6Rejects(String input) {
        assertThrows(DecodeException.class, () -> ma("/ip6/" + input));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.04", "1..2.3", "1.2.3.", ".1.2.3",
            "1.2.3.4 ", "+1.2.3.4", "::ffff:1.2.3.4", "١.2.3.4", "1.2.3.1000"})
    void ip4Rejects(String input) {
        assertThrows(DecodeException.class, () -> ma("/ip4/" + input));
    }

    @Test
    void numbers() {
        assertEquals("/tcp/65535", ma("/tcp/65535").toString());
        assertEquals("/tcp/80", ma("/tcp/0080").toString(), "leading zeros accepted as in go, printed canonically");
        assertThrows(DecodeException.class, () -> ma("/tcp/+80"));
        assertThrows(DecodeException.class, () -> ma("/tcp/"));
        assertThrows(DecodeException.class, () -> ma("/tcp/99999999999999999999999"));
        assertEquals("/memory/18446744073709551615", ma("/memory/18446744073709551615").toString());
        assertThrows(DecodeException.class, () -> ma("/memory/18446744073709551616"));
        assertEquals("/ip4/10.0.0.0/ipcidr/255", ma("/ip4/10.0.0.0/ipcidr/255").toString());
        assertThrows(DecodeException.class, () -> ma("/ip4/10.0.0.0/ipcidr/256"));
    }

    @Test
    void textValues() {
        assertEquals("/unix/tmp/a b/c.sock", ma("/unix/tmp/a b/c.sock/").toString());
        assertEquals("/tmp/a b/c.sock", ma("/unix/tmp/a b/c.sock").valueForProtocol(Protocol.UNIX).orElseThrow());
        assertEquals("/dns/bücher.example/tcp/1", ma("/dns/bücher.example/tcp/1").toString());
        Multiaddr path = ma("/http-path/a%20b+c%2Fd~e");
        assertArrayEquals("a b c/d~e".getBytes(), path.component(0).value());
        assertEquals("/http-path/a+b+c%2Fd~e", path.toString());
        assertThrows(DecodeException.class, () -> ma("/http-path/%2"));
        assertThrows(DecodeException.class, () -> ma("/http-path/%zz"));
        assertEquals("/ip6zone/eth0/ip6/fe80::1", ma("/ip6zone/eth0/ip6/fe80::1").toString());
        assertArrayEquals(HEX.parseHex("2a04657468302900000000000000000000000000000001"),
                ma("/ip6zone/eth0/ip6/::1").bytes());
    }

    @Test
    void certhashPrintsBase64Url() {
        Multiaddr m = ma("/ip4/127.0.0.1/udp/1234/quic-v1/webtransport/certhash/b2uaraocy6yrdblb4sfptaddgimjmmpy"
                + "/certhash/zQmbWTwYGcmdyK9CYfNBcfs9nhZs17a6FQ4Y8oea278xx41");
        List<Component> hashes = m.components().stream().filter(c -> c.protocol() == Protocol.CERTHASH).toList();
        assertEquals(2, hashes.size());
        for (Component c : hashes) {
            assertTrue(c.valueString().startsWith("u"), c.valueString());
        }
        assertEquals(m, ma(m.toString()));
        assertThrows(DecodeException.class, () -> ma("/certhash/notmultibase!"));
        // A multibase string whose bytes are not a multihash (length byte says 5, 1 byte follows).
        assertThrows(DecodeException.class, () -> ma("/certhash/f120501"));
    }

    @Test
    void peerIdTextForms() {
        String cidV1 = "bafzaajaiaejcalj543iwv2d7pkjt7ykvefrkfu7qjfi6sduakhso4lay6abn2d5u";
        String base36 = "k51qzi5uqu5dhb6l8spkdx7yxafegfkee5by8h7lmjh2ehc2sgg34z7c15vzqs";
        String fromCid = ma("/p2p/" + cidV1).toString();
        assertTrue(fromCid.startsWith("/p2p/12D3Koo") || fromCid.startsWith("/p2p/Qm"), fromCid);
        assertEquals(ma("/p2p/" + base36).toString().substring(5), Base58.encode(ma("/p2p/" + base36).component(0).value()));
        assertEquals("/p2p/" + ED_PEER, ma("/ipfs/" + ED_PEER).toString());
        assertEquals("/p2p/" + RSA_PEER, ma("/p2p/" + RSA_PEER).toString());
        // A CIDv1 with codec dag-pb is not a peer ID.
        assertThrows(DecodeException.class, () -> ma("/p2p/bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"));
        // Not a multihash at all.
        assertThrows(DecodeException.class, () -> ma("/p2p/11111"));
        // A sha2-512 multihash is not a peer ID.
        byte[] sha512 = new byte[66];
        sha512[0] = 0x13;
        sha512[1] = 64;
        assertThrows(DecodeException.class, () -> ma("/p2p/" + Base58.encode(sha512)));
        // Identity peer IDs inline keys of at most 42 bytes (peer-id spec).
        byte[] identity43 = new byte[45];
        identity43[1] = 43;
        assertThrows(DecodeException.class, () -> ma("/p2p/" + Base58.encode(identity43)));
        byte[] identity42 = new byte[44];
        identity42[1] = 42;
        assertEquals("/p2p/" + Base58.encode(identity42), ma("/p2p/" + Base58.encode(identity42)).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "/", "//", "ip4/1.2.3.4", "/ip4/1.2.3.4//tcp/1", "/nope", "/ip4", "/tcp/1/udp", "/dns", "/dns/", "/sni//tcp/1",
            "/p2p-circuit/x", "/unix", "/unix/", "/ip6zone//ip6/::1", "/garlic32/ABCD"
    })
    void textRejects(String text) {
        DecodeException e = assertThrows(DecodeException.class, () -> ma(text));
        assertTrue(e.getMessage().length() < 300, "messages stay short");
    }

    @Test
    void textCap() {
        String longName = "/dns/" + "a".repeat(Multiaddr.MAX_TEXT_LENGTH);
        assertThrows(DecodeException.class, () -> ma(longName));
        String manyBytes = "/dns/" + "a".repeat(Multiaddr.MAX_BYTES);
        assertThrows(DecodeException.class, () -> ma(manyBytes));
        String fits = "/dns/" + "a".repeat(Multiaddr.MAX_BYTES - 3);
        assertEquals(Multiaddr.MAX_BYTES, ma(fits).bytes().length);
        // The largest percent-encoded value still prints within the text cap.
        byte[] raw = new byte[Multiaddr.MAX_BYTES];
        byte[] code = io.p2pkit.core.multiformats.Varint.encode(Protocol.HTTP_PATH.code());
        int at = 0;
        System.arraycopy(code, 0, raw, 0, code.length);
        at += code.length;
        int valueLength = Multiaddr.MAX_BYTES - code.length - 2;
        at += io.p2pkit.core.multiformats.Varint.write(valueLength, raw, at);
        java.util.Arrays.fill(raw, at, raw.length, (byte) '/');
        Multiaddr big = Multiaddr.decode(raw);
        assertTrue(big.toString().length() <= Multiaddr.MAX_TEXT_LENGTH);
        assertEquals(big, ma(big.toString()));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "00", "ff", "04c00002", "04c000022a06", "04c000022a0601bb00", "8080808080808080808001",
            "8400", // non-minimal varint code 4
            "3600", // dns with empty value
            "3605616263", // dns length 5, 3 bytes present
            "36022f61", // dns containing '/'
            "3602c328", // dns not UTF-8
            "9003022f610600 50", // unix then tcp
            "900301 61", // unix path without leading slash
            "a50322 1220", // p2p multihash truncated
            "2a00",
            "bc03aaaaaaaaaaaaaaaaaaaa0000", // onion with port 0
            "be0301 00", // garlic64 too short
            "e10300", // http-path empty
    })
    void binaryRejects(String hex) {
        assertThrows(DecodeException.class, () -> Multiaddr.decode(HEX.parseHex(hex.replace(" ", ""))));
    }

    @Test
    void binaryCap() {
        byte[] big = new byte[Multiaddr.MAX_BYTES + 2];
        java.util.Arrays.fill(big, (byte) 0xCC); // tls, tls, tls... valid except for size (0xcc 0x03)
        for (int i = 0; i < big.length; i += 2) {
            big[i] = (byte) 0xC0;
            big[i + 1] = 0x03;
        }
        assertThrows(DecodeException.class, () -> Multiaddr.decode(big));
        assertEquals(Multiaddr.MAX_BYTES / 2, Multiaddr.decode(java.util.Arrays.copyOf(big, Multiaddr.MAX_BYTES)).size());
    }

    @Test
    void encapsulateAndDecapsulate() {
        Multiaddr udp = ma("/ip4/127.0.0.1/udp/1234");
        Multiaddr sctp = ma("/sctp/5678");
        Multiaddr both = udp.encapsulate(sctp);
        assertEquals("/ip4/127.0.0.1/udp/1234/sctp/5678", both.toString());
        assertEquals(both, Multiaddr.decode(both.bytes()));
        assertEquals(both, udp.encapsulate("/sctp/5678"));
        assertEquals(udp, both.decapsulate(sctp));
        assertEquals(udp, both.decapsulate("/sctp/5678"));
        assertEquals("/ip4/127.0.0.1", both.decapsulate(Protocol.UDP).toString());
        assertEquals("/ip4/127.0.0.1", both.decapsulateCode(273).toString());
        assertSame(both, both.decapsulate("/tcp/1"));
        assertSame(both, both.decapsulate(Protocol.TCP));
        assertTrue(both.decapsulate(Protocol.IP4).isEmpty());
        assertTrue(both.decapsulate(both).isEmpty());
        assertEquals("", both.decapsulate(both).toString());
        assertSame(both, both.decapsulate(Multiaddr.empty()));
        assertSame(both, both.encapsulate(Multiaddr.empty()));
        assertSame(both, Multiaddr.empty().encapsulate(both));

        // The last occurrence is cut, as in go-multiaddr.
        Multiaddr twice = ma("/ip4/1.2.3.4/tcp/80/ip4/5.6.7.8/tcp/80");
        assertEquals("/ip4/1.2.3.4/tcp/80/ip4/5.6.7.8", twice.decapsulate("/tcp/80").toString());
        assertEquals("/ip4/1.2.3.4/tcp/80", twice.decapsulate(Protocol.IP4).toString());
        // A sequence must match whole components in order.
        assertSame(twice, twice.decapsulate("/tcp/80/ip4/1.2.3.4"));
        assertEquals("/ip4/1.2.3.4", twice.decapsulate("/tcp/80/ip4/5.6.7.8").toString());

        Multiaddr unix = ma("/ip4/1.2.3.4/unix/tmp/x");
        assertThrows(IllegalArgumentException.class, () -> unix.encapsulate("/tcp/1"));
    }

    @Test
    void valueForProtocolAndHasProtocol() {
        Multiaddr m = ma("/ip4/1.2.3.4/tcp/80/ip4/5.6.7.8/tcp/81/ws");
        assertEquals(Optional.of("1.2.3.4"), m.valueForProtocol(Protocol.IP4));
        assertEquals(Optional.of("80"), m.valueForProtocol(6));
        assertEquals(Optional.of(""), m.valueForProtocol(Protocol.WS));
        assertEquals(Optional.empty(), m.valueForProtocol(Protocol.UDP));
        assertTrue(m.hasProtocol(Protocol.WS));
        assertTrue(m.hasProtocol(4));
        assertFalse(m.hasProtocol(Protocol.WSS));
        assertEquals(List.of(Protocol.IP4, Protocol.TCP, Protocol.IP4, Protocol.TCP, Protocol.WS), m.protocols());
        assertEquals(5, m.size());
    }

    @Test
    void peerIdExtraction() {
        Multiaddr plain = ma("/ip4/1.2.3.4/tcp/4001/p2p/" + ED_PEER);
        assertEquals(Optional.of(ED_PEER), plain.peerIdString());
        assertEquals(PeerId.parse(ED_PEER), plain.peerId().orElseThrow());
        assertEquals(Optional.empty(), ma("/ip4/1.2.3.4").peerId());
        assertArrayEquals(Base58.decode(ED_PEER), plain.peerIdBytes().orElseThrow());
        assertEquals("/ip4/1.2.3.4/tcp/4001", plain.withoutPeerId().toString());
        Multiaddr noPeer = ma("/ip4/1.2.3.4/tcp/4001");
        assertEquals(Optional.empty(), noPeer.peerIdString());
        assertSame(noPeer, noPeer.withoutPeerId());

        Multiaddr relayed = ma("/ip4/1.2.3.4/tcp/4001/p2p/" + RSA_PEER + "/p2p-circuit/p2p/" + ED_PEER);
        assertEquals(Optional.of(ED_PEER), relayed.peerIdString());
        assertEquals(PeerId.parse(ED_PEER), relayed.peerId().orElseThrow());
        assertEquals("/ip4/1.2.3.4/tcp/4001/p2p/" + RSA_PEER + "/p2p-circuit", relayed.withoutPeerId().toString());
        // The relay's ID is not the ID of the peer behind a circuit.
        assertEquals(Optional.empty(), relayed.withoutPeerId().peerIdString());

        Multiaddr withPath = ma("/ip4/127.0.0.1/tcp/0/p2p/" + ED_PEER + "/http-path/foo");
        assertEquals(Optional.of(ED_PEER), withPath.peerIdString());
        assertSame(withPath, withPath.withoutPeerId());
    }

    @Test
    void socketAddresses() throws Exception {
        InetSocketAddress v4 = new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 4001);
        Multiaddr m4 = Multiaddr.of(v4, "tcp");
        assertEquals("/ip4/127.0.0.1/tcp/4001", m4.toString());
        assertEquals(Optional.of(v4), m4.toSocketAddress());
        assertEquals(Optional.of(v4), ma("/ip4/127.0.0.1/tcp/4001/p2p/" + ED_PEER).toSocketAddress());

        byte[] loop6 = new byte[16];
        loop6[15] = 1;
        InetSocketAddress v6 = new InetSocketAddress(Inet6Address.getByAddress(null, loop6, -1), 9);
        Multiaddr m6 = Multiaddr.of(v6, "udp");
        assertEquals("/ip6/::1/udp/9", m6.toString());
        assertEquals(Optional.of(v6), ma("/ip6/::1/udp/9/quic-v1").toSocketAddress());

        InetSocketAddress scoped = new InetSocketAddress(Inet6Address.getByAddress(null, loop6, 3), 9);
        Multiaddr zoned = Multiaddr.of(scoped, "tcp");
        assertEquals("/ip6zone/3/ip6/::1/tcp/9", zoned.toString());
        assertEquals(Optional.of(scoped), zoned.toSocketAddress());

        InetSocketAddress mapped = ma("/ip6/::ffff:10.0.0.1/tcp/1").toSocketAddress().orElseThrow();
        assertTrue(mapped.getAddress() instanceof Inet6Address, "IPv4-mapped stays IPv6");
        assertTrue(ma("/ip4/10.0.0.1/tcp/1").toSocketAddress().orElseThrow().getAddress() instanceof Inet4Address);

        for (String other : new String[] {"/dns4/example.com/tcp/1", "/ip4/1.2.3.4", "/ip4/1.2.3.4/sctp/1",
                "/tcp/1", "/ip6zone/x/ip4/1.2.3.4/tcp/1", "/ip6zone/no-such-interface-xyz/ip6/::1/tcp/1"}) {
            assertEquals(Optional.empty(), ma(other).toSocketAddress(), other);
        }
        assertThrows(IllegalArgumentException.class, () -> Multiaddr.of(InetSocketAddress.createUnresolved("example.com", 1), "tcp"));
        assertThrows(IllegalArgumentException.class, () -> Multiaddr.of(v4, "sctp"));
    }

    @Test
    void valueSemantics() {
        Multiaddr a = ma("/ip4/1.2.3.4/tcp/1");
        Multiaddr b = Multiaddr.decode(a.bytes());
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, ma("/ip4/1.2.3.4/tcp/2"));
        assertSame(a.toString(), a.toString(), "text form is cached");
        byte[] copy = a.bytes();
        copy[0] = 99;
        assertEquals("/ip4/1.2.3.4/tcp/1", a.toString());
        byte[] input = a.bytes();
        Multiaddr c = Multiaddr.decode(input);
        input[1] = 9;
        assertEquals(a, c, "decode copies its input");
        Component tcp = a.component(1);
        assertEquals(new Component(Protocol.TCP, new byte[] {0, 1}, 0, 2), tcp);
        assertEquals("/tcp/1", tcp.toString());
        byte[] value = tcp.value();
        value[1] = 5;
        assertEquals("1", tcp.valueString());
        assertEquals("", a.components().get(0).protocol() == Protocol.IP4 ? "" : "x");
        assertThrows(IndexOutOfBoundsException.class, () -> a.component(2));
    }
}
