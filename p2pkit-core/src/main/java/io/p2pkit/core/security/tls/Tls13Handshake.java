package io.p2pkit.core.security.tls;

import io.p2pkit.core.security.HandshakeException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * One libp2p TLS 1.3 handshake (RFC 8446; libp2p/specs {@code tls/tls.md}), dialer or listener,
 * on the calling thread: a full handshake with x25519, mutual certificate authentication, no
 * PSK, no 0-RTT, no SNI.
 *
 * <p>Where each check happens: the peer's certificate ({@link PeerTrustManager.Verification}:
 * exactly one, libp2p structure, dates, self-signature, identity signature, expected peer ID)
 * as soon as its Certificate message arrives; its CertificateVerify under the scheme it chose,
 * which must be one we offered and fit the certificate key; its Finished against the transcript
 * in constant time. The dialer sends its certificate only after it verified all three of the
 * listener's; the listener returns a connection only after it verified all three of the dialer's.
 *
 * <p>Failures this side detects are {@link FatalAlert}s, which the caller turns into the alert it
 * sends; an alert from the peer is a {@link HandshakeException} naming it.
 */
final class Tls13Handshake {
    /** The suites we offer, in the dialer's order of preference. */
    static final int[] SUITES = {0x1301, 0x1303, 0x1302};

    /** What one transport presents in every handshake, made once. */
    record Credentials(HostCertificate certificate, byte[] encodedCertificate, HandshakeCrypto.SigningKey signingKey) {
        static Credentials of(HostCertificate certificate) {
            return new Credentials(certificate, certificate.encoded(),
                    HandshakeCrypto.signingKey(certificate.certificateKey()));
        }
    }

    /**
     * Test seams: {@code corrupt} flips a byte in the last byte of our outgoing message of that
     * type (0: none), so that tests see the peer refuse a bad CertificateVerify or Finished;
     * {@code emptyKeyShare} makes the dialer offer x25519 in supported_groups only, so that the
     * listener answers with a HelloRetryRequest (and lets the dialer follow it); {@code suites}
     * replaces the dialer's cipher suites, so that tests reach each suite; {@code omitCertificate}
     * sends an empty Certificate and no CertificateVerify.
     */
    record TestOptions(int corrupt, boolean emptyKeyShare, int[] suites, boolean omitCertificate) {
        static final TestOptions NONE = new TestOptions(0, false);

        TestOptions(int corrupt, boolean emptyKeyShare) {
            this(corrupt, emptyKeyShare, SUITES, false);
        }
    }

    /** What a completed handshake established. */
    record Result(PeerCertificate peer, String alpn) {
    }

    private final boolean dialer;
    private final Credentials credentials;
    /** The dialer's ALPN offer. */
    private final List<String> offeredProtocols;
    /** The listener's ALPN choice among the dialer's offers; null for none in common. */
    private final Function<List<String>, String> selectProtocol;
    private final PeerTrustManager.Verification verification;
    private final Clock clock;
    private final SecureRandom random;
    private final TlsRecordReader reader;
    private final TlsRecordWriter writer;
    private final TestOptions test;

    private final Transcript transcript = new Transcript();
    /** Handshake bytes received and not yet taken as messages. */
    private byte[] received = new byte[0];
    private int receivedStart;
    private int receivedEnd;
    /** Between the first ClientHello and the peer's Finished, a plaintext change_cipher_spec is dropped (§5). */
    private boolean changeCipherSpecAllowed;
    /** After the hellos, handshake messages must come protected. */
    private boolean encrypted;
    private RecordProtection.Suite suite;

    Tls13Handshake(boolean dialer, Credentials credentials, List<String> offeredProtocols,
                   Function<List<String>, String> selectProtocol, PeerTrustManager.Verification verification,
                   Clock clock, SecureRandom random, TlsRecordReader reader, TlsRecordWriter writer, TestOptions test) {
        this.dialer = dialer;
        this.credentials = credentials;
        this.offeredProtocols = offeredProtocols;
        this.selectProtocol = selectProtocol;
        this.verification = verification;
        this.clock = clock;
        this.random = random;
        this.reader = reader;
        this.writer = writer;
        this.test = Objects.requireNonNull(test);
    }

