package io.p2pkit.core.security.tls;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.core.security.HandshakeException;
import io.p2pkit.core.security.SecureConnection;
import io.p2pkit.core.security.SecureTransport;
import io.p2pkit.core.transport.RawConnection;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * libp2p TLS 1.3 ({@code /tls/1.0.0}, libp2p/specs {@code tls/tls.md}): the handshake on
 * BouncyCastle's TLS engine (see {@link JsseProvider} for why not the JDK's engine), the records
 * after it protected with the JDK's AES-GCM or ChaCha20-Poly1305 under keys derived from the
 * handshake's traffic secrets (RFC 8446 §7), which costs a fraction of the engine's copies.
 *
 * <p>Each transport instance makes one {@link HostCertificate} for its identity and presents it
 * in every handshake. Handshakes are TLS 1.3 only, mutually authenticated (the listener demands
 * the dialer's certificate), without SNI, and verify the peer's certificate with
 * {@link PeerCertificate#verify}. ALPN offers the muxer IDs given to the constructor, in
 * preference order, followed by {@code "libp2p"}; the listener picks the first of the dialer's
 * offers it supports, and a muxer picked that way is the connection's
 * {@link SecureConnection#earlyMuxer() early muxer}. The handshake runs on the calling thread.
 *
 * <p>Every failure of a handshake is a {@link HandshakeException}, and the raw connection is
 * closed. As in every TLS 1.3 client, the dialer finishes its handshake before the listener has
 * checked the dialer's certificate; if the listener refuses it, the dialer's first read fails.
 */
public final class TlsTransport implements SecureTransport {
    private static final System.Logger LOG = System.getLogger(TlsTransport.class.getName());

    /** The protocol ID negotiated with multistream-select. */
    public static final String PROTOCOL_ID = "/tls/1.0.0";

    /** The ALPN protocol every libp2p TLS peer offers; when chosen, the muxer is negotiated later. */
    public static final String ALPN_LIBP2P = "libp2p";

    private static final String TLS_1_3 = "TLSv1.3";

    private final PeerId localPeer;
    private final List<String> muxers;
    private final String[] offeredProtocols;
    private final PeerTrustManager trustManager;
    /** Makes the certificate and the TLS context: on the first handshake, not with the transport. */
    private final Supplier<Credentials> makeCredentials;
    private final ReentrantLock credentialsLock = new ReentrantLock();
    private volatile Credentials credentials;

    /**
     * A transport for {@code identity}, offering {@code muxers} (in preference order) for early
     * muxer negotiation.
     *
     * @throws IllegalArgumentException when a muxer ID is empty, longer than ALPN allows,
     *                                  {@code "libp2p"}, or repeated
     */
    public TlsTransport(PrivateKey identity, List<String> muxers) {
        this(identity, muxers, Clock.systemUTC(), new SecureRandom());
    }

    /**
     * A transport with an explicit clock (for certificate validity) and source of randomness.
     *
     * @see #TlsTransport(PrivateKey, List)
     */
    public TlsTransport(PrivateKey identity, List<String> muxers, Clock clock, SecureRandom random) {
        this(identity, muxers, clock, random, () -> HostCertificate.generate(identity, random, clock.instant()));
        Objects.requireNonNull(random, "random");
        Objects.requireNonNull(clock, "clock");
    }

    /** A transport presenting a given certificate; tests use it to present malformed ones. */
    TlsTransport(PrivateKey identity, List<String> muxers, Clock clock, SecureRandom random,
                 HostCertificate certificate) {
        this(identity, muxers, clock, random, () -> certificate);
    }

    /**
     * The certificate (an ECDSA key pair and its signature, with the identity's signature in its
     * extension) and the TLS context (BouncyCastle's providers, whose set-up alone is a quarter
     * of a daemon's start-up CPU in a fresh JVM) are made on the first handshake: a host that
     * offers TLS but whose connections all take Noise never pays for them. {@code certificate}
     * is asked once.
     */
    TlsTransport(PrivateKey identity, List<String> muxers, Clock clock, SecureRandom random,
                         Supplier<HostCertificate> certificate) {
        this.muxers = List.copyOf(muxers);
        checkMuxers(this.muxers);
        this.localPeer = Objects.requireNonNull(identity, "identity").publicKey().toPeerId();
        List<String> offered = new ArrayList<>(this.muxers);
        offered.add(ALPN_LIBP2P);
        this.offeredProtocols = offered.toArray(String[]::new);
        this.trustManager = new PeerTrustManager(clock);
        this.makeCredentials = () -> {
            HostCertificate c = certificate.get();
            return new Credentials(c, JsseProvider.newContext(
                    new HostKeyManager(c, JsseProvider.signingKey(c.certificateKey())), trustManager, random));
        };
    }

    /** What the transport presents and handshakes with. */
    private record Credentials(HostCertificate certificate, SSLContext context) {
    }

    private Credentials credentials() {
        Credentials c = credentials;
        if (c == null) {
            credentialsLock.lock();
            try {
                c = credentials;
                if (c == null) {
                    c = makeCredentials.get();
                    credentials = c;
                }
            } finally {
                credentialsLock.unlock();
            }
        }
        return c;
    }

    private static void checkMuxers(List<String> muxers) {
        HashSet<String> seen = new HashSet<>();
        for (String muxer : muxers) {
            int length = muxer.getBytes(StandardCharsets.UTF_8).length;
            if (length == 0 || length > 255) {
                throw new IllegalArgumentException("muxer ID must be 1 to 255 bytes for ALPN: \"" + muxer + "\"");
            }
            if (muxer.equals(ALPN_LIBP2P)) {
                throw new IllegalArgumentException("\"libp2p\" is offered anyway and is no muxer ID");
            }
            if (!seen.add(muxer)) {
                throw new IllegalArgumentException("muxer ID offered twice: " + muxer);
            }
        }
    }

    @Override
    public String protocolId() {
        return PROTOCOL_ID;
    }

    /** This host's peer ID. */
    public PeerId localPeer() {
        return localPeer;
    }

    /** The certificate this transport presents (made now if no handshake has made it yet). */
    public HostCertificate certificate() {
        return credentials().certificate();
    }

    @Override
    public SecureConnection secureOutbound(RawConnection connection, PeerId expectedRemote) throws IOException {
        return handshake(connection, true, expectedRemote, MemoryScope.UNLIMITED);
    }

    @Override
    public SecureConnection secureInbound(RawConnection connection) throws IOException {
        return handshake(connection, false, null, MemoryScope.UNLIMITED);
    }

    /**
     * Runs the handshake as the dialer; the record buffers are reserved in {@code memory} while
     * they are held (only while bytes are in flight). A refused reservation closes the connection:
     * during the handshake it is the {@link HandshakeException}'s cause, later reads or writes throw it.
     */
    @Override
    public SecureConnection secureOutbound(RawConnection connection, PeerId expectedRemote, MemoryScope memory)
            throws IOException {
        return handshake(connection, true, expectedRemote, Objects.requireNonNull(memory, "memory"));
    }

    /** Runs the handshake as the listener, with record buffers reserved in {@code memory} (see above). */
    @Override
    public SecureConnection secureInbound(RawConnection connection, MemoryScope memory) throws IOException {
        return handshake(connection, false, null, Objects.requireNonNull(memory, "memory"));
    }

    private SecureConnection handshake(RawConnection connection, boolean dialer, PeerId expectedRemote,
                                       MemoryScope memory) throws HandshakeException {
        Objects.requireNonNull(connection, "connection");
        SSLEngine engine;
        TlsRecordWriter writer;
        TlsRecordReader reader;
        try {
            engine = newEngine(dialer);
            writer = new TlsRecordWriter(engine, connection, memory);
            reader = new TlsRecordReader(engine, connection, memory, writer);
        } catch (RuntimeException e) {
            closeQuietly(connection);
            throw new HandshakeException("TLS handshake could not start: " + e.getMessage(), e);
        }
        PeerTrustManager.Verification verification = trustManager.expect(engine, expectedRemote);
        TrafficSecrets secrets = new TrafficSecrets();
        try {
            TlsHandshake.run(engine, reader, writer, secrets);
            protectRecords(secrets, dialer, reader, writer);
            reader.handshakeDone();
            PeerCertificate remote = verification.verified();
            if (remote == null) {
                throw new HandshakeException("TLS handshake ended without a verified peer certificate");
            }
            return new TlsConnection(connection, reader, writer, localPeer, remote, earlyMuxer(engine));
        } catch (IOException | RuntimeException e) {
            TlsHandshake.sendAlert(engine, writer);
            closeQuietly(connection);
            if (e instanceof HandshakeException handshakeException) {
                throw handshakeException;
            }
            String reason = verification.failure() != null ? verification.failure() : describe(e);
            throw new HandshakeException("TLS handshake " + (dialer ? "as dialer" : "as listener")
                    + " failed: " + reason, e);
        } finally {
            trustManager.forget(engine);
        }
    }

    /**
     * Moves the records after the handshake off the engine, onto the JDK's ciphers with keys from
     * the handshake's traffic secrets. The engine keeps them when the secrets are not available.
     */
    private static void protectRecords(TrafficSecrets secrets, boolean dialer, TlsRecordReader reader,
                                       TlsRecordWriter writer) throws IOException {
        TrafficSecrets.Pair keys;
        try {
            keys = secrets.protection(dialer);
        } catch (GeneralSecurityException e) {
            throw new IOException("TLS traffic keys: " + e.getMessage(), e);
        }
        if (keys == null) {
            LOG.log(System.Logger.Level.DEBUG, "TLS records stay with the engine: no traffic secrets");
            return;
        }
        if (reader.protect(keys.receiving())) {
            writer.protect(keys.sending());
        } else {
            LOG.log(System.Logger.Level.DEBUG, "TLS records stay with the engine: it has decrypted application data");
        }
    }

    private SSLEngine newEngine(boolean dialer) {
        // no peer host or port: no SNI and no session resumption
        SSLEngine engine = credentials().context().createSSLEngine();
        engine.setUseClientMode(dialer);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(new String[] {TLS_1_3});
        parameters.setApplicationProtocols(offeredProtocols);
        parameters.setEndpointIdentificationAlgorithm(null);
        if (dialer) {
            parameters.setServerNames(List.of());
        } else {
            parameters.setNeedClientAuth(true);
        }
        engine.setSSLParameters(parameters);
        if (!dialer) {
            engine.setHandshakeApplicationProtocolSelector((e, offers) -> selectProtocol(offers));
        }
        return engine;
    }

    /**
     * The listener's ALPN choice: the dialer's most preferred muxer that we support, else
     * {@code "libp2p"} if offered; null (a fatal no_application_protocol alert) when there is
     * nothing in common, as the spec demands.
     */
    String selectProtocol(List<String> offers) {
        for (String offer : offers) {
            if (muxers.contains(offer)) {
                return offer;
            }
        }
        return offers.contains(ALPN_LIBP2P) ? ALPN_LIBP2P : null;
    }

    private Optional<String> earlyMuxer(SSLEngine engine) throws HandshakeException {
        String protocol = engine.getApplicationProtocol();
        if (protocol == null || protocol.isEmpty() || protocol.equals(ALPN_LIBP2P)) {
            return Optional.empty();
        }
        if (!muxers.contains(protocol)) {
            throw new HandshakeException("TLS peer selected ALPN protocol we did not offer: " + protocol);
        }
        return Optional.of(protocol);
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    private static void closeQuietly(RawConnection connection) {
        try {
            connection.close();
        } catch (IOException | RuntimeException e) {
            // already failing; the handshake error is what matters
            LOG.log(System.Logger.Level.DEBUG, () -> "closing after a failed TLS handshake: " + e);
        }
    }

    @Override
    public String toString() {
        return "TlsTransport[" + localPeer + ", muxers=" + muxers + "]";
    }
}
