package io.p2pkit.core.reqres;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.network.Connection;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RequestResponseTest {
    private static final String ECHO = "/test/rr-echo/1.0.0";
    private static final Duration WAIT = Duration.ofSeconds(20);
    private final List<Host> hosts = new ArrayList<>();
    /** Handlers blocked on it are let go at the end of every test. */
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void closeHosts() {
        release.countDown();
        hosts.forEach(Host::close);
    }

    private Host host() throws IOException {
        Host h = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build();
        hosts.add(h);
        return h;
    }

    private static PeerInfo info(Host h) {
        return new PeerInfo(h.peerId(), h.addresses());
    }

    /** A request on a virtual thread of its own, for requests held in a handler. */
    private static Thread inBackground(RequestResponse<byte[], byte[]> rr, Host server, byte[] request) {
        return Thread.ofVirtual().start(() -> {
            try {
                rr.request(info(server), request, WAIT);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
    }

    private static void assertStreamsReleased(Host a, Host b) {
        Await.until("no streams left open", () -> a.network().connections(b.peerId()).stream()
                .allMatch(c -> c.streamCount() == 0) && b.network().connections(a.peerId()).stream()
                .allMatch(c -> c.streamCount() == 0), WAIT);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The README's example, as it is printed there. */
    @Test
    void readmeExample() throws Exception {
        Host server = host();
        Host client = host();
        client.peerStore().addAddresses(server.peerId(), server.addresses(), io.p2pkit.core.peerstore.AddressTtl.TEMPORARY);
        // --- README: request-response
        Codec<String> text = Codec.of(s -> s.getBytes(UTF_8), b -> new String(b, UTF_8));
        var config = RequestResponseConfig.defaults().withTimeout(Duration.ofSeconds(5)).withMaxSizes(4096, 4096);
        RequestResponse.attach(server, "/myapp/greet/1.0.0", text, text, config)
                .serve((from, name) -> "hello " + name + " from " + from.remotePeer());
        var greet = RequestResponse.attach(client, "/myapp/greet/1.0.0", text, text, config);
        String answer = greet.request(server.peerId(), "alice");   // blocks; RequestResponseException on failure
        // --- end
        assertEquals("hello alice from " + client.peerId(), answer);
    }

    @Test
    void echoesAndUsesAStreamPerRequestOnOneConnection() throws Exception {
        Host server = host();
        Host client = host();
        RequestResponse.attach(server, ECHO).serve((from, request) -> request);
        var rr = RequestResponse.attach(client, ECHO);
        for (int i = 0; i < 5; i++) {
            byte[] request = utf8("request " + i);
            assertArrayEquals(request, rr.request(info(server), request));
        }
        assertArrayEquals(new byte[0], rr.request(server.peerId(), new byte[0]));
        assertEquals(1, client.network().connections(server.peerId()).size());
        Await.until("streams closed", () -> client.network().connections(server.peerId()).getFirst().streamCount() == 0, WAIT);
    }

    @Test
    void untilEndOfStreamFramingRoundTrips() throws Exception {
        Host server = host();
        Host client = host();
        var config = RequestResponseConfig.defaults().withFraming(RequestResponseConfig.Framing.UNTIL_END_OF_STREAM)
                .withMaxSizes(1024, 1024);
        RequestResponse.attach(server, ECHO, Codec.bytes(), Codec.bytes(), config).serve((from, r) -> r);
        var rr = RequestResponse.attach(client, ECHO, Codec.bytes(), Codec.bytes(), config);
        assertArrayEquals(new byte[1024], rr.request(info(server), new byte[1024]));
        var big = RequestResponse.attach(client, ECHO, Codec.bytes(), Codec.bytes(), config.withMaxSizes(4096, 4096));
        assertInstanceOf(RequestResponseException.RemoteReset.class,
                assertThrows(RequestResponseException.class, () -> big.request(info(server), new byte[1025])));
    }

    @Test
    void aSlowHandlerTimesTheRequesterOutAndTheConnectionSurvives() throws Exception {
        Host server = host();
        Host client = host();
        RequestResponse.attach(server, ECHO).serve((from, request) -> {
            if (request.length == 0) {
                release.await();
            }
            return request;
        });
        var rr = RequestResponse.attach(client, ECHO);
        var e = assertThrows(RequestResponseException.Timeout.class,
                () -> rr.request(info(server), new byte[0], Duration.ofMillis(200)));
        assertTrue(e.getMessage().contains(ECHO) && e.getMessage().contains("timed out"), e.getMessage());
        assertEquals(server.peerId(), e.peer());
        Connection c = client.network().connection(server.peerId()).orElseThrow();
        assertArrayEquals(utf8("x"), rr.request(c, utf8("x"), WAIT));
        assertTrue(c == client.network().connection(server.peerId()).orElseThrow() && !c.isClosed());
    }

    @Test
    void theServersOwnTimeoutResetsTheStreamAndIsReported() throws Exception {
        Host server = host();
        Host client = host();
        ConcurrentLinkedQueue<RequestResponseException> failures = new ConcurrentLinkedQueue<>();
        var served = RequestResponse.attach(server, ECHO, Codec.bytes(), Codec.bytes(),
                RequestResponseConfig.defaults().withTimeout(Duration.ofMillis(300)));
        served.onInboundFailure(failures::add);
        served.serve((from, request) -> {
            release.await(); // not interrupted by the timeout: its late answer is dropped
            return request;
        });
        var rr = RequestResponse.attach(client, ECHO);
        assertThrows(RequestResponseException.RemoteReset.class, () -> rr.request(info(server), utf8("x"), WAIT));
        Await.until("the server reports its timeout", () -> failures.stream()
                .anyMatch(f -> f instanceof RequestResponseException.Timeout t && t.peer().equals(client.peerId())), WAIT);
        release.countDown();
        assertFalse(client.network().connection(server.peerId()).orElseThrow().isClosed());
    }

    @Test
    void sizeLimitsHoldOnBothSides() throws Exception {
        Host server = host();
        Host client = host();
        ConcurrentLinkedQueue<RequestResponseException> failures = new ConcurrentLinkedQueue<>();
        var small = RequestResponseConfig.defaults().withMaxSizes(1024, 1024);
        var served = RequestResponse.attach(server, ECHO, Codec.bytes(), Codec.bytes(), small);
        served.onInboundFailure(failures::add);
        served.serve((from, request) -> request.length == 1 ? new byte[2000] : request);

        // a request over our own limit is never sent
        var strict = RequestResponse.attach(client, ECHO, Codec.bytes(), Codec.bytes(), small);
        var tooBig = assertThrows(RequestResponseException.TooLarge.class, () -> strict.request(info(server), new byte[1025]));
        assertEquals(1025, tooBig.size());
        assertEquals(1024, tooBig.limit());
        assertTrue(failures.isEmpty());

        // one over the server's limit is refused there, by its announced length
        var lax = RequestResponse.attach(client, ECHO, Codec.bytes(), Codec.bytes(), small.withMaxSizes(1 << 20, 1 << 20));
        assertThrows(RequestResponseException.RemoteReset.class, () -> lax.request(info(server), new byte[1025]));
        Await.until("server reports the large request", () -> failures.stream()
                .anyMatch(f -> f instanceof RequestResponseException.TooLarge t && t.size() == 1025), WAIT);

        // a response over the server's own limit is not sent; the requester sees a reset
        assertThrows(RequestResponseException.RemoteReset.class, () -> lax.request(info(server), new byte[1]));
        Await.until("server reports the large response", () -> failures.stream()
                .anyMatch(f -> f instanceof RequestResponseException.TooLarge t && t.size() == 2000), WAIT);

        // a response over the requester's limit is refused by its length
        RequestResponse.attach(server, "/test/rr-big/1.0.0").serve((from, r) -> new byte[5000]);
        var big = RequestResponse.attach(client, "/test/rr-big/1.0.0", Codec.bytes(), Codec.bytes(), small);
        var e = assertThrows(RequestResponseException.TooLarge.class, () -> big.request(info(server), new byte[1]));
        assertEquals(5000, e.size());
        assertTrue(e.getMessage().contains("response of 5000 bytes is over the limit of 1024 bytes"), e.getMessage());
        assertStreamsReleased(client, server);
    }

    @Test
    void unsupportedProtocolHandlerFailureAndMalformedMessagesAreTyped() throws Exception {
        Host server = host();
        Host client = host();
        ConcurrentLinkedQueue<RequestResponseException> failures = new ConcurrentLinkedQueue<>();
        var served = RequestResponse.attach(server, ECHO);
        served.onInboundFailure(failures::add);
        served.serve((from, request) -> {
            if (request.length == 0) {
                throw new IllegalStateException("boom");
            }
            return request;
        });

        var missing = RequestResponse.attach(client, "/test/not-served/1.0.0");
        assertThrows(RequestResponseException.UnsupportedProtocol.class, () -> missing.request(info(server), utf8("x")));

        var rr = RequestResponse.attach(client, ECHO);
        assertThrows(RequestResponseException.RemoteReset.class, () -> rr.request(info(server), new byte[0]));
        Await.until("handler failure reported", () -> failures.stream()
                .anyMatch(f -> f instanceof RequestResponseException.HandlerFailed h
                        && h.getCause() instanceof IllegalStateException && h.peer().equals(client.peerId())), WAIT);

        Codec<String> picky = Codec.of(s -> utf8(s), b -> {
            throw new DecodeException("greeting", "not a greeting");
        });
        var strict = RequestResponse.attach(client, ECHO, picky, picky, RequestResponseConfig.defaults());
        var e = assertThrows(RequestResponseException.Malformed.class, () -> strict.request(info(server), "hi"));
        assertTrue(e.getMessage().contains("malformed response: greeting: not a greeting"), e.getMessage());

        // still one healthy connection, and every stream of the failed exchanges is released on both sides
        assertArrayEquals(utf8("ok"), rr.request(info(server), utf8("ok")));
        assertEquals(1, client.network().connections(server.peerId()).size());
        assertStreamsReleased(client, server);
    }

    @Test
    void inboundRequestsAreLimitedPerPeerAndOverall() throws Exception {
        Host server = host();
        Host alice = host();
        Host bob = host();
        ConcurrentLinkedQueue<RequestResponseException> failures = new ConcurrentLinkedQueue<>();
        AtomicInteger inside = new AtomicInteger();
        var served = RequestResponse.attach(server, ECHO, Codec.bytes(), Codec.bytes(),
                RequestResponseConfig.defaults().withConcurrency(2, 3, 128));
        served.onInboundFailure(failures::add);
        served.serve((from, request) -> {
            inside.incrementAndGet();
            release.await();
            return request;
        });
        var fromAlice = RequestResponse.attach(alice, ECHO);
        var fromBob = RequestResponse.attach(bob, ECHO);
        List<Thread> waiting = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            waiting.add(inBackground(fromAlice, server, utf8("a")));
        }
        Await.until("alice's two requests in the handler", () -> inside.get() == 2, WAIT);
        assertThrows(RequestResponseException.RemoteReset.class, () -> fromAlice.request(info(server), utf8("a")));
        Await.until("per-peer refusal reported", () -> failures.stream()
                .anyMatch(f -> f instanceof RequestResponseException.Refused r && r.getMessage().contains("the peer has 2")), WAIT);

        waiting.add(inBackground(fromBob, server, utf8("b")));
        Await.until("bob's request in the handler", () -> inside.get() == 3, WAIT);
        assertThrows(RequestResponseException.RemoteReset.class, () -> fromBob.request(info(server), utf8("b")));
        Await.until("overall refusal reported", () -> failures.stream()
                .anyMatch(f -> f instanceof RequestResponseException.Refused r && r.getMessage().contains("3 inbound")), WAIT);

        release.countDown();
        for (Thread t : waiting) {
            Await.join(t);
        }
        assertArrayEquals(utf8("a"), fromAlice.request(info(server), utf8("a")));
    }

    @Test
    void outboundRequestsWaitForASlotWithinTheirTimeout() throws Exception {
        Host server = host();
        Host client = host();
        AtomicInteger inside = new AtomicInteger();
        RequestResponse.attach(server, ECHO).serve((from, request) -> {
            inside.incrementAndGet();
            release.await();
            return request;
        });
        var rr = RequestResponse.attach(client, ECHO, Codec.bytes(), Codec.bytes(),
                RequestResponseConfig.defaults().withConcurrency(8, 128, 1));
        Thread first = inBackground(rr, server, utf8("1"));
        Await.until("first request in the handler", () -> inside.get() == 1, WAIT);
        var e = assertThrows(RequestResponseException.Timeout.class,
                () -> rr.request(info(server), utf8("2"), Duration.ofMillis(200)));
        assertTrue(e.getMessage().contains("no outbound slot"), e.getMessage());
        assertEquals(1, inside.get());
        release.countDown();
        Await.join(first);
        assertArrayEquals(utf8("3"), rr.request(info(server), utf8("3")));
    }
}
