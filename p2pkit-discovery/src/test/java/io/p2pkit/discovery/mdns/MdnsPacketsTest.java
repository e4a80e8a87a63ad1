package io.p2pkit.discovery.mdns;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class MdnsPacketsTest {
    /** The go-libp2p 0.51 peer whose packets are under packets/ (captured in a namespace LAN). */
    private static final PeerId GO = PeerId.parse("12D3KooWEqjLsA9A6VkaNKoL3WHydDfPKL45Sjw9wsJgzbarK2Qp");
    /** The rust-libp2p 0.57 peer whose packets are under packets/. */
    private static final PeerId RUST = PeerId.parse("12D3KooWPEfb93UPKvqF2PummpRsqPjLvkQaotHWBVNNmvA9GDvQ");
    private static final PeerId ME = PeerId.parse("12D3KooWB32jpAJuBMxmpkku6ntpu9FWULFbuL9jW6HRn8DYbAWf");

    @Test
    void ourAnswerNamesUsWithEveryAddress() throws Exception {
        List<Multiaddr> addrs = List.of(Multiaddr.parse("/ip4/11.0.0.1/tcp/4001/p2p/" + ME),
                Multiaddr.parse("/ip6/fd11::1/udp/4001/quic-v1/p2p/" + ME));
        DnsMessage m = MdnsPackets.answer("abcdefghijabcdefghijabcdefghij12", addrs,
                List.of(InetAddress.getByName("11.0.0.1")), Duration.ofSeconds(120));
        byte[] wire = DnsCodec.encode(m);
        List<MdnsPackets.Found> found = MdnsPackets.found(DnsCodec.decode(wire, wire.length), GO);
        assertEquals(List.of(new MdnsPackets.Found(ME, List.of(Multiaddr.parse("/ip4/11.0.0.1/tcp/4001"),
                Multiaddr.parse("/ip6/fd11::1/udp/4001/quic-v1")), Duration.ofSeconds(120))), found);
        // one TXT record holding one string per address: go's zeroconf keeps only the last TXT record
        assertEquals(1, m.additionals().stream().filter(r -> r.type() == DnsRecord.TXT).count());
        assertTrue(MdnsPackets.found(DnsCodec.decode(wire, wire.length), ME).isEmpty(), "we do not find ourselves");
    }

    @Test
    void tooManyAddressesAreCutToOnePacket() {
        List<Multiaddr> addrs = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            addrs.add(Multiaddr.parse("/ip4/11.0." + (i / 250) + "." + (i % 250) + "/tcp/4001/p2p/" + ME));
        }
        byte[] wire = DnsCodec.encode(MdnsPackets.answer("x".repeat(40), addrs, List.of(), Duration.ofSeconds(1)));
        assertTrue(wire.length <= DnsCodec.MAX_PACKET);
        List<MdnsPackets.Found> found = MdnsPackets.found(DnsCodec.decode(wire, wire.length), GO);
        assertEquals(MdnsPackets.MAX_ADDRESSES, found.getFirst().addresses().size());
    }

    @Test
    void goLibp2psAnswerAndAnnouncementAreRead() throws Exception {
        for (String name : List.of("go-answer.bin", "go-announce.bin")) {
            byte[] p = packet(name);
            List<MdnsPackets.Found> found = MdnsPackets.found(DnsCodec.decode(p, p.length), ME);
            assertEquals(1, found.size(), name);
            assertEquals(GO, found.getFirst().peer());
            assertTrue(found.getFirst().addresses().contains(Multiaddr.parse("/ip4/11.0.0.1/tcp/4001")), name);
        }
    }

    @Test
    void goLibp2psQueryIsOneWeAnswer() throws Exception {
        byte[] p = packet("go-query.bin");
        assertTrue(MdnsPackets.asksForPeers(DnsCodec.decode(p, p.length)));
        byte[] probe = packet("go-probe.bin"); // zeroconf's probe for its own name: not a question for peers
        assertFalse(MdnsPackets.asksForPeers(DnsCodec.decode(probe, probe.length)));
        byte[] ours = DnsCodec.encode(MdnsPackets.query());
        assertTrue(MdnsPackets.asksForPeers(DnsCodec.decode(ours, ours.length)));
    }

    @Test
    void rustLibp2psCapturedPacketsAreRead() throws Exception {
        byte[] answer = packet("rust-answer.bin");
        assertEquals(List.of(new MdnsPackets.Found(RUST, List.of(Multiaddr.parse("/ip4/11.0.0.1/tcp/4001")),
                Duration.ofMinutes(6))), MdnsPackets.found(DnsCodec.decode(answer, answer.length), ME));
        byte[] empty = packet("rust-empty-answer.bin"); // sent before it listened: a PTR without TXT
        assertTrue(MdnsPackets.found(DnsCodec.decode(empty, empty.length), ME).isEmpty());
        byte[] query = packet("rust-query.bin");
        assertTrue(MdnsPackets.asksForPeers(DnsCodec.decode(query, query.length)));
    }

    /** rust-libp2p's shape: a bare peer name, one TXT record per address, a quoted string allowed. */
    @Test
    void rustLibp2psShapeIsRead() {
        String name = "rustpeername0123456789abcdefghijkl";
        List<DnsRecord> txts = List.of(
                txt(name, "dnsaddr=/ip4/11.0.0.2/tcp/4001/p2p/" + GO),
                txt(name, "\"dnsaddr=/ip4/11.0.0.3/tcp/4001/p2p/" + GO + "\""),
                txt(name, "dnsaddr=/ip4/11.0.0.4/tcp/4001/p2p/" + ME), // another peer: skipped
                txt(name, "dnsaddr=not a multiaddr"),
                txt(name, "other=thing"));
        DnsMessage m = new DnsMessage(0, DnsMessage.AUTHORITATIVE_RESPONSE, List.of(),
                List.of(new DnsRecord(MdnsPackets.SERVICE, DnsRecord.PTR, DnsRecord.IN, false, 360, new DnsRecord.Ptr(name))),
                List.of(), txts);
        List<MdnsPackets.Found> found = MdnsPackets.found(m, ME);
        assertEquals(List.of(new MdnsPackets.Found(GO, List.of(Multiaddr.parse("/ip4/11.0.0.2/tcp/4001"),
                Multiaddr.parse("/ip4/11.0.0.3/tcp/4001")), Duration.ofSeconds(360))), found);
    }

    @Test
    void goodbyesAndQueriesFindNobody() {
        DnsMessage bye = MdnsPackets.answer("y".repeat(32), List.of(Multiaddr.parse("/ip4/11.0.0.2/tcp/1/p2p/" + GO)),
                List.of(), Duration.ZERO);
        assertTrue(MdnsPackets.found(bye, ME).isEmpty());
        assertTrue(MdnsPackets.found(MdnsPackets.query(), ME).isEmpty());
    }

    @Test
    void peerNamesHave32To63LettersAndDigits() {
        SecureRandom r = new SecureRandom();
        for (int i = 0; i < 200; i++) {
            String n = MdnsService.randomName(r);
            assertTrue(n.length() >= 32 && n.length() <= 63 && n.matches("[a-z0-9]+"), n);
        }
    }

    @Test
    void aServiceTypeQuestionIsAnswered() {
        byte[] q = HexFormat.of().parseHex("000000000001000000000000"
                + "095f7365727669636573075f646e732d7364045f756470056c6f63616c00000c0001");
        DnsMessage m = DnsCodec.decode(q, q.length);
        assertTrue(MdnsPackets.asksForServiceTypes(m));
        assertEquals(new DnsRecord.Ptr(MdnsPackets.SERVICE),
                MdnsPackets.serviceTypes(Duration.ofSeconds(1)).answers().getFirst().data());
    }

    private static DnsRecord txt(String name, String s) {
        return new DnsRecord(name, DnsRecord.TXT, DnsRecord.IN, true, 360,
                new DnsRecord.Txt(List.of(s.getBytes(StandardCharsets.UTF_8))));
    }

    private static byte[] packet(String name) throws IOException {
        try (InputStream in = MdnsPacketsTest.class.getResourceAsStream("packets/" + name)) {
            return in.readAllBytes();
        }
    }
}
