package io.p2pkit.core.security.tls;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.core.security.HandshakeException;
import io.p2pkit.core.security.PeerIdMismatchException;
import io.p2pkit.core.security.SecureConnection;
import io.p2pkit.core.security.SecureTransport;
import io.p2pkit.core.transport.RawConnection;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
 * libp2p TLS 1.3 ({@code /tls/1.0.0}, libp2p/specs {@code tls/tls.md}) with a handshake of its own
 * ({@link Tls13Handshake}: RFC 8446, full handshake, x25519, TLS_AES_128_GCM_SHA256,
 * TLS_CHACHA20_POLY1305_SHA256 and TLS_AES_256_GCM_SHA384) and records protected with the JDK's
 * AES-GCM or ChaCha20-Poly1305 ({@link RecordProtection}). ECDSA and X25519 come from
 * BouncyCastle, which does them several times faster than the JDK; no TLS engine is involved.
 *
 * <p>Each transport instance makes one {@link HostCertificate} for its identity and presents it
 * in every handshake, signing with ecdsa_secp256r1_sha256. Handshakes are TLS 1.3 only, mutually
 * authenticated (the listener demands the dialer's certificate), without SNI, PSK or 0-RTT, and
 * verify the peer's certificate with {@link PeerCertificate#verify}. ALPN offers the muxer IDs
 * given to the constructor, in preference order, followed by {@code "libp2p"}; the listener picks
 * the first of the dialer's offers it supports, and a muxer picked that way is the connection's
 * {@link SecureConnection#earlyMuxer() early muxer}. The listener takes the first cipher suite
 * of the dialer's list that it supports. The handshake runs on the calling thread.
 *
 * <p>Every failure of a handshake is a {@link HandshakeException}, and the raw connection is
 * closed after a fatal alert that tells the peer why. As in every TLS 1.3 client, the dialer
 * finishes its handshake before the listener has checked the dialer's certificate; if the
 * listener refuses it, the dialer's first read fails.
 */
public final class TlsTransport implements SecureTransport {
    private static final System.Logger LOG = LazyLogger.of(TlsTransport.class);

    /** The protocol ID negotiated with multistream-select. */
    public static final String PROTOCOL_ID = "/tls/1.0.0";

    /** The ALPN protocol every libp2p TLS peer offers; when chosen, the muxer is negotiated later. */
    public static final String ALPN_LIBP2P = "libp2p";

    private final PeerId localPeer;
    private final List<String> muxers;
    private final List<String> offeredProtocols;
    private final PeerTrustManager trustManager;
    private final Clock clock;
    private final SecureRandom random;
    /** Test seams of the handshake (see {@link Tls13Handshake.TestOptions}). */
    private volatile Tls13Handshake.TestOptions testOptions = Tls13Handshake.TestOptions.NONE;
    /** Makes the certificate and its encodings: on the first handshake, not with the transport. */
    private final Supplier<Tls13Handshake.Credentials> makeCredentials;
    private final ReentrantLock credentialsLock = new ReentrantLock();
    private volatile Tls13Handshake.Credentials credentials;

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
     * extension), its encoding and the signing key in BouncyCastle's form (whose provider's set-up
     * alone is a quarter of a daemon's start-up CPU in a fresh JVM) are made on the first
     * handshake: a host that offers TLS but whose connections all take Noise never pays for them.
     * {@code certificate} is asked once.
     */
    TlsTransport(PrivateKey identity, List<String> muxers, Clock clock, SecureRandom random,
                         Supplier<HostCertificate> certificate) {
        this.muxers = List.copyOf(muxers);
        checkMuxers(this.muxers);
        this.localPeer = Objects.requireNonNull(identity, "identity").publicKey().toPeerId();
        List<String> offered = new ArrayList<>(this.muxers);
        offered.add(ALPN_LIBP2P);
        this.offeredProtocols = List.copyOf(offered);
        this.trustManager = new PeerTrustManager(clock);
        this.clock = clock;
        this.random = random;
        this.makeCredentials = () -> Tls13Handshake.Credentials.of(certificate.get());
    }

    private Tls13Handshake.Credentials credentials() {
        Tls13Handshake.Credentials c = credentials;
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

    /** Sets the handshake's test seams for later handshakes. */
    void testOptions(Tls13Handshake.TestOptions options) {
        this.testOptions = Objects.requireNonNull(options);
    }

    private SecureConnection handshake(RawConnection connection, boolean dialer, PeerId expectedRemote,
                                       MemoryScope memory) throws HandshakeException {
        Objects.requireNonNull(connection, "connection");
        String side = dialer ? "as dialer" : "as listener";
        TlsRecordWriter writer;
        TlsRecordReader reader;
        Tls13Handshake handshake;
        PeerTrustManager.Verification verification = trustManager.verification(expectedRemote);
        try {
            writer = new TlsRecordWriter(connection, memory);
            reader = new TlsRecordReader(connection, memory, writer);
            handshake = new Tls13Handshake(dialer, credentials(), offeredProtocols, this::selectProtocol,
                    verification, clock, random, reader, writer, testOptions);
        } catch (RuntimeException e) {
            closeQuietly(connection);
            throw new HandshakeException("TLS handshake could not start: " + describe(e), e);
        }
        try {
            Tls13Handshake.Result result = handshake.run();
            reader.handshakeDone();
            return new TlsConnection(connection, reader, writer, localPeer, result.peer(), earlyMuxer(result.alpn()));
        } catch (FatalAlert e) {
            // tell the peer why, then hang up
            writer.sendFatalAlert(e.description());
            abandon(connection, reader, writer);
            String message = "TLS handshake " + side + " failed: " + e.getMessage() + " (sent "
                    + TlsAlert.describe(e.description()) + ")";
            // a wrong peer is definitive: the network must not redial the address for it
            throw verification.wrongPeer() ? new PeerIdMismatchException(message, e)
                    : new HandshakeException(message, e);
        } catch (HandshakeException e) {
            // the peer's alert: nothing to answer
            abandon(connection, reader, writer);
            throw new HandshakeException("TLS handshake " + side + " failed: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            if (e instanceof RuntimeException) {
                writer.sendFatalAlert(TlsAlert.INTERNAL_ERROR);
            }
            abandon(connection, reader, writer);
            String reason = e instanceof EOFException ? describe(e) : describe(e) + " (" + e.getClass().getSimpleName() + ")";
            throw new HandshakeException("TLS handshake " + side + " failed: " + reason, e);
        }
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

    private Optional<String> earlyMuxer(String protocol) throws HandshakeException {
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

    /** Closes the connection of a failed handshake and gives the record buffers back to its memory scope. */
    private static void abandon(RawConnection connection, TlsRecordReader reader, TlsRecordWriter writer) {
        writer.abandon();
        closeQuietly(connection);
        reader.abandon();
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
