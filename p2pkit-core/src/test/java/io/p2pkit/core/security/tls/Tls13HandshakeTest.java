package io.p2pkit.core.security.tls;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.security.HandshakeException;
import io.p2pkit.core.security.SecureConnection;
import io.p2pkit.core.transport.memory.MemoryConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The handshake's own checks: tampered authentication on either side, HelloRetryRequest,
 * malformed and truncated hellos from a scripted peer. Every failure must be a
 * {@link HandshakeException} that says what went wrong, with the alert sent, and nothing hangs.
 */
// a safety net against a hung handshake, not a timing assertion
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class Tls13HandshakeTest {
    private static final long TIMEOUT_SECONDS = 60;
    private static final ExecutorService THREADS = Executors.newVirtualThreadPerTaskExecutor();

    @AfterAll
    static void stopThreads() {
        THREADS.shutdownNow();
    }

    private static <T> Future<T> background(Callable<T> task) {
        return THREADS.submit(task);
    }

    private static Throwable failure(Future<?> future) throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        return e.getCause();
    }

    private static TlsTransport transport(Tls13Handshake.TestOptions options) {
        TlsTransport transport = new TlsTransport(PrivateKey.generateEd25519(), List.of("/yamux/1.0.0"));
        transport.testOptions(options);
        return transport;
    }

    /** Our transport on one side of a memory pipe, its handshake running, and a scripted peer on the other. */
    private record Scripted(MemoryConnection.Pair pair, Future<SecureConnection> handshake, Peer peer) {
    }

    /** Our transport listens; the peer scripts the dialer. */
    private static Scripted listening() {
        TlsTransport listener = transport(Tls13Handshake.TestOptions.NONE);
        MemoryConnection.Pair pair = MemoryConnection.pair();
        return new Scripted(pair, background(() -> listener.secureInbound(pair.responder())),
                new Peer(pair.initiator().in(), pair.initiator().out()));
    }

    /** Our transport dials; the peer scripts the listener. */
    private static Scripted dialing() {
        TlsTransport dialer = transport(Tls13Handshake.TestOptions.NONE);
        MemoryConnection.Pair pair = MemoryConnection.pair();
        return new Scripted(pair, background(() -> dialer.secureOutbound(pair.initiator(), null)),
                new Peer(pair.responder().in(), pair.responder().out()));
    }

    private static void assertMessage(Throwable e, String... parts) {
        assertInstanceOf(HandshakeException.class, e);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), e.getMessage());
        }
    }

    @Test
    void dialerRefusesATamperedListenerCertificateVerify() throws Exception {
        TlsTransport dialer = transport(Tls13Handshake.TestOptions.NONE);
        TlsTransport listener = transport(new Tls13Handshake.TestOptions(HandshakeMessages.CERTIFICATE_VERIFY, false));
        MemoryConnection.Pair pair = MemoryConnection.pair();
        Future<SecureConnection> inbound = background(() -> listener.secureInbound(pair.responder()));
        HandshakeException e = assertThrows(HandshakeException.class, () -> dialer.secureOutbound(pair.initiator(), null));
        assertMessage(e, "as dialer", "listener's CertificateVerify signature", "is invalid", "decrypt_error");
        assertMessage(failure(inbound), "as listener", "sent alert decrypt_error");
    }

    @Test
    void dialerRefusesATamperedListenerFinished() throws Exception {
        TlsTransport dialer = transport(Tls13Handshake.TestOptions.NONE);
        TlsTransport listener = transport(new Tls13Handshake.TestOptions(HandshakeMessages.FINISHED, false));
        MemoryConnection.Pair pair = MemoryConnection.pair();
        Future<SecureConnection> inbound = background(() -> listener.secureInbound(pair.responder()));
        HandshakeException e = assertThrows(HandshakeException.class, () -> dialer.secureOutbound(pair.initiator(), null));
        assertMessage(e, "as dialer", "listener's Finished does not match the handshake");
        assertMessage(failure(inbound), "as listener", "sent alert decrypt_error");
    }

    @Test
    void listenerRefusesATamperedDialerCertificateVerify() throws Exception {
        TlsTransport dialer = transport(new Tls13Handshake.TestOptions(HandshakeMessages.CERTIFICATE_VERIFY, false));
        TlsTransport listener = transport(Tls13Handshake.TestOptions.NONE);
        MemoryConnection.Pair pair = MemoryConnection.pair();
        Future<SecureConnection> inbound = background(() -> listener.secureInbound(pair.responder()));
        // the dialer finishes first (TLS 1.3); its first read sees the listener's alert
        Future<Integer> outbound = background(() -> dialer.secureOutbound(pair.initiator(), null).in().read());
        assertMessage(failure(inbound), "as listener", "dialer's CertificateVerify signature", "is invalid");
        assertInstanceOf(IOException.class, failure(outbound));
    }

    @Test
    void listenerRefusesATamperedDialerFinished() throws Exception {
        TlsTransport dialer = transport(new Tls13Handshake.TestOptions(HandshakeMessages.FINISHED, false));
        TlsTransport listener = transport(Tls13Handshake.TestOptions.NONE);
        MemoryConnection.Pair pair = MemoryConnection.pair();
        Future<SecureConnection> inbound = background(() -> listener.secureInbound(pair.responder()));
        Future<Integer> outbound = background(() -> dialer.secureOutbound(pair.initiator(), null).in().read());
        assertMessage(failure(inbound), "as listener", "dialer's Finished does not match the handshake");
        IOException e = assertInstanceOf(IOException.class, failure(outbound));
        assertTrue(e.getMessage().contains("decrypt_error"), e.getMessage());
    }

    @Test
    void aDialerWithoutAnX25519ShareGetsAHelloRetryRequestAndCompletes() throws Exception {
        TlsTransport dialer = transport(new Tls13Handshake.TestOptions(0, true));
        TlsTransport listener = transport(Tls13Handshake.TestOptions.NONE);
        MemoryConnection.Pair pair = MemoryConnection.pair();
        Future<SecureConnection> inbound = background(() -> listener.secureInbound(pair.responder()));
        try (SecureConnection out = dialer.secureOutbound(pair.initiator(), listener.localPeer());
             SecureConnection in = inbound.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            assertEquals(dialer.localPeer(), in.remotePeer());
            out.out().write("after a retry".getBytes());
            out.out().flush();
            assertArrayEquals("after a retry".getBytes(), in.in().readNBytes(13));
            in.out().write(7);
            in.out().flush();
            assertEquals(7, out.in().read());
        }
    }

    /** Each suite end to end, alone and after a HelloRetryRequest (SHA-384 changes every hash length). */
    @ParameterizedTest
    @ValueSource(ints = {0x1301, 0x1302, 0x1303})
    void everySuiteCompletesAndCarriesData(int suite) throws Exception {
        for (boolean retry : new boolean[] {false, true}) {
            TlsTransport dialer = transport(new Tls13Handshake.TestOptions(0, retry, new int[] {suite}, false));
            TlsTransport listener = transport(Tls13Handshake.TestOptions.NONE);
            MemoryConnection.Pair pair = MemoryConnection.pair();
            Future<SecureConnection> inbound = background(() -> listener.secureInbound(pair.responder()));
            try (SecureConnection out = dialer.secureOutbound(pair.initiator(), listener.localPeer());
                 SecureConnection in = inbound.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                assertEquals(suite, ((TlsConnection) out).suite());
                assertEquals(suite, ((TlsConnection) in).suite());
                byte[] data = new byte[100_000];
                new java.util.Random(suite).nextBytes(data);
                Future<byte[]> received = background(() -> in.in().readNBytes(data.length));
                out.out().write(data);
                out.out().flush();
                assertArrayEquals(data, received.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
                in.out().write(9);
                in.out().flush();
                assertEquals(9, out.in().read());
            }
        }
    }

    @Test
    void theListenerRequiresADialerCertificate() throws Exception {
        TlsTransport dialer = transport(new Tls13Handshake.TestOptions(0, false, Tls13Handshake.SUITES, true));
        TlsTransport listener = transport(Tls13Handshake.TestOptions.NONE);
        MemoryConnection.Pair pair = MemoryConnection.pair();
        Future<SecureConnection> inbound = background(() -> listener.secureInbound(pair.responder()));
        Future<Integer> outbound = background(() -> dialer.secureOutbound(pair.initiator(), null).in().read());
        assertMessage(failure(inbound), "as listener", "dialer sent no certificate", "certificate_required");
        IOException e = assertInstanceOf(IOException.class, failure(outbound));
        assertTrue(e.getMessage().contains("certificate_required"), e.getMessage());
    }

    @Test
    void aNormalDialerRefusesAHelloRetryRequest() throws Exception {
        Scripted s = dialing();
        byte[] clientHello = s.peer().readRecord();
        byte[] sessionId = Arrays.copyOfRange(clientHello, 4 + 2 + 32 + 1, 4 + 2 + 32 + 1 + 32);
        s.peer().sendPlaintext(22, HandshakeMessages.helloRetryRequest(sessionId, 0x1301));
        assertMessage(failure(s.handshake()), "as dialer", "HelloRetryRequest", "illegal_parameter");
        assertArrayEquals(alert(TlsAlert.ILLEGAL_PARAMETER), s.peer().readRawRecord());
    }

    @Test
    void aMalformedServerHelloFailsWithDecodeError() throws Exception {
        Scripted s = dialing();
        s.peer().readRecord();
        // a ServerHello whose body stops after a few bytes of its random
        s.peer().sendPlaintext(22, HandshakeMessages.message(HandshakeMessages.SERVER_HELLO, new byte[] {3, 3, 1, 2, 3}));
        assertMessage(failure(s.handshake()), "as dialer", "malformed ServerHello", "decode_error");
        assertArrayEquals(alert(TlsAlert.DECODE_ERROR), s.peer().readRawRecord());
    }

    @Test
    void aTruncatedServerHelloFailsWhenTheConnectionEnds() throws Exception {
        Scripted s = dialing();
        s.peer().readRecord();
        byte[] serverHello = HandshakeMessages.serverHello(new byte[32], new byte[32], 0x1301, new byte[32]);
        s.peer().sendPlaintext(22, Arrays.copyOf(serverHello, 40));
        s.pair().responder().close();
        assertMessage(failure(s.handshake()), "as dialer", "closed the connection during the TLS handshake");
    }

    @Test
    void aMalformedClientHelloFailsWithDecodeError() throws Exception {
        Scripted s = listening();
        byte[] hello = HandshakeMessages.clientHello(new byte[32], new byte[32], Tls13Handshake.SUITES, new byte[32],
                HandshakeCrypto.VERIFIABLE_SCHEMES, List.of("libp2p"));
        // one byte less in the extensions block than its length says
        byte[] body = Arrays.copyOfRange(hello, 4, hello.length - 1);
        s.peer().sendPlaintext(22, HandshakeMessages.message(HandshakeMessages.CLIENT_HELLO, body));
        assertMessage(failure(s.handshake()), "as listener", "malformed ClientHello", "decode_error");
        assertArrayEquals(alert(TlsAlert.DECODE_ERROR), s.peer().readRawRecord());
    }

    @Test
    void aTruncatedClientHelloFailsWhenTheConnectionEnds() throws Exception {
        TlsTransport listener = transport(Tls13Handshake.TestOptions.NONE);
        MemoryConnection.Pair pair = MemoryConnection.pair();
        Future<SecureConnection> inbound = background(() -> listener.secureInbound(pair.responder()));
        byte[] hello = HandshakeMessages.clientHello(new byte[32], new byte[32], Tls13Handshake.SUITES, new byte[32],
                HandshakeCrypto.VERIFIABLE_SCHEMES, List.of("libp2p"));
        OutputStream out = pair.initiator().out();
        // a record header promising the whole message, then half of it
        out.write(new byte[] {22, 3, 1, (byte) (hello.length >> 8), (byte) hello.length});
        out.write(hello, 0, hello.length / 2);
        out.flush();
        pair.initiator().close();
        assertMessage(failure(inbound), "as listener", "closed the connection during the TLS handshake");
    }

    @Test
    void aClientHelloWithoutX25519GetsHandshakeFailure() throws Exception {
        Scripted s = listening();
        WireWriter w = new WireWriter().u8(HandshakeMessages.CLIENT_HELLO).open(3);
        w.u16(0x0303).bytes(new byte[32]).vector(1, new byte[0]).open(2).u16(0x1301).close().u8(1).u8(0);
        w.open(2);
        w.u16(HandshakeMessages.EXT_SUPPORTED_VERSIONS).open(2).open(1).u16(0x0304).close().close();
        w.u16(HandshakeMessages.EXT_SUPPORTED_GROUPS).open(2).open(2).u16(0x0017).close().close(); // secp256r1 only
        w.u16(HandshakeMessages.EXT_KEY_SHARE).open(2).open(2).u16(0x0017).vector(2, new byte[65]).close().close();
        w.u16(HandshakeMessages.EXT_SIGNATURE_ALGORITHMS).open(2).open(2).u16(0x0403).close().close();
        w.close();
        s.peer().sendPlaintext(22, w.close().toByteArray());
        assertMessage(failure(s.handshake()), "as listener", "does not offer x25519", "handshake_failure");
        assertArrayEquals(alert(TlsAlert.HANDSHAKE_FAILURE), s.peer().readRawRecord());
    }

    @Test
    void aRepeatedExtensionIsIllegal() throws Exception {
        Scripted s = listening();
        WireWriter w = new WireWriter().u8(HandshakeMessages.CLIENT_HELLO).open(3);
        w.u16(0x0303).bytes(new byte[32]).vector(1, new byte[0]).open(2).u16(0x1301).close().u8(1).u8(0);
        w.open(2);
        w.u16(HandshakeMessages.EXT_SUPPORTED_VERSIONS).open(2).open(1).u16(0x0304).close().close();
        w.u16(HandshakeMessages.EXT_SUPPORTED_VERSIONS).open(2).open(1).u16(0x0304).close().close();
        w.close();
        s.peer().sendPlaintext(22, w.close().toByteArray());
        assertMessage(failure(s.handshake()), "as listener", "repeats extension 43", "illegal_parameter");
    }

    @Test
    void aListenerWithoutACommonAlpnProtocolSaysSo() throws Exception {
        Scripted s = listening();
        s.peer().sendPlaintext(22, HandshakeMessages.clientHello(new byte[32], new byte[32], Tls13Handshake.SUITES,
                HandshakeCrypto.x25519PublicKey(new byte[32]), HandshakeCrypto.VERIFIABLE_SCHEMES, List.of("h2")));
        assertMessage(failure(s.handshake()), "as listener", "no ALPN protocol in common", "no_application_protocol");
        assertArrayEquals(alert(TlsAlert.NO_APPLICATION_PROTOCOL), s.peer().readRawRecord());
    }

    @Test
    void aPeersAlertDuringTheHandshakeIsNamed() throws Exception {
        Scripted s = dialing();
        s.peer().readRecord();
        s.peer().sendPlaintext(21, new byte[] {2, (byte) TlsAlert.PROTOCOL_VERSION});
        assertMessage(failure(s.handshake()), "as dialer", "the listener sent alert protocol_version (70)");
    }

    @Test
    void changeCipherSpecIsDroppedButOnlyWhereAllowed() throws Exception {
        Scripted s = listening();
        // before the first ClientHello, change_cipher_spec is not allowed (RFC 8446 §5)
        s.peer().sendPlaintext(20, new byte[] {1});
        assertMessage(failure(s.handshake()), "as listener", "unexpected change_cipher_spec", "unexpected_message");
    }

    private static byte[] alert(int description) {
        return new byte[] {21, 3, 3, 0, 2, 2, (byte) description};
    }

    /** A scripted peer that speaks plaintext records. */
    private record Peer(InputStream in, OutputStream out) {
        void sendPlaintext(int type, byte[] content) throws IOException {
            out.write(new byte[] {(byte) type, 3, 3, (byte) (content.length >> 8), (byte) content.length});
            out.write(content);
            out.flush();
        }

        /** The next record's content. */
        byte[] readRecord() throws IOException {
            byte[] record = readRawRecord();
            return Arrays.copyOfRange(record, 5, record.length);
        }

        /** The next record, header included. */
        byte[] readRawRecord() throws IOException {
            byte[] header = in.readNBytes(5);
            assertEquals(5, header.length, "a record header");
            int length = (header[3] & 0xFF) << 8 | header[4] & 0xFF;
            byte[] record = Arrays.copyOf(header, 5 + length);
            assertEquals(length, in.readNBytes(record, 5, length));
            return record;
        }
    }
}
