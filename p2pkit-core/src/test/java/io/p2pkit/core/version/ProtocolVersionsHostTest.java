package io.p2pkit.core.version;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.host.Stream;
import io.p2pkit.core.identify.IdentifyResult;
import io.p2pkit.core.identify.IdentifyService;
import io.p2pkit.core.multistream.NegotiationException;
import io.p2pkit.core.network.Connection;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Versioned protocols between two real hosts over TCP, Noise and yamux on loopback. */
class ProtocolVersionsHostTest {
    private static final String SYNC = "/myapp/sync";
    private final List<Host> hosts = new ArrayList<>();

    @AfterEach
    void closeHosts() {
        hosts.forEach(Host::close);
    }

    private Host host() throws IOException {
        Host h = Host.builder().listen("/ip4/127.0.0.1/tcp/0").security("noise").muxers("yamux").build();
        hosts.add(h);
        return h;
    }

    private static PeerInfo info(Host h) {
        return new PeerInfo(h.peerId(), h.addresses());
    }

    /** Serves {@code family}, answering each request with the name of the handler and the negotiated version. */
    private static void serve(Host h, ProtocolFamily family, String tag) {
        family.serve(h, s -> {
            s.in().readAllBytes();
            s.out().write((tag + " " + family.version(s)).getBytes(StandardCharsets.UTF_8));
        });
    }