    /** Runs the handshake to its end; the reader and writer then hold the application keys. */
    Result run() throws IOException {
        try {
            return dialer ? runClient() : runServer();
        } catch (GeneralSecurityException e) {
            throw new FatalAlert(TlsAlert.INTERNAL_ERROR, "TLS crypto failed: " + e.getMessage(), e);
        }
    }

    // ---- the dialer (client) ----

    private Result runClient() throws IOException, GeneralSecurityException {
        byte[] privateKey = HandshakeCrypto.x25519PrivateKey(random);
        byte[] publicKey = HandshakeCrypto.x25519PublicKey(privateKey);
        byte[] clientRandom = randomBytes(32);
        // a random legacy_session_id: middlebox compatibility mode (§D.4), as go, rustls and OpenSSL do
        byte[] sessionId = randomBytes(32);
        byte[] hello = HandshakeMessages.clientHello(clientRandom, sessionId, test.suites(),
                test.emptyKeyShare() ? null : publicKey, HandshakeCrypto.VERIFIABLE_SCHEMES, offeredProtocols);
        transcript.add(hello);
        writer.handshakeRecords(hello, 0x0301);
        writer.sendPending();
        changeCipherSpecAllowed = true;

        byte[] serverHelloMessage = nextMessage(HandshakeMessages.SERVER_HELLO);
        HandshakeMessages.ServerHello serverHello = HandshakeMessages.decodeServerHello(body(serverHelloMessage));
        checkServerHello(serverHello, sessionId);
        if (serverHello.retryRequest()) {
            if (!test.emptyKeyShare()) {
                // we offered an x25519 share, the one group we support: a retry could change nothing (§4.1.4)
                throw new FatalAlert(TlsAlert.ILLEGAL_PARAMETER, "listener sent a HelloRetryRequest (for group "
                        + serverHello.group() + "), but we offered our only group, x25519, with a key share");
            }
            if (serverHello.group() != HandshakeMessages.X25519) {
                throw new FatalAlert(TlsAlert.ILLEGAL_PARAMETER, "HelloRetryRequest for group " + serverHello.group()
                        + ", which we did not offer");
            }
            useSuite(serverHello.cipherSuite());
            transcript.replaceWithMessageHash();
            transcript.add(serverHelloMessage);
            requireRecordBoundary("HelloRetryRequest");
            hello = HandshakeMessages.clientHello(clientRandom, sessionId, test.suites(), publicKey,
                    HandshakeCrypto.VERIFIABLE_SCHEMES, offeredProtocols);
            transcript.add(hello);
            writer.handshakeRecords(hello, 0x0303);
            writer.sendPending();
            serverHelloMessage = nextMessage(HandshakeMessages.SERVER_HELLO);
            serverHello = HandshakeMessages.decodeServerHello(body(serverHelloMessage));
            checkServerHello(serverHello, sessionId);
            if (serverHello.retryRequest()) {
                throw new FatalAlert(TlsAlert.UNEXPECTED_MESSAGE, "listener sent a second HelloRetryRequest");
            }
            if (serverHello.cipherSuite() != suite.code) {
                throw new FatalAlert(TlsAlert.ILLEGAL_PARAMETER, "ServerHello's cipher suite differs from its HelloRetryRequest's");
            }
        } else {
            useSuite(serverHello.cipherSuite());
        }
        if (serverHello.group() != HandshakeMessages.X25519 || serverHello.keyShare() == null) {
            throw new FatalAlert(TlsAlert.ILLEGAL_PARAMETER, "ServerHello without an x25519 key share");
        }
        transcript.add(serverHelloMessage);
        requireRecordBoundary("ServerHello");

        KeySchedule keys = new KeySchedule(suite);
        keys.handshake(HandshakeCrypto.x25519Agreement(privateKey, serverHello.keyShare()), transcript.hash());
        byte[] clientHandshake = keys.clientHandshakeSecret();
        byte[] serverHandshake = keys.serverHandshakeSecret();
        reader.protect(RecordProtection.opening(suite, keys.serverHandshakeSecret()));
        encrypted = true;

        byte[] message = nextMessage(HandshakeMessages.ENCRYPTED_EXTENSIONS);
        String alpn = HandshakeMessages.decodeEncryptedExtensions(body(message));
        if (alpn != null && !offeredProtocols.contains(alpn)) {
            throw new FatalAlert(TlsAlert.ILLEGAL_PARAMETER, "TLS peer selected ALPN protocol we did not offer: " + alpn);
        }
        transcript.add(message);

        message = nextMessage(HandshakeMessages.CERTIFICATE_REQUEST);
        HandshakeMessages.CertificateRequest request = HandshakeMessages.decodeCertificateRequest(body(message));
        if (request.context().length != 0) {
            throw new FatalAlert(TlsAlert.ILLEGAL_PARAMETER, "CertificateRequest with a non-empty context during the handshake");
        }
        if (!request.signatureSchemes().contains(HandshakeCrypto.OUR_SCHEME.code())) {
            throw new FatalAlert(TlsAlert.HANDSHAKE_FAILURE, "listener does not accept ecdsa_secp256r1_sha256, "
                    + "the scheme of our certificate key");
        }
        transcript.add(message);

        PeerCertificate peer = receiveCertificate(new byte[0]);
        receiveCertificateVerify(peer);
        receiveFinished(serverHandshake);
        byte[] serverFinishedHash = transcript.hash();
        byte[] clientApplication = keys.clientApplicationSecret(serverFinishedHash);
        byte[] serverApplication = keys.serverApplicationSecret(serverFinishedHash);

        // our flight, sealed with our handshake key; the application key takes over right behind it
        writer.protect(RecordProtection.sealing(suite, clientHandshake.clone()));
        ByteArrayOutputStream flight = new ByteArrayOutputStream(1024);
        sendOwnAuthentication(flight, request.context(), clientHandshake);
        writer.handshakeRecords(flight.toByteArray(), 0x0303);
        writer.protect(RecordProtection.sealing(suite, clientApplication));
        reader.protect(RecordProtection.opening(suite, serverApplication));
        writer.sendPending();
        keys.erase();
        return new Result(peer, alpn);
    }

