package io.p2pkit.core.security.tls;

import io.p2pkit.core.crypto.KeyType;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.security.HandshakeException;
import io.p2pkit.core.security.SecureConnection;
import io.p2pkit.core.transport.RawConnection;
import io.p2pkit.core.transport.memory.MemoryConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.p2pkit.core.security.tls.TestCertificates.idOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

// a safety net against a hung handshake, not a timing assertion
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TlsTransportTest {
    private static final long TIMEOUT_SECONDS = 60;
    private static final String YAMUX = "/yamux/1.0.0";
    private static final String MPLEX = "/mplex/6.7.0";
    private static final ExecutorService THREADS = Executors.newVirtualThreadPerTaskExecutor();

    @AfterAll
    static void stopThreads() {
        THREADS.shutdownNow();
    }

    private record Secured(SecureConnection dialer, SecureConnection listener) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            dialer.close();
            listener.close();
        }
    }

    private static <T> Future<T> background(Callable<T> task) {
        return THREADS.submit(task);
    }

    private static Secured handshake(TlsTransport dialer, TlsTransport listener, PeerId expected) throws Exception {
        MemoryConnection.Pair pair = MemoryConnection.pair();
        Future<SecureConnection> inbound = background(() -> listener.secureInbound(pair.responder()));
        SecureConnection outbound = dialer.secureOutbound(pair.initiator(), expected);
        return new Secured(outbound, inbound.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
    }

    private static Throwable failure(Future<?> future) throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        return e.getCause();
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void handshakeAuthenticatesBothSidesForEveryKeyType(KeyType type) throws Exception {
        PrivateKey dialerKey = PrivateKey.generate(type);
        PrivateKey listenerKey = PrivateKey.generate(type);
        TlsTransport dialer = new TlsTransport(dialerKey, List.of(YAMUX));
        TlsTransport listener = new TlsTransport(listenerKey, List.of(YAMUX));
        try (Secured secured = handshake(dialer, listener, idOf(listenerKey))) {
            assertEquals(idOf(dialerKey), secured.dialer().localPeer());
            assertEquals(idOf(listenerKey), secured.dialer().remotePeer());
            assertEquals(listenerKey.publicKey(), secured.dialer().remotePublicKey());
            assertEquals(idOf(listenerKey), secured.listener().localPeer());
            assertEquals(idOf(dialerKey), secured.listener().remotePeer());
            assertEquals(dialerKey.publicKey(), secured.listener().remotePublicKey());
            assertEquals("/tls/1.0.0", secured.dialer().securityProtocol());
            assertEquals("/tls/1.0.0", listener.protocolId());
            assertEquals(Optional.of(YAMUX), secured.dialer().earlyMuxer());
            assertEquals(Optional.of(YAMUX), secured.listener().earlyMuxer());
            // after the handshake, RecordProtection protects the records on both sides
            assertTrue(((TlsConnection) secured.dialer()).recordsProtectedByJdk());
            assertTrue(((TlsConnection) secured.listener()).recordsProtectedByJdk());
            exchange(secured.dialer(), secured.listener(), "ping".getBytes());
            exchange(secured.listener(), secured.dialer(), "pong".getBytes());
        }
    }

    @Test
    void dialerMayAcceptAnyPeer() throws Exception {
        PrivateKey listenerKey = PrivateKey.generateEd25519();
        try (Secured secured = handshake(new TlsTransport(PrivateKey.generateEd25519(), List.of()),
                new TlsTransport(listenerKey, List.of()), null)) {
            assertEquals(idOf(listenerKey), secured.dialer().remotePeer());
        }
    }

    @Test
    void wrongExpectedPeerFailsNamingBoth() throws Exception {
        PrivateKey listenerKey = PrivateKey.generateEd25519();
        PeerId someoneElse = idOf(PrivateKey.generateEd25519());
        TlsTransport dialer = new TlsTransport(PrivateKey.generateEd25519(), List.of());
        TlsTransport listener = new TlsTransport(listenerKey, List.of());
        MemoryConnection.Pair pair = MemoryConnection.pair();
        Future<SecureConnection> inbound = background(() -> listener.secureInbound(pair.responder()));
        HandshakeException e = assertThrows(HandshakeException.class,
                () -> dialer.secureOutbound(pair.initiator(), someoneElse));
        assertTrue(e.getMessage().contains("expected " + someoneElse), e.getMessage());
        assertTrue(e.getMessage().contains("got " + idOf(listenerKey)), e.getMessage());
        assertInstanceOf(HandshakeException.class, failure(inbound));
    }

    @Test
    void earlyMuxerFollowsTheDialersPreference() throws Exception {
        TlsTransport dialer = new TlsTransport(PrivateKey.generateEd25519(), List.of(MPLEX, YAMUX));
        TlsTransport listener = new TlsTransport(PrivateKey.generateEd25519(), List.of(YAMUX, MPLEX));
        try (Secured secured = handshake(dialer, listener, null)) {
            assertEquals(Optional.of(MPLEX), secured.dialer().earlyMuxer());
            assertEquals(Optional.of(MPLEX), secured.listener().earlyMuxer());
        }
        assertEquals(YAMUX, listener.selectProtocol(List.of("/other/1", YAMUX, MPLEX, "libp2p")));
        assertEquals("libp2p", listener.selectProtocol(List.of("/other/1", "libp2p")));
        assertEquals(null, listener.selectProtocol(List.of("/other/1")));
    }

    @Test
    void earlyMuxerNeedsBothSides() throws Exception {
        TlsTransport withMuxers = new TlsTransport(PrivateKey.generateEd25519(), List.of(YAMUX));
        TlsTransport without = new TlsTransport(PrivateKey.generateEd25519(), List.of());
        try (Secured secured = handshake(withMuxers, without, null)) {
            assertEquals(Optional.empty(), secured.dialer().earlyMuxer());
            assertEquals(Optional.empty(), secured.listener().earlyMuxer());
        }
        try (Secured secured = handshake(without, withMuxers, null)) {
            assertEquals(Optional.empty(), secured.dialer().earlyMuxer());
            assertEquals(Optional.empty(), secured.listener().earlyMuxer());
        }
        TlsTransport other = new TlsTransport(PrivateKey.generateEd25519(), List.of(MPLEX));
        try (Secured secured = handshake(withMuxers, other, null)) {
            assertEquals(Optional.empty(), secured.dialer().earlyMuxer());
            assertEquals(Optional.empty(), secured.listener().earlyMuxer());
        }
    }

    @Test
    void refusesBadMuxerIds() {
        PrivateKey key = PrivateKey.generateEd25519();
        assertThrows(IllegalArgumentException.class, () -> new TlsTransport(key, List.of("")));
        assertThrows(IllegalArgumentException.class, () -> new TlsTransport(key, List.of("libp2p")));
        assertThrows(IllegalArgumentException.class, () -> new TlsTransport(key, List.of(YAMUX, YAMUX)));
        assertThrows(IllegalArgumentException.class, () -> new TlsTransport(key, List.of("x".repeat(256))));
    }

    @ParameterizedTest
    @ValueSource(ints = {1 << 20, 64 << 20})
    void largeTransfersBothWaysAtOnce(int size) throws Exception {
        TlsTransport a = new TlsTransport(PrivateKey.generateEd25519(), List.of(YAMUX));
        TlsTransport b = new TlsTransport(PrivateKey.generateEd25519(), List.of(YAMUX));
        try (Secured secured = handshake(a, b, null)) {
            Future<byte[]> sentByDialer = background(() -> send(secured.dialer(), size, 1));
            Future<byte[]> sentByListener = background(() -> send(secured.listener(), size, 2));
            Future<byte[]> receivedByListener = background(() -> receive(secured.listener(), size));
            Future<byte[]> receivedByDialer = background(() -> receive(secured.dialer(), size));
            assertArrayEquals(sentByDialer.get(TIMEOUT_SECONDS, TimeUnit.SECONDS),
                    receivedByListener.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
            assertArrayEquals(sentByListener.get(TIMEOUT_SECONDS, TimeUnit.SECONDS),
                    receivedByDialer.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        }
    }

    /** Writes {@code size} seeded random bytes in chunks of varying size, then half-closes; returns their SHA-256. */
    private static byte[] send(SecureConnection connection, int size, long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] chunk = new byte[300 * 1024];
        OutputStream out = connection.out();
        int left = size;
        while (left > 0) {
            // mixes tiny writes (buffered) with bulk ones (encrypted in place)
            int n = Math.min(left, random.nextInt(8) == 0 ? 1 + random.nextInt(100) : 1 + random.nextInt(chunk.length));
            random.nextBytes(chunk);
            out.write(chunk, 0, n);
            sha.update(chunk, 0, n);
            left -= n;
        }
        out.flush();
        connection.closeWrite();
        return sha.digest();
    }

    /** Reads to end of stream, checking the length; returns the SHA-256. */
    private static byte[] receive(SecureConnection connection, int size) throws Exception {
        SplittableRandom random = new SplittableRandom(size);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[64 * 1024];
        InputStream in = connection.in();
        long total = 0;
        while (true) {
            // small reads come from the plaintext buffer, large ones are decrypted in place
            int n = in.read(buffer, 0, random.nextBoolean() ? 1 + random.nextInt(100) : buffer.length);
            if (n < 0) {
                break;
            }
            sha.update(buffer, 0, n);
            total += n;
        }
        assertEquals(size, total);
        return sha.digest();
    }

    private static void exchange(SecureConnection from, SecureConnection to, byte[] message) throws IOException {
        from.out().write(message);
        from.out().flush();
        byte[] received = to.in().readNBytes(message.length);
        assertArrayEquals(message, received);
    }

    @Test
    void halfCloseLetsTheOtherDirectionContinue() throws Exception {
        TlsTransport a = new TlsTransport(PrivateKey.generateEd25519(), List.of());
        TlsTransport b = new TlsTransport(PrivateKey.generateEd25519(), List.of());
        try (Secured secured = handshake(a, b, null)) {
            secured.dialer().out().write("request".getBytes());
            secured.dialer().closeWrite();
            assertArrayEquals("request".getBytes(), secured.listener().in().readAllBytes());
            assertEquals(-1, secured.listener().in().read());
            assertThrows(IOException.class, () -> secured.dialer().out().write(1));
            // the listener answers after the dialer has finished writing
            secured.listener().out().write("response".getBytes());
            secured.listener().out().close();
            assertArrayEquals("response".getBytes(), secured.dialer().in().readAllBytes());
            secured.dialer().closeWrite();
        }
    }

    @Test
    void closeEndsTheRemotesStream() throws Exception {
        TlsTransport a = new TlsTransport(PrivateKey.generateEd25519(), List.of());
        TlsTransport b = new TlsTransport(PrivateKey.generateEd25519(), List.of());
        Secured secured = handshake(a, b, null);
        secured.dialer().out().write("bye".getBytes());
        secured.dialer().close();
        secured.dialer().close();
        assertArrayEquals("bye".getBytes(), secured.listener().in().readAllBytes());
        assertThrows(IOException.class, () -> secured.dialer().in().read());
        secured.listener().close();
    }

    @Test
    void aReceivedCloseNotifyEndsBothDirections() throws Exception {
        TlsTransport a = new TlsTransport(PrivateKey.generateEd25519(), List.of());
        TlsTransport b = new TlsTransport(PrivateKey.generateEd25519(), List.of());
        Secured secured = handshake(a, b, null);
        secured.dialer().close();
        assertEquals(-1, secured.listener().in().read());
        // close_notify ends only the listener's input, but the dialer has closed the raw connection too
        secured.listener().out().write("late".getBytes());
        assertThrows(IOException.class, () -> secured.listener().out().flush());
        secured.listener().close();
    }

    @Test
    void closeWakesABlockedReader() throws Exception {
        TlsTransport a = new TlsTransport(PrivateKey.generateEd25519(), List.of());
        TlsTransport b = new TlsTransport(PrivateKey.generateEd25519(), List.of());
        Secured secured = handshake(a, b, null);
        java.util.concurrent.CountDownLatch reading = new java.util.concurrent.CountDownLatch(1);
        Future<Integer> blocked = background(() -> {
            reading.countDown();
            return secured.dialer().in().read();
        });
        assertTrue(reading.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        // available() must not wait for the blocked reader
        assertEquals(0, secured.dialer().in().available());
        secured.dialer().close();
        assertInstanceOf(IOException.class, failure(blocked));
        assertEquals(-1, secured.listener().in().read());
        secured.listener().close();
    }

    @Test
    void listenerRefusesAnInvalidDialerCertificate() throws Exception {
        PrivateKey dialerKey = PrivateKey.generateEd25519();
        // the extension claims the dialer's key but another key signed it
        HostCertificate forged = TestCertificates.claiming(dialerKey).signedBy(PrivateKey.generateEd25519()).build();
        TlsTransport dialer = new TlsTransport(dialerKey, List.of(), Clock.systemUTC(), new SecureRandom(), forged);
        TlsTransport listener = new TlsTransport(PrivateKey.generateEd25519(), List.of());
        MemoryConnection.Pair pair = MemoryConnection.pair();
        Future<SecureConnection> inbound = background(() -> listener.secureInbound(pair.responder()));
        Future<Integer> outbound = background(() -> {
            // in TLS 1.3 the dialer may finish before the listener has judged its certificate
            SecureConnection connection = dialer.secureOutbound(pair.initiator(), null);
            return connection.in().read();
        });
        Throwable listenerFailure = failure(inbound);
        assertInstanceOf(HandshakeException.class, listenerFailure);
        assertTrue(listenerFailure.getMessage().contains("libp2p extension signature"), listenerFailure.getMessage());
        assertInstanceOf(IOException.class, failure(outbound));
    }

    @Test
    void dialerRefusesListenerWithoutExtensionOrWithUnknownCriticalExtension() throws Exception {
        PrivateKey listenerKey = PrivateKey.generateEd25519();
        List<HostCertificate> bad = List.of(
                TestCertificates.claiming(listenerKey).withoutExtension().build(),
                TestCertificates.claiming(listenerKey).extraExtension("1.2.3.4", true, new byte[] {5, 0}).build(),
                TestCertificates.claiming(listenerKey)
                        .validity(Instant.parse("2000-01-01T00:00:00Z"), Instant.parse("2001-01-01T00:00:00Z")).build());
        for (HostCertificate certificate : bad) {
            TlsTransport listener = new TlsTransport(listenerKey, List.of(), Clock.systemUTC(), new SecureRandom(),
                    certificate);
            TlsTransport dialer = new TlsTransport(PrivateKey.generateEd25519(), List.of());
            MemoryConnection.Pair pair = MemoryConnection.pair();
            Future<SecureConnection> inbound = background(() -> listener.secureInbound(pair.responder()));
            assertThrows(HandshakeException.class, () -> dialer.secureOutbound(pair.initiator(), null));
            assertInstanceOf(HandshakeException.class, failure(inbound));
        }
    }

    /**
     * A limit of the JDK's TLS engine, recorded here so that it is not forgotten: it parses the
     * peer's certificate itself before our trust manager sees it, and refuses an empty issuer
     * name, which is what rust-libp2p puts in its certificates. The failure is a clean
     * {@link HandshakeException}; {@link PeerCertificate} itself accepts such certificates.
     */
    @Test
    void certificatesWithAnEmptyIssuerNameAreAcceptedInBothRoles() throws Exception {
        // rust-libp2p and js-libp2p make these; the JDK's engine refused them before any trust manager ran
        PrivateKey listenerKey = PrivateKey.generateEd25519();
        PrivateKey dialerKey = PrivateKey.generateEd25519();
        TlsTransport listener = new TlsTransport(listenerKey, List.of(), Clock.systemUTC(), new SecureRandom(),
                TestCertificates.claiming(listenerKey).emptyName().build());
        TlsTransport dialer = new TlsTransport(dialerKey, List.of(), Clock.systemUTC(), new SecureRandom(),
                TestCertificates.claiming(dialerKey).emptyName().build());
        try (Secured secured = handshake(dialer, listener, listenerKey.publicKey().toPeerId())) {
            assertEquals(listenerKey.publicKey().toPeerId(), secured.dialer().remotePeer());
            assertEquals(dialerKey.publicKey().toPeerId(), secured.listener().remotePeer());
            exchange(secured.dialer(), secured.listener(), "hello".getBytes());
            exchange(secured.listener(), secured.dialer(), "hi".getBytes());
        }
    }

    @Test
    void certificateCheckUsesTheTransportsClock() throws Exception {
        // a listener living 200 years ahead sees the dialer's certificate as expired
        Clock future = Clock.fixed(Instant.now().plusSeconds(200L * 365 * 24 * 3600), ZoneOffset.UTC);
        TlsTransport listener = new TlsTransport(PrivateKey.generateEd25519(), List.of(), future, new SecureRandom(),
                HostCertificate.generate(PrivateKey.generateEd25519()));
        TlsTransport dialer = new TlsTransport(PrivateKey.generateEd25519(), List.of());
        MemoryConnection.Pair pair = MemoryConnection.pair();
        Future<SecureConnection> inbound = background(() -> listener.secureInbound(pair.responder()));
        background(() -> dialer.secureOutbound(pair.initiator(), null).in().read());
        Throwable e = failure(inbound);
        assertTrue(e.getMessage().contains("expired"), e.getMessage());
    }

    @Test
    void theCertificateIsMadeOnTheFirstHandshakeAndOnlyOnce() throws Exception {
        PrivateKey listenerKey = PrivateKey.generateEd25519();
        AtomicInteger made = new AtomicInteger();
        TlsTransport listener = new TlsTransport(listenerKey, List.of(), Clock.systemUTC(), new SecureRandom(),
                () -> {
                    made.incrementAndGet();
                    return HostCertificate.generate(listenerKey);
                });
        assertEquals(0, made.get(), "a transport that has not handshaken has made no certificate");
        TlsTransport dialer = new TlsTransport(PrivateKey.generateEd25519(), List.of());
        for (int i = 0; i < 3; i++) {
            try (Secured secured = handshake(dialer, listener, idOf(listenerKey))) {
                exchange(secured.dialer(), secured.listener(), "hello".getBytes());
            }
        }
        assertEquals(1, made.get(), "one certificate for every handshake");
        assertEquals(listener.certificate(), listener.certificate());
        assertEquals(1, made.get());
    }

    @Test
    void garbageFromTheDialerFailsTheListener() throws Exception {
        TlsTransport listener = new TlsTransport(PrivateKey.generateEd25519(), List.of());
        MemoryConnection.Pair pair = MemoryConnection.pair();
        Future<SecureConnection> inbound = background(() -> listener.secureInbound(pair.responder()));
        byte[] garbage = new byte[4096];
        new SplittableRandom(7).nextBytes(garbage);
        pair.initiator().out().write(garbage);
        assertInstanceOf(HandshakeException.class, failure(inbound));
        pair.initiator().close();
    }

    @Test
    void garbageFromTheListenerFailsTheDialer() throws Exception {
        TlsTransport dialer = new TlsTransport(PrivateKey.generateEd25519(), List.of());
        MemoryConnection.Pair pair = MemoryConnection.pair();
        Future<SecureConnection> outbound = background(() -> dialer.secureOutbound(pair.initiator(), null));
        // wait for the ClientHello, then answer nonsense shaped like a handshake record
        byte[] hello = new byte[5];
        assertEquals(5, pair.responder().in().readNBytes(hello, 0, 5));
        pair.responder().out().write(new byte[] {22, 3, 3, 0, 4, 2, 0, 0, 0});
        assertInstanceOf(HandshakeException.class, failure(outbound));
        pair.responder().close();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 5, 60, 200})
    void peerVanishingMidHandshakeFailsTheDialer(int bytesBeforeVanishing) throws Exception {
        TlsTransport dialer = new TlsTransport(PrivateKey.generateEd25519(), List.of());
        TlsTransport listener = new TlsTransport(PrivateKey.generateEd25519(), List.of());
        MemoryConnection.Pair toListener = MemoryConnection.pair();
        MemoryConnection.Pair toDialer = MemoryConnection.pair();
        // a listener whose answer is cut after a few bytes, then the connection closes
        Future<SecureConnection> inbound = background(() -> listener.secureInbound(toListener.responder()));
        Future<SecureConnection> outbound = background(() -> dialer.secureOutbound(toDialer.initiator(), null));
        background(() -> pump(toDialer.responder().in(), toListener.initiator().out(), Long.MAX_VALUE));
        background(() -> {
            pump(toListener.initiator().in(), toDialer.responder().out(), bytesBeforeVanishing);
            toDialer.responder().close();
            toListener.initiator().close();
            return null;
        });
        assertInstanceOf(HandshakeException.class, failure(outbound));
        assertInstanceOf(HandshakeException.class, failure(inbound));
    }

    @Test
    void dialerVanishingAfterItsHelloFailsTheListener() throws Exception {
        TlsTransport listener = new TlsTransport(PrivateKey.generateEd25519(), List.of());
        TlsTransport dialer = new TlsTransport(PrivateKey.generateEd25519(), List.of());
        MemoryConnection.Pair toListener = MemoryConnection.pair();
        MemoryConnection.Pair toDialer = MemoryConnection.pair();
        Future<SecureConnection> inbound = background(() -> listener.secureInbound(toListener.responder()));
        Future<SecureConnection> outbound = background(() -> dialer.secureOutbound(toDialer.initiator(), null));
        // forward the ClientHello record only, then hang up on the listener
        InputStream fromDialer = toDialer.responder().in();
        byte[] header = fromDialer.readNBytes(5);
        int length = ((header[3] & 0xFF) << 8) | (header[4] & 0xFF);
        toListener.initiator().out().write(header);
        toListener.initiator().out().write(fromDialer.readNBytes(length));
        toListener.initiator().close();
        toDialer.responder().close();
        Throwable e = failure(inbound);
        assertInstanceOf(HandshakeException.class, e);
        assertInstanceOf(HandshakeException.class, failure(outbound));
    }

    /** Copies up to {@code limit} bytes; returns at end of stream, at the limit or when a side closes. */
    private static Void pump(InputStream in, OutputStream out, long limit) {
        byte[] buffer = new byte[1024];
        long copied = 0;
        try {
            while (copied < limit) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, limit - copied));
                if (n < 0) {
                    break;
                }
                out.write(buffer, 0, n);
                copied += n;
            }
        } catch (IOException e) {
            // one side closed: the test looks at the handshakes, not the pump
        }
        return null;
    }

    @Test
    void handshakeFailureClosesTheRawConnection() throws Exception {
        TlsTransport listener = new TlsTransport(PrivateKey.generateEd25519(), List.of());
        MemoryConnection.Pair pair = MemoryConnection.pair();
        Future<SecureConnection> inbound = background(() -> listener.secureInbound(pair.responder()));
        pair.initiator().out().write(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        failure(inbound);
        // the listener's raw end is closed: whatever it sent (an alert, maybe) ends, and writes fail
        pair.initiator().in().readAllBytes();
        assertThrows(IOException.class, () -> {
            byte[] more = new byte[MemoryConnection.DEFAULT_BUFFER_BYTES * 2];
            pair.initiator().out().write(more);
        });
        pair.initiator().close();
    }

    @Test
    void connectionsOfOneTransportAreIndependent() throws Exception {
        PrivateKey listenerKey = PrivateKey.generateEd25519();
        TlsTransport listener = new TlsTransport(listenerKey, List.of(YAMUX));
        List<Future<Secured>> handshakes = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            TlsTransport dialer = new TlsTransport(PrivateKey.generateEd25519(), List.of(YAMUX));
            handshakes.add(background(() -> handshake(dialer, listener, idOf(listenerKey))));
        }
        for (Future<Secured> future : handshakes) {
            try (Secured secured = future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                byte[] message = secured.dialer().localPeer().toString().getBytes();
                exchange(secured.dialer(), secured.listener(), message);
                assertEquals(secured.dialer().localPeer(), secured.listener().remotePeer());
            }
        }
        assertTrue(Arrays.asList(listener.certificate().certificate().getCriticalExtensionOIDs().toArray())
                .contains(PeerCertificate.EXTENSION_OID));
    }

    @Test
    void closingTheRawConnectionDuringTheHandshakeFailsCleanly() throws Exception {
        TlsTransport dialer = new TlsTransport(PrivateKey.generateEd25519(), List.of());
        MemoryConnection.Pair pair = MemoryConnection.pair();
        Future<SecureConnection> outbound = background(() -> dialer.secureOutbound(pair.initiator(), null));
        pair.responder().in().readNBytes(5);
        RawConnection raw = pair.initiator();
        raw.close();
        assertInstanceOf(HandshakeException.class, failure(outbound));
    }
}