    private static String ask(Stream s) throws IOException {
        try (s) {
            s.closeWrite();
            return new String(s.in().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Connects {@code a} to {@code b} and waits until identify told {@code a} what {@code b} serves. */
    private static IdentifyResult identified(Host a, Host b) throws IOException {
        Connection c = a.connect(info(b));
        return a.service(IdentifyService.class).orElseThrow().awaitIdentified(c, Duration.ofSeconds(10));
    }

    /** Connects and then forgets what identify said of {@code b}'s protocols: the dialer knows no versions. */
    private static void connectUnknown(Host a, Host b) throws IOException {
        identified(a, b);
        a.peerStore().setProtocols(b.peerId(), List.of());
    }

    @Test
    void listenerAcceptsCompatibleProposalsAndTellsTheHandlerWhich() throws Exception {
        Host a = host();
        Host b = host();
        serve(b, ProtocolFamily.of(SYNC, "1.4.2", 1), "b");
        assertEquals("b 1.4.2", ask(a.newStream(info(b), SYNC + "/1.4.2")));
        assertEquals("b 1.3.0", ask(a.newStream(info(b), SYNC + "/1.3.0")));
        assertEquals("b 1.1.5", ask(a.newStream(info(b), SYNC + "/1.1.5")));
        assertEquals("b 1.4.9", ask(a.newStream(info(b), SYNC + "/1.4.9")), "patch ignored");
        for (String refused : List.of("/1.5.0", "/1.0.0", "/2.0.0", "/0.4.0", "/1.4", "/1.4.2-rc.1", "")) {
            NegotiationException e = assertThrows(NegotiationException.class,
                    () -> ask(a.newStream(info(b), SYNC + refused)), refused);
            assertEquals(List.of("na"), e.answers(), refused);
        }
        // several proposals in one negotiation: the first compatible one wins
        try (Stream s = a.newStream(info(b), SYNC + "/1.5.0", SYNC + "/1.2.0", SYNC + "/1.3.0")) {
            assertEquals(SYNC + "/1.2.0", s.protocol());
            assertEquals("b 1.2.0", ask(s));
        }
    }

    @Test
    void identifyAdvertisesExactVersionsAndThePeerStoreParsesThem() throws Exception {
        Host a = host();
        Host b = host();
        serve(b, ProtocolFamily.of(SYNC, "1.4.2", 1).and("2.1.0", 0), "b");
        b.setStreamHandler(SYNC + "/bogus", s -> { });
        b.setStreamHandler(SYNC + "/0.9", s -> { });
        IdentifyResult r = identified(a, b);
        assertTrue(r.protocols().contains(SYNC + "/1.4.2"), r.protocols().toString());
        assertTrue(r.protocols().contains(SYNC + "/2.1.0"), r.protocols().toString());
        assertFalse(r.protocols().contains(SYNC + "/1.3.0"), "only exact versions are advertised");
        assertEquals(List.of(SemanticVersion.parse("2.1.0"), SemanticVersion.parse("1.4.2")),
                a.peerStore().versions(b.peerId(), SYNC));
        assertEquals(List.of(), a.peerStore().versions(b.peerId(), "/myapp/other"));
        assertEquals(List.of(), a.peerStore().versions(a.peerId(), SYNC), "unknown peer");
    }

    @Test
    void unknownPeerFallsBackThroughTheListToTheListenersVersion() throws Exception {
        Host a = host();
        Host b = host();
        ProtocolFamily dialer = ProtocolFamily.of(SYNC, "1.4.2", 1);
        serve(b, ProtocolFamily.of(SYNC, "1.2.0"), "b");
        connectUnknown(a, b);
        try (Stream s = dialer.newStream(a, info(b))) {
            // 1.4.2 and 1.3.0 refused, 1.2.0 accepted: the dialer knows before writing
            assertEquals(SYNC + "/1.2.0", s.protocol());
            assertEquals(SemanticVersion.parse("1.2.0"), dialer.version(s));
            assertEquals("b 1.2.0", ask(s));
        }
        // a listener at a higher minor takes the dialer's own version at once
        Host c = host();
        serve(c, ProtocolFamily.of(SYNC, "1.7.0", 0), "c");
        connectUnknown(a, c);
        assertEquals("c 1.4.2", ask(dialer.newStream(a, c.peerId())));
    }

    @Test
    void knownPeerGetsTheBestCommonVersionProposedDirectly() throws Exception {
        Host a = host();
        Host b = host();
        ProtocolFamily dialer = ProtocolFamily.of(SYNC, "1.4.2", 1);
        serve(b, ProtocolFamily.of(SYNC, "1.2.3"), "b");
        identified(a, b);
        try (Stream s = dialer.newStream(a, info(b))) {
            // chosen from the peer store: the stream's protocol is set before any answer
            assertEquals(SYNC + "/1.2.3", s.protocol());
            assertEquals("b 1.2.3", ask(s));
        }
        // the choice follows the peer store, not a fallback: a (stale) 1.3 there makes the dialer
        // propose 1.3.0 alone, which b, at 1.2 now, refuses on the first read
        a.peerStore().setProtocols(b.peerId(), List.of(SYNC + "/1.3.0"));
        Stream stale = dialer.newStream(a, info(b));
        assertEquals(SYNC + "/1.3.0", stale.protocol());
        assertThrows(NegotiationException.class, () -> ask(stale));
    }

    @Test
    void nothingInCommonIsAClearErrorKnownOrNot() throws Exception {
        Host a = host();
        Host b = host();
        ProtocolFamily dialer = ProtocolFamily.of(SYNC, "1.4.2", 1);
        serve(b, ProtocolFamily.of(SYNC, "2.0.0").and("1.0.0"), "b");
        identified(a, b);
        NoCommonVersionException known = assertThrows(NoCommonVersionException.class, () -> dialer.newStream(a, info(b)));
        assertTrue(known.getMessage().contains("[2.0.0, 1.0.0]"), known.getMessage());
        assertTrue(known.getMessage().contains("1.4.2 (down to 1.1)"), known.getMessage());
        assertEquals(List.of(), known.proposed(), "decided from identify, nothing proposed");

        a.peerStore().setProtocols(b.peerId(), List.of());
        NoCommonVersionException unknown = assertThrows(NoCommonVersionException.class,
                () -> dialer.newStream(a, info(b)));
        assertEquals(dialer.proposals(), unknown.proposed());
        assertEquals(List.of("na", "na", "na", "na"), unknown.answers());

        // identify cannot tell a peer's lowest minor: one at 1.6 speaking down to 1.5 looks
        // compatible, gets our 1.4.2 proposed, and refuses it on the first read
        Host c = host();
        serve(c, ProtocolFamily.of(SYNC, "1.6.0", 5), "c");
        identified(a, c);
        Stream s = dialer.newStream(a, info(c));
        assertEquals(SYNC + "/1.4.2", s.protocol());
        assertThrows(NegotiationException.class, () -> ask(s));
    }

    @Test
    void majorZeroNegotiatesOnlyItsOwnMinor() throws Exception {
        Host a = host();
        Host b = host();
        serve(b, ProtocolFamily.of(SYNC, "0.3.1"), "b");
        connectUnknown(a, b);
        assertEquals("b 0.3.0", ask(ProtocolFamily.of(SYNC, "0.3.0").newStream(a, info(b))));
        // one proposal, pipelined: the refusal comes on the first read
        assertThrows(NegotiationException.class, () -> ask(ProtocolFamily.of(SYNC, "0.2.0").newStream(a, info(b))));
        assertThrows(NoCommonVersionException.class,
                () -> ProtocolFamily.of(SYNC, "0.4.0").and("0.2.0").newStream(a, info(b)));
        assertEquals("b 0.3.1", ask(ProtocolFamily.of(SYNC, "0.4.0").and("0.3.1").newStream(a, info(b))));
    }

    @Test
    void twoFamiliesAndTwoMajorsEachReachTheirOwnHandler() throws Exception {
        Host a = host();
        Host b = host();
        serve(b, ProtocolFamily.of(SYNC, "1.4.2", 1).and("2.1.0", 0), "sync");
        serve(b, ProtocolFamily.of("/myapp/chat", "3.0.1"), "chat");
        identified(a, b);
        assertEquals("sync 1.3.0", ask(ProtocolFamily.of(SYNC, "1.3.0").newStream(a, info(b))));
        assertEquals("sync 2.0.0", ask(ProtocolFamily.of(SYNC, "2.0.0").newStream(a, info(b))));
        assertEquals("sync 2.1.0", ask(ProtocolFamily.of(SYNC, "2.3.0", 0).and("1.0.0").newStream(a, info(b))));
        assertEquals("chat 3.0.0", ask(ProtocolFamily.of("/myapp/chat", "3.0.0").newStream(a, info(b))));
        assertThrows(NoCommonVersionException.class,
                () -> ProtocolFamily.of("/myapp/chat", "2.0.0").newStream(a, info(b)));
    }

    @Test
    void stopServingRemovesTheFamilyAndIdentifyPushTellsThePeer() throws Exception {
        Host a = host();
        Host b = host();
        ProtocolFamily sync = ProtocolFamily.of(SYNC, "1.4.2", 1);
        ProtocolFamily chat = ProtocolFamily.of("/myapp/chat", "1.0.0");
        serve(b, sync, "sync");
        serve(b, chat, "chat");
        identified(a, b);
        sync.stopServing(b);
        assertFalse(b.protocols().contains(SYNC + "/1.4.2"));
        Await.until("identify push removed " + SYNC, () -> a.peerStore().versions(b.peerId(), SYNC).isEmpty(),
                Duration.ofSeconds(10));
        assertThrows(NoCommonVersionException.class, () -> sync.newStream(a, info(b)));
        assertThrows(NegotiationException.class, () -> ask(a.newStream(info(b), SYNC + "/1.3.0")));
        assertEquals("chat 1.0.0", ask(chat.newStream(a, info(b))), "the other family still served");
    }

    @Test
    void anExactHandlerReplacesAMatcherAndWinsOverOne() throws Exception {
        Host a = host();
        Host b = host();
        serve(b, ProtocolFamily.of(SYNC, "1.4.2", 1), "family");
        b.setStreamHandler(SYNC + "/1.2.0", s -> s.out().write("exact".getBytes(StandardCharsets.UTF_8)));
        assertEquals("exact", ask(a.newStream(info(b), SYNC + "/1.2.0")));
        assertEquals("family 1.3.0", ask(a.newStream(info(b), SYNC + "/1.3.0")));
        // registering the family's own ID as a plain handler ends the matching
        b.setStreamHandler(SYNC + "/1.4.2", s -> s.out().write("plain".getBytes(StandardCharsets.UTF_8)));
        assertEquals("plain", ask(a.newStream(info(b), SYNC + "/1.4.2")));
        assertThrows(NegotiationException.class, () -> ask(a.newStream(info(b), SYNC + "/1.3.0")));
    }

    @Test
    void servingAgainReplacesTheHandler() throws Exception {
        Host a = host();
        Host b = host();
        ProtocolFamily sync = ProtocolFamily.of(SYNC, "1.4.2", 1);
        serve(b, sync, "old");
        serve(b, sync, "new");
        assertEquals(1, b.protocols().stream().filter(p -> p.startsWith(SYNC)).count());
        assertEquals("new 1.2.0", ask(a.newStream(info(b), SYNC + "/1.2.0")));
    }
}