    /** What both kinds of ServerHello must satisfy. */
    private void checkServerHello(HandshakeMessages.ServerHello hello, byte[] sessionId) throws FatalAlert {
        if (hello.version() != HandshakeMessages.TLS_1_3) {
            throw new FatalAlert(TlsAlert.PROTOCOL_VERSION, hello.version() < 0
                    ? "listener does not speak TLS 1.3 (no supported_versions in its ServerHello)"
                    : "listener selected version " + HandshakeMessages.hex16(hello.version()) + ", we offered only TLS 1.3");
        }
        if (!Arrays.equals(hello.sessionId(), sessionId)) {
            throw new FatalAlert(TlsAlert.ILLEGAL_PARAMETER, "ServerHello does not echo our legacy_session_id");
        }
        if (Arrays.stream(test.suites()).noneMatch(s -> s == hello.cipherSuite())) {
            throw new FatalAlert(TlsAlert.ILLEGAL_PARAMETER, "listener selected cipher suite "
                    + HandshakeMessages.hex16(hello.cipherSuite()) + ", which we did not offer");
        }
    }

    // ---- the listener (server) ----

    private Result runServer() throws IOException, GeneralSecurityException {
        byte[] helloMessage = nextMessage(HandshakeMessages.CLIENT_HELLO);
        changeCipherSpecAllowed = true;
        HandshakeMessages.ClientHello hello = HandshakeMessages.decodeClientHello(body(helloMessage));
        if (hello.versions() == null || !hello.versions().contains(HandshakeMessages.TLS_1_3)) {
            throw new FatalAlert(TlsAlert.PROTOCOL_VERSION, "dialer does not offer TLS 1.3");
        }
        // the dialer's preference decides among the suites we support
        RecordProtection.Suite chosen = null;
        for (int code : hello.cipherSuites()) {
            chosen = RecordProtection.Suite.of(code);
            if (chosen != null) {
                break;
            }
        }
        if (chosen == null) {
            throw new FatalAlert(TlsAlert.HANDSHAKE_FAILURE, "no TLS 1.3 cipher suite in common with the dialer");
        }
        useSuite(chosen.code);
        if (hello.signatureSchemes() == null) {
            throw new FatalAlert(TlsAlert.MISSING_EXTENSION, "ClientHello without signature_algorithms");
        }
        if (!hello.signatureSchemes().contains(HandshakeCrypto.OUR_SCHEME.code())) {
            throw new FatalAlert(TlsAlert.HANDSHAKE_FAILURE, "dialer does not accept ecdsa_secp256r1_sha256, "
                    + "the scheme of our certificate key");
        }
        if (hello.groups() == null || hello.keyShares() == null) {
            throw new FatalAlert(TlsAlert.MISSING_EXTENSION, "ClientHello without "
                    + (hello.groups() == null ? "supported_groups" : "key_share"));
        }
        byte[] peerShare = hello.keyShares().get(HandshakeMessages.X25519);
        if (peerShare == null) {
            if (!hello.groups().contains(HandshakeMessages.X25519)) {
                throw new FatalAlert(TlsAlert.HANDSHAKE_FAILURE, "dialer does not offer x25519, our only key exchange group");
            }
            // ask for an x25519 share (§4.1.4); the transcript keeps the first ClientHello as its hash
            transcript.add(helloMessage);
            transcript.replaceWithMessageHash();
            byte[] retry = HandshakeMessages.helloRetryRequest(hello.sessionId(), suite.code);
            transcript.add(retry);
            writer.handshakeRecords(retry, 0x0303);
            writer.sendPending();
            helloMessage = nextMessage(HandshakeMessages.CLIENT_HELLO);
            HandshakeMessages.ClientHello second = HandshakeMessages.decodeClientHello(body(helloMessage));
            checkSecondClientHello(hello, second);
            hello = second;
            peerShare = hello.keyShares().get(HandshakeMessages.X25519);
        }
        transcript.add(helloMessage);
        requireRecordBoundary("ClientHello");

        String alpn = null;
        if (hello.alpn() != null) {
            alpn = selectProtocol.apply(hello.alpn());
            if (alpn == null) {
                throw new FatalAlert(TlsAlert.NO_APPLICATION_PROTOCOL, "no ALPN protocol in common: the dialer offers "
                        + hello.alpn());
            }
        }

        byte[] privateKey = HandshakeCrypto.x25519PrivateKey(random);
        byte[] shared = HandshakeCrypto.x25519Agreement(privateKey, peerShare);
        byte[] serverHello = HandshakeMessages.serverHello(randomBytes(32), hello.sessionId(), suite.code,
                HandshakeCrypto.x25519PublicKey(privateKey));
        transcript.add(serverHello);
        KeySchedule keys = new KeySchedule(suite);
        keys.handshake(shared, transcript.hash());
        byte[] clientHandshake = keys.clientHandshakeSecret();
        byte[] serverHandshake = keys.serverHandshakeSecret();
        writer.handshakeRecords(serverHello, 0x0303);

        // the whole flight in one write: EncryptedExtensions .. Finished under our handshake key
        writer.protect(RecordProtection.sealing(suite, keys.serverHandshakeSecret()));
        ByteArrayOutputStream flight = new ByteArrayOutputStream(1024);
        byte[] message = HandshakeMessages.encryptedExtensions(alpn);
        transcript.add(message);
        flight.writeBytes(message);
        message = HandshakeMessages.certificateRequest(HandshakeCrypto.VERIFIABLE_SCHEMES);
        transcript.add(message);
        flight.writeBytes(message);
        sendOwnAuthentication(flight, new byte[0], serverHandshake);
        writer.handshakeRecords(flight.toByteArray(), 0x0303);
        writer.sendPending();
        byte[] serverFinishedHash = transcript.hash();
        byte[] clientApplication = keys.clientApplicationSecret(serverFinishedHash);
        writer.protect(RecordProtection.sealing(suite, keys.serverApplicationSecret(serverFinishedHash)));

        reader.protect(RecordProtection.opening(suite, clientHandshake.clone()));
        encrypted = true;
        PeerCertificate peer = receiveCertificate(new byte[0]);
        receiveCertificateVerify(peer);
        receiveFinished(clientHandshake);
        reader.protect(RecordProtection.opening(suite, clientApplication));
        keys.erase();
        return new Result(peer, alpn);
    }

