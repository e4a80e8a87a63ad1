package io.p2pkit.webrtc.dtls;

import io.p2pkit.core.Direction;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.resource.ConnectionSpan;
import io.p2pkit.core.resource.ResourceLimitException;
import io.p2pkit.core.resource.ResourceManager;
import io.p2pkit.webrtc.ice.IceLiteResponder;
import io.p2pkit.webrtc.mux.UdpMux;
import io.p2pkit.webrtc.mux.UdpPeer;
import io.p2pkit.webrtc.stun.StunMessage;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A WebRTC-direct listener up to DTLS: one UDP socket ({@link UdpMux}), an ICE-lite responder,
 * and a DTLS 1.2 server per dialer. A dialer's first binding request that passes ICE's checks
 * registers its address and starts a DTLS handshake on a virtual thread; finished associations
 * wait in a bounded queue for {@link #accept(Duration)}.
 *
 * <p>Bounds: at most {@link Config#maxPeers()} addresses registered at once and at most
 * {@link Config#maxHandshakes()} of them still handshaking; requests beyond that get no answer.
 * A handshake that does not finish within {@link Config#handshakeTimeout()} frees its slot.
 *
 * <p>Accounting: each new dialer is admitted as an inbound connection of the
 * {@link ResourceManager} given to {@link #listen(InetSocketAddress, WebRtcCertificate, Config, ResourceManager)}
 * (as go-libp2p opens a connection scope for each new ICE candidate) before it gets a slot: a
 * refusal (say the transient scope's inbound connections are all taken by half-open handshakes)
 * gets no answer, as the caps above. That span then carries everything the connection holds,
 * from its first queued datagram on ({@link DtlsAssociation#span()}).
 */
public final class WebRtcDirectListener implements AutoCloseable {
    /**
     * Limits of a listener.
     *
     * @param maxPeers         most remote addresses registered at once
     * @param maxHandshakes    most DTLS handshakes running at once
     * @param acceptBacklog    most finished associations waiting for accept; more are closed
     * @param queueCapacity    most datagrams queued per peer
     * @param handshakeTimeout how long one DTLS handshake may take
     */
    public record Config(int maxPeers, int maxHandshakes, int acceptBacklog, int queueCapacity, Duration handshakeTimeout) {
        /** 1024 peers, 64 handshakes, a backlog of 32, 256 datagrams per peer, 10 s per handshake. */
        public static Config defaults() {
            return new Config(1024, 64, 32, 256, Duration.ofMillis(DtlsProfiles.DEFAULT_HANDSHAKE_TIMEOUT_MILLIS));
        }
    }

    private static final System.Logger LOG = LazyLogger.of(WebRtcDirectListener.class);
    private static final InetAddress ANY_IPV4 = ipv4Any();

    private final WebRtcCertificate certificate;
    private final Config config;
    private final BcTlsCrypto crypto = new BcTlsCrypto(new SecureRandom());
    private final IceLiteResponder responder = new IceLiteResponder();
    private final AtomicInteger handshaking = new AtomicInteger();
    private final BlockingQueue<DtlsAssociation> accepted;
    private final ResourceManager resources;
    private final UdpMux mux;
    /** Which senders' families get answers (a dual-stack socket serves the families listened on). */
    private volatile boolean answerIpv4;
    private volatile boolean answerIpv6;

    private WebRtcDirectListener(InetSocketAddress bind, WebRtcCertificate certificate, Config config,
                                 ResourceManager resources, boolean ipv4, boolean ipv6) throws IOException {
        // set before the socket opens: a datagram of the other family is never answered
        this.answerIpv4 = ipv4;
        this.answerIpv6 = ipv6;
        this.certificate = certificate;
        this.config = config;
        this.accepted = new ArrayBlockingQueue<>(config.acceptBacklog());
        this.resources = resources;
        this.mux = UdpMux.open(bind, this::onStun, config.maxPeers(), config.queueCapacity());
    }

    /** Listens on {@code bind} (port 0 picks one) with this certificate and the default limits. */
    public static WebRtcDirectListener listen(InetSocketAddress bind, WebRtcCertificate certificate) throws IOException {
        return listen(bind, certificate, Config.defaults());
    }

    /**
     * Listens on {@code bind} with this certificate and these limits; dialers are admitted by a
     * resource manager of its own, which counts them but limits nothing.
     */
    public static WebRtcDirectListener listen(InetSocketAddress bind, WebRtcCertificate certificate, Config config)
            throws IOException {
        return listen(bind, certificate, config, new ResourceManager());
    }

    /**
     * Listens on {@code bind} with this certificate and these limits, admitting each new dialer as
     * an inbound connection of {@code resources} (refused: no answer) and charging its datagrams,
     * DTLS and what runs above to that connection's span.
     */
    public static WebRtcDirectListener listen(InetSocketAddress bind, WebRtcCertificate certificate, Config config,
                                              ResourceManager resources) throws IOException {
        return new WebRtcDirectListener(bind, certificate, config, resources, true, true);
    }

    /**
     * As {@link #listen(InetSocketAddress, WebRtcCertificate, Config, ResourceManager)}, answering
     * from the first datagram on only dialers of the given address families (see
     * {@link #answerFamilies}).
     */
    public static WebRtcDirectListener listen(InetSocketAddress bind, WebRtcCertificate certificate, Config config,
                                              ResourceManager resources, boolean answerIpv4, boolean answerIpv6)
            throws IOException {
        return new WebRtcDirectListener(bind, certificate, config, resources, answerIpv4, answerIpv6);
    }

    /** The bound socket address. */
    public InetSocketAddress localAddress() {
        return mux.localAddress();
    }

    /** {@code /ip4|ip6/<address>/udp/<port>/webrtc-direct/certhash/<hash>}, without {@code /p2p}. */
    public Multiaddr multiaddr() {
        return Multiaddr.of(localAddress(), "udp").encapsulate("/webrtc-direct" + certificate.certhashComponent());
    }

    /**
     * Answers dialers of these address families only; the others get no answer. For a socket bound
     * to the IPv6 wildcard, which the JDK makes dual-stack (it receives IPv4 too, as mapped
     * addresses), when only some of its families are listened on.
     */
    public void answerFamilies(boolean ipv4, boolean ipv6) {
        answerIpv4 = ipv4;
        answerIpv6 = ipv6;
    }

    /** The certificate shown to dialers. */
    public WebRtcCertificate certificate() {
        return certificate;
    }

    /** How many remote addresses hold a slot (handshaking or associated). */
    public int peerCount() {
        return mux.peerCount();
    }

    /** The next association whose handshake finished, or empty after {@code timeout}. */
    public Optional<DtlsAssociation> accept(Duration timeout) throws InterruptedException {
        return Optional.ofNullable(accepted.poll(timeout.toMillis(), TimeUnit.MILLISECONDS));
    }

    /** Closes the socket; established associations stop receiving. */
    @Override
    public void close() {
        mux.close();
        DtlsAssociation a;
        while ((a = accepted.poll()) != null) {
            closeQuietly(a);
        }
    }

    private void onStun(UdpMux m, StunMessage message, InetSocketAddress from) {
        if (!(from.getAddress() instanceof Inet6Address ? answerIpv6 : answerIpv4)) {
            return;
        }
        Optional<IceLiteResponder.Answer> answer = responder.answer(message, from);
        if (answer.isEmpty()) {
            return;
        }
        boolean newDialer = m.peer(from).isEmpty();
        if (newDialer) {
            if (handshaking.incrementAndGet() > config.maxHandshakes()) {
                handshaking.decrementAndGet();
                return;
            }
            ConnectionSpan span = admit(from);
            if (span == null) {
                handshaking.decrementAndGet();
                return;
            }
            Optional<UdpPeer> peer = m.register(from, span);
            if (peer.isEmpty()) {
                span.close();
                handshaking.decrementAndGet();
                return;
            }
            Thread.ofVirtual().name("webrtc-dtls-accept-" + from).start(() -> handshake(peer.get(), span));
        }
        byte[] response = answer.get().response();
        try {
            m.send(response, 0, response.length, from);
            if (newDialer) {
                byte[] check = answer.get().checkBack();
                m.send(check, 0, check.length, from);
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "cannot answer a binding request", e);
        }
    }

    /** The new dialer's span, or null when the resource manager refuses it (then it gets no answer). */
    private ConnectionSpan admit(InetSocketAddress from) {
        try {
            return resources.openConnection(Direction.INBOUND, false,
                    Multiaddr.of(from, "udp").encapsulate("/webrtc-direct"), null);
        } catch (ResourceLimitException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "refused a WebRTC-direct dialer from " + from + ": " + e.getMessage());
            return null;
        }
    }

    private void handshake(UdpPeer peer, ConnectionSpan span) {
        try {
            WebRtcDtlsServer server = new WebRtcDtlsServer(crypto, certificate, (int) config.handshakeTimeout().toMillis());
            DTLSServerProtocol protocol = new DTLSServerProtocol();
            protocol.setVerifyRequests(false); // ICE already proved the address answers
            DTLSTransport transport = protocol.accept(server, peer);
            DtlsAssociation association = new DtlsAssociation(transport, false, certificate.fingerprint(),
                    server.remoteFingerprint(), peer.remoteAddress(), localFor(peer.remoteAddress()), null, span, span);
            if (!accepted.offer(association)) {
                closeQuietly(association);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "DTLS handshake with " + peer.remoteAddress() + " failed", e);
            peer.close();
            span.close();
        } finally {
            handshaking.decrementAndGet();
        }
    }

    /** The socket's address as seen from {@code remote}: an IPv4 dialer of a dual-stack socket reaches 0.0.0.0. */
    private InetSocketAddress localFor(InetSocketAddress remote) {
        InetSocketAddress local = mux.localAddress();
        InetAddress a = local.getAddress();
        if (a.isAnyLocalAddress() && a instanceof Inet6Address && remote.getAddress() instanceof Inet4Address) {
            return new InetSocketAddress(ANY_IPV4, local.getPort());
        }
        return local;
    }

    private static InetAddress ipv4Any() {
        try {
            return InetAddress.getByAddress(new byte[4]);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static void closeQuietly(DtlsAssociation a) {
        try {
            a.close();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing an association", e);
        }
    }
}
