package io.p2pkit.node.dnslink;

import io.p2pkit.testing.Dnsmasq;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** DNSLink lookups against a real dnsmasq on loopback (no upstream: unknown names are NXDOMAIN). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DnsLinkResolverTest {
    private static final String CID = "bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am";

    private static Dnsmasq dnsmasq(String... records) throws Exception {
        Dnsmasq.required();
        List<String> args = new java.util.ArrayList<>(List.of("--local=/#/", "--local-ttl=300"));
        args.addAll(List.of(records));
        return Dnsmasq.start(args);
    }

    @Test
    void theUnderscoreRecordComesFirstThenTheNameItself() throws Exception {
        try (Dnsmasq dns = dnsmasq("--txt-record=_dnslink.a.test,dnslink=/ipfs/" + CID,
                "--txt-record=a.test,dnslink=/ipns/other.test",
                "--txt-record=b.test,dnslink=/ipns/k51qzi5uqu5dk3v4rmjber23h16xnr23bsggmqqil9z2gduiis5se8dht36dam",
                "--txt-record=_dnslink.c.test,v=spf1 -all",
                "--txt-record=_dnslink.d.test,dnslink=/ipfs/" + CID + "/sub",
                "--txt-record=_dnslink.d.test,dnslink=/ipfs/" + CID + "/a")) {
            DnsLinkResolver r = new DnsLinkResolver(List.of(dns.address()), Duration.ofSeconds(5));
            assertEquals(new DnsLinkResolver.Link("/ipfs/" + CID, 300), r.resolve("a.test").orElseThrow());
            assertEquals("/ipns/k51qzi5uqu5dk3v4rmjber23h16xnr23bsggmqqil9z2gduiis5se8dht36dam",
                    r.resolve("B.test").orElseThrow().path());
            assertEquals(Optional.empty(), r.resolve("c.test"), "a TXT record that is not a dnslink");
            assertEquals(Optional.empty(), r.resolve("missing.test"));
            assertEquals("/ipfs/" + CID + "/a", r.resolve("d.test").orElseThrow().path(), "the first in sort order");
        }
    }

    @Test
    void answersAreCachedForTheirTtl() throws Exception {
        DnsLinkResolver r;
        try (Dnsmasq dns = dnsmasq("--txt-record=_dnslink.cached.test,dnslink=/ipfs/" + CID)) {
            r = new DnsLinkResolver(List.of(dns.address()), Duration.ofSeconds(2));
            assertTrue(r.resolve("cached.test").isPresent());
            assertEquals(Optional.empty(), r.resolve("none.test"));
        }
        // the server is gone: the cached answers are still given, an uncached name fails
        assertEquals("/ipfs/" + CID, r.resolve("cached.test").orElseThrow().path());
        assertEquals(Optional.empty(), r.resolve("none.test"), "an absence is cached too");
        assertThrows(java.io.IOException.class, () -> r.resolve("uncached.test"));
    }

    @Test
    void aServerThatDoesNotAnswerTimesOut() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            DnsLinkResolver r = new DnsLinkResolver(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    silent.getLocalPort())), Duration.ofMillis(300));
            assertThrows(java.net.SocketTimeoutException.class, () -> r.resolve("x.test"));
        }
    }

    @Test
    void onlyDomainsAreLookedUp() {
        assertTrue(DnsLinkResolver.isDomain("en.wikipedia-on-ipfs.org"));
        assertFalse(DnsLinkResolver.isDomain("127.0.0.1"));
        assertFalse(DnsLinkResolver.isDomain("localhost"));
        assertFalse(DnsLinkResolver.isDomain("a..b"));
        assertFalse(DnsLinkResolver.isDomain("-a.b"));
        assertFalse(DnsLinkResolver.isDomain("k51qzi5uqu5dk3v4rmjber23h16xnr23bsggmqqil9z2gduiis5se8dht36dam"));
    }

    @Test
    void aQueryIsWellFormedAndItsReplyDecoded() {
        byte[] q = DnsMessage.query(0x1234, "_dnslink.a.test");
        // the reply: the query with QR set and one TXT answer pointing back at the question's name
        byte[] answer = {(byte) 0xc0, 12, 0, 16, 0, 1, 0, 0, 0, 60, 0, 6, 5, 'h', 'e', 'l', 'l', 'o'};
        byte[] reply = java.util.Arrays.copyOf(q, q.length + answer.length);
        System.arraycopy(answer, 0, reply, q.length, answer.length);
        reply[2] |= (byte) 0x80;
        reply[7] = 1;
        DnsMessage.Reply r = DnsMessage.decode(reply, reply.length, 0x1234, "_dnslink.a.test");
        assertEquals(List.of("hello"), r.texts());
        assertEquals(60, r.ttlSeconds());
        assertThrows(io.p2pkit.core.DecodeException.class, () -> DnsMessage.decode(reply, reply.length, 0x1235, "_dnslink.a.test"));
        byte[] loop = reply.clone();
        loop[q.length + 1] = (byte) q.length; // the answer's name points at itself
        assertThrows(io.p2pkit.core.DecodeException.class, () -> DnsMessage.decode(loop, loop.length, 0x1234, "_dnslink.a.test"));
    }
}