    /** The second ClientHello must repeat the first but for the key share (§4.1.2). */
    private static void checkSecondClientHello(HandshakeMessages.ClientHello first, HandshakeMessages.ClientHello second)
            throws FatalAlert {
        String differs = null;
        if (!Arrays.equals(first.random(), second.random())) {
            differs = "random";
        } else if (!Arrays.equals(first.sessionId(), second.sessionId())) {
            differs = "legacy_session_id";
        } else if (!first.cipherSuites().equals(second.cipherSuites())) {
            differs = "cipher_suites";
        } else if (!Objects.equals(first.versions(), second.versions())) {
            differs = "supported_versions";
        } else if (!Objects.equals(first.groups(), second.groups())) {
            differs = "supported_groups";
        } else if (!Objects.equals(first.signatureSchemes(), second.signatureSchemes())) {
            differs = "signature_algorithms";
        } else if (!Objects.equals(first.alpn(), second.alpn())) {
            differs = "ALPN";
        }
        if (differs != null) {
            throw new FatalAlert(TlsAlert.ILLEGAL_PARAMETER, "second ClientHello changes its " + differs);
        }
        if (second.keyShares() == null || second.keyShares().size() != 1
                || !second.keyShares().containsKey(HandshakeMessages.X25519)) {
            throw new FatalAlert(TlsAlert.ILLEGAL_PARAMETER,
                    "second ClientHello does not offer exactly one key share, for x25519 as asked");
        }
    }

    // ---- both sides ----

    /** Certificate, CertificateVerify, Finished of this side, into {@code flight} and the transcript. */
    private void sendOwnAuthentication(ByteArrayOutputStream flight, byte[] context, byte[] handshakeSecret)
            throws GeneralSecurityException {
        byte[] message = HandshakeMessages.certificate(context,
                test.omitCertificate() ? null : credentials.encodedCertificate());
        transcript.add(message);
        flight.writeBytes(message);
        if (!test.omitCertificate()) {
            signCertificateVerify(flight);
        }
        message = HandshakeMessages.finished(KeySchedule.verifyData(suite, handshakeSecret, transcript.hash()));
        transcript.add(message);
        flight.writeBytes(corrupted(HandshakeMessages.FINISHED, message));
    }

    /** Our CertificateVerify: ecdsa_secp256r1_sha256 over the transcript through our Certificate. */
    private void signCertificateVerify(ByteArrayOutputStream flight) throws GeneralSecurityException {
        byte[] signature = HandshakeCrypto.sign(credentials.signingKey(),
                HandshakeCrypto.signedContent(!dialer, transcript.hash()));
        byte[] message = HandshakeMessages.certificateVerify(HandshakeCrypto.OUR_SCHEME.code(), signature);
        transcript.add(message);
        flight.writeBytes(corrupted(HandshakeMessages.CERTIFICATE_VERIFY, message));
    }

    private byte[] corrupted(int type, byte[] message) {
        if (test.corrupt() != type) {
            return message;
        }
        byte[] copy = message.clone();
        copy[copy.length - 1] ^= 1;
        return copy;
    }

    /** The peer's Certificate: exactly one certificate, verified (and the expected peer, when dialing). */
    private PeerCertificate receiveCertificate(byte[] context) throws IOException {
        byte[] message = nextMessage(HandshakeMessages.CERTIFICATE);
        HandshakeMessages.Certificate certificate = HandshakeMessages.decodeCertificate(body(message));
        if (!Arrays.equals(certificate.context(), context)) {
            throw new FatalAlert(TlsAlert.ILLEGAL_PARAMETER, "Certificate with a certificate_request_context we did not send");
        }
        if (certificate.certificates().isEmpty()) {
            // §4.4.2.4: an empty Certificate from the server is decode_error, from the client certificate_required
            throw dialer ? new FatalAlert(TlsAlert.DECODE_ERROR, "listener sent no certificate")
                    : new FatalAlert(TlsAlert.CERTIFICATE_REQUIRED, "dialer sent no certificate");
        }
        if (certificate.certificates().size() != 1) {
            throw new FatalAlert(TlsAlert.BAD_CERTIFICATE, "expected exactly one certificate, got "
                    + certificate.certificates().size());
        }
        PeerCertificate peer;
        try {
            peer = verification.verify(certificate.certificates().get(0), clock);
        } catch (CertificateException e) {
            throw new FatalAlert(TlsAlert.BAD_CERTIFICATE, e.getMessage(), e);
        }
        transcript.add(message);
        return peer;
    }

    /** The peer's CertificateVerify: a scheme we offered that fits its key, and a valid signature. */
    private void receiveCertificateVerify(PeerCertificate peer) throws IOException {
        byte[] message = nextMessage(HandshakeMessages.CERTIFICATE_VERIFY);
        HandshakeMessages.CertificateVerify verify = HandshakeMessages.decodeCertificateVerify(body(message));
        SignatureScheme scheme = HandshakeCrypto.verifiable(verify.scheme());
        if (scheme == null) {
            throw new FatalAlert(TlsAlert.ILLEGAL_PARAMETER, "CertificateVerify with signature scheme "
                    + HandshakeMessages.hex16(verify.scheme()) + ", which we did not offer");
        }
        SignatureScheme certificateScheme = peer.signatureScheme();
        // an ECDSA scheme names the curve, which the certificate's scheme names too; the others name the key type
        boolean fits = scheme.keyAlgorithm().equals("EC") ? scheme == certificateScheme
                : scheme.keyAlgorithm().equals(certificateScheme.keyAlgorithm());
        if (!fits) {
            throw new FatalAlert(TlsAlert.ILLEGAL_PARAMETER, "CertificateVerify with " + scheme
                    + ", which does not fit the certificate's key (" + certificateScheme + ")");
        }
        boolean valid;
        try {
            valid = HandshakeCrypto.verify(scheme, peer,
                    HandshakeCrypto.signedContent(dialer, transcript.hash()), verify.signature());
        } catch (GeneralSecurityException | RuntimeException e) {
            // a signature that does not even decode is as invalid as one that does not verify
            valid = false;
        }
        if (!valid) {
            throw new FatalAlert(TlsAlert.DECRYPT_ERROR, (dialer ? "listener's" : "dialer's")
                    + " CertificateVerify signature (" + scheme + ") is invalid");
        }
        transcript.add(message);
    }

    /** The peer's Finished, compared in constant time; it must end its record (a key change follows). */
    private void receiveFinished(byte[] peerHandshakeSecret) throws IOException, GeneralSecurityException {
        byte[] message = nextMessage(HandshakeMessages.FINISHED);
        byte[] verifyData = HandshakeMessages.decodeFinished(body(message), suite.hashBytes);
        byte[] expected = KeySchedule.verifyData(suite, peerHandshakeSecret, transcript.hash());
        if (!MessageDigest.isEqual(expected, verifyData)) {
            throw new FatalAlert(TlsAlert.DECRYPT_ERROR, (dialer ? "listener's" : "dialer's")
                    + " Finished does not match the handshake");
        }
        transcript.add(message);
        requireRecordBoundary((dialer ? "listener's" : "dialer's") + " Finished");
        changeCipherSpecAllowed = false;
    }

    private void useSuite(int code) throws GeneralSecurityException {
        suite = RecordProtection.Suite.of(code);
        transcript.use(suite);
    }

    private byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] body(byte[] message) {
        return Arrays.copyOfRange(message, 4, message.length);
    }

    // ---- handshake messages from records ----

    /**
     * The next handshake message (header included), which must be of {@code type}; reads records
     * as needed, dropping the change_cipher_spec records middleboxes want, and fails on anything
     * else: an alert from the peer, application data, a message too long.
     */
    private byte[] nextMessage(int type) throws IOException {
        while (true) {
            int buffered = receivedEnd - receivedStart;
            if (buffered >= 4) {
                int got = received[receivedStart] & 0xFF;
                if (got != type) {
                    throw new FatalAlert(TlsAlert.UNEXPECTED_MESSAGE, "expected " + HandshakeMessages.name(type)
                            + ", got " + HandshakeMessages.name(got));
                }
                int length = (received[receivedStart + 1] & 0xFF) << 16 | (received[receivedStart + 2] & 0xFF) << 8
                        | received[receivedStart + 3] & 0xFF;
                if (length > HandshakeMessages.maxBody(type)) {
                    throw new FatalAlert(TlsAlert.DECODE_ERROR, HandshakeMessages.name(type) + " of " + length
                            + " bytes, more than the " + HandshakeMessages.maxBody(type) + " we accept");
                }
                if (buffered >= 4 + length) {
                    byte[] message = Arrays.copyOfRange(received, receivedStart, receivedStart + 4 + length);
                    receivedStart += 4 + length;
                    return message;
                }
            }
            TlsRecordReader.HandshakeRecord record = reader.handshakeRecord();
            switch (record.type()) {
                case RecordProtection.HANDSHAKE -> {
                    if (encrypted != record.protectedRecord()) {
                        throw new FatalAlert(TlsAlert.UNEXPECTED_MESSAGE, encrypted
                                ? "plaintext handshake record after the key change" : "protected handshake record before keys");
                    }
                    if (record.content().length == 0) {
                        throw new FatalAlert(TlsAlert.UNEXPECTED_MESSAGE, "empty handshake record");
                    }
                    append(record.content());
                }
                case RecordProtection.CHANGE_CIPHER_SPEC -> {
                    if (!changeCipherSpecAllowed || record.protectedRecord() || record.content().length != 1
                            || record.content()[0] != 1) {
                        throw new FatalAlert(TlsAlert.UNEXPECTED_MESSAGE, "unexpected change_cipher_spec record");
                    }
                }
                case RecordProtection.ALERT -> throw peerAlert(record.content());
                default -> throw new FatalAlert(TlsAlert.UNEXPECTED_MESSAGE, "record of content type " + record.type()
                        + " during the handshake, expected " + HandshakeMessages.name(type));
            }
        }
    }

    private void append(byte[] content) {
        if (receivedStart == receivedEnd) {
            receivedStart = 0;
            receivedEnd = 0;
        }
        if (receivedEnd + content.length > received.length) {
            // bounded: a message's length is checked before its rest is awaited, and a record adds at most 2^14 bytes
            byte[] bigger = new byte[Math.max(receivedEnd - receivedStart + content.length, 2 * received.length)];
            System.arraycopy(received, receivedStart, bigger, 0, receivedEnd - receivedStart);
            receivedEnd -= receivedStart;
            receivedStart = 0;
            received = bigger;
        }
        System.arraycopy(content, 0, received, receivedEnd, content.length);
        receivedEnd += content.length;
    }

    /** A key change follows: the last message must have ended its record (§5.1). */
    private void requireRecordBoundary(String what) throws FatalAlert {
        if (receivedEnd != receivedStart) {
            throw new FatalAlert(TlsAlert.UNEXPECTED_MESSAGE, "handshake data follows the " + what
                    + " in its record, across a key change");
        }
    }

    private HandshakeException peerAlert(byte[] content) {
        String peer = dialer ? "listener" : "dialer";
        if (content.length != 2) {
            return new HandshakeException("the " + peer + " sent a malformed alert of " + content.length + " bytes");
        }
        return new HandshakeException("the " + peer + " sent alert " + TlsAlert.describe(content[1] & 0xFF));
    }
}
