package io.p2pkit.core.upgrader;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.multistream.Duplex;
import io.p2pkit.core.multistream.LazySelection;
import io.p2pkit.core.multistream.Multistream;
import io.p2pkit.core.multistream.NegotiationException;
import io.p2pkit.core.multistream.NegotiationTimer;
import io.p2pkit.core.muxer.MuxedConnection;
import io.p2pkit.core.muxer.Muxer;
import io.p2pkit.core.pnet.PnetConnection;
import io.p2pkit.core.pnet.PreSharedKey;
import io.p2pkit.core.pnet.PrivateNetworkException;
import io.p2pkit.core.resource.MemoryCharged;
import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.core.security.HandshakeException;
import io.p2pkit.core.security.SecureConnection;
import io.p2pkit.core.security.SecureTransport;
import io.p2pkit.core.transport.ByteStreamConnection;
import io.p2pkit.core.transport.RawConnection;
import io.p2pkit.core.transport.ReadyConnection;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Turns a raw connection into a secured, multiplexed one: multistream-select picks the security
 * protocol, its handshake authenticates the remote, and the muxer is either agreed inside the
 * handshake (Noise extensions, TLS ALPN) or negotiated with multistream-select afterwards.
 *
 * <p>The dialer proposes its preferred security protocol lazily: header, proposal and the
 * handshake's first message leave in one write, which with early muxer negotiation and a lazy
 * first stream gives rust-libp2p's three round trips from TCP SYN to the first reply. If the
 * listener refuses that proposal the connection is lost (the handshake bytes are already on the
 * wire), so {@link #upgradeOutbound} reports it as a {@link LazyProposalRefusedException} and the
 * caller redials with {@code lazy = false}.
 *
 * <p>In a private network every connection is first wrapped in a {@link PnetConnection}: all of the
 * above then runs encrypted under the network's key, and a remote with another key (or none) fails
 * the security negotiation with a {@link PrivateNetworkException}.
 *
 * <p>Each step (security, muxer) has its own deadline; when it passes the raw connection is closed.
 */
public final class Upgrader {
    private static final System.Logger LOG = LazyLogger.of(Upgrader.class);
    private final Map<String, SecureTransport> security = new LinkedHashMap<>();
    private final Map<String, Muxer> muxers = new LinkedHashMap<>();
    private final Multistream securityNegotiation;
    private final Multistream muxerNegotiation;
    private final NegotiationTimer securityTimer;
    private final NegotiationTimer muxerTimer;
    /** How both sides of every connection begin: a length, then multistream-select's protocol ID. */
    private static final byte[] MULTISTREAM_HEADER = ((char) (Multistream.PROTOCOL_ID.length() + 1) + Multistream.PROTOCOL_ID + "\n")
            .getBytes(StandardCharsets.US_ASCII);
    /** The private network's key, or null outside one. */
    private final PreSharedKey privateNetwork;

    /**
     * @param security         security transports in preference order
     * @param muxers           muxers in preference order
     * @param scheduler        the host's scheduler, for deadlines
     * @param handshakeTimeout how long security negotiation plus handshake may take
     * @param muxerTimeout     how long muxer negotiation may take
     */
    public Upgrader(List<SecureTransport> security, List<Muxer> muxers, ScheduledExecutorService scheduler,
                    Duration handshakeTimeout, Duration muxerTimeout) {
        this(security, muxers, scheduler, handshakeTimeout, muxerTimeout, null);
    }

    /**
     * An upgrader for a private network: every connection is encrypted with {@code privateNetwork}
     * before negotiation (null for none).
     */
    public Upgrader(List<SecureTransport> security, List<Muxer> muxers, ScheduledExecutorService scheduler,
                    Duration handshakeTimeout, Duration muxerTimeout, PreSharedKey privateNetwork) {
        this.privateNetwork = privateNetwork;
        if (security.isEmpty() || muxers.isEmpty()) {
            throw new IllegalArgumentException("at least one security protocol and one muxer are needed");
        }
        for (SecureTransport s : security) {
            if (this.security.putIfAbsent(s.protocolId(), s) != null) {
                throw new IllegalArgumentException("two security protocols with the ID " + s.protocolId());
            }
        }
        for (Muxer m : muxers) {
            if (this.muxers.putIfAbsent(m.protocolId(), m) != null) {
                throw new IllegalArgumentException("two muxers with the ID " + m.protocolId());
            }
        }
        this.securityTimer = new NegotiationTimer(scheduler, handshakeTimeout);
        this.muxerTimer = new NegotiationTimer(scheduler, muxerTimeout);
        this.securityNegotiation = new Multistream();
        this.muxerNegotiation = new Multistream();
    }

    /** The security protocol IDs offered, in preference order. */
    public List<String> securityProtocols() {
        return List.copyOf(security.keySet());
    }

    /** The muxer protocol IDs offered, in preference order. */
    public List<String> muxerProtocols() {
        return List.copyOf(muxers.keySet());
    }

    /**
     * Upgrades a connection this side dialed.
     *
     * @param expectedRemote the peer we meant to reach, or null for any
     * @param lazy           whether to pipeline the first security proposal with the handshake
     * @throws LazyProposalRefusedException when {@code lazy} and the listener refused the first proposal
     */
    public ReadyConnection upgradeOutbound(ByteStreamConnection raw, PeerId expectedRemote, boolean lazy) throws IOException {
        return upgradeOutbound(raw, expectedRemote, lazy, MemoryScope.UNLIMITED);
    }

    /**
     * Upgrades a connection this side dialed, charging the security protocol's and the muxer's
     * buffers to {@code memory} (the connection's resource span).
     *
     * @throws LazyProposalRefusedException when {@code lazy} and the listener refused the first proposal
     */
    public ReadyConnection upgradeOutbound(ByteStreamConnection transport, PeerId expectedRemote, boolean lazy,
                                           MemoryScope memory) throws IOException {
        ByteStreamConnection raw = protect(transport);
        // the transport's buffers (negotiation messages, framing) are the connection's memory too
        MemoryCharged.charge(raw.in(), memory);
        MemoryCharged.charge(raw.out(), memory);
        try {
            SecureConnection secure = securityTimer.run(raw, () -> {
                if (lazy) {
                    LazySelection sel = securityNegotiation.selectLazily(Duplex.of(raw), List.of(securityProtocols().get(0)));
                    SecureTransport st = security.get(securityProtocols().get(0));
                    try {
                        return st.secureOutbound(new LazyConnection(raw, sel), expectedRemote, memory);
                    } catch (IOException e) {
                        refusedLazy(sel, e, securityProtocols().size() > 1);
                        throw e;
                    }
                }
                String chosen = securityNegotiation.select(Duplex.of(raw), securityProtocols());
                return security.get(chosen).secureOutbound(raw, expectedRemote, memory);
            });
            return muxOver(raw, secure, true, memory);
        } catch (IOException | RuntimeException e) {
            closeQuietly(raw);
            throw privateNetworkError(raw, handshakeError(e));
        }
    }

    /** Upgrades a connection the remote dialed. */
    public ReadyConnection upgradeInbound(ByteStreamConnection raw) throws IOException {
        return upgradeInbound(raw, MemoryScope.UNLIMITED);
    }

    /** Upgrades a connection the remote dialed, charging buffers to {@code memory}. */
    public ReadyConnection upgradeInbound(ByteStreamConnection transport, MemoryScope memory) throws IOException {
        ByteStreamConnection raw = protect(transport);
        MemoryCharged.charge(raw.in(), memory);
        MemoryCharged.charge(raw.out(), memory);
        try {
            SecureConnection secure = securityTimer.run(raw, () -> {
                String chosen = securityNegotiation.negotiate(Duplex.of(raw), securityProtocols());
                return security.get(chosen).secureInbound(raw, memory);
            });
            return muxOver(raw, secure, false, memory);
        } catch (IOException | RuntimeException e) {
            closeQuietly(raw);
            throw privateNetworkError(raw, handshakeError(e));
        }
    }

    private ReadyConnection muxOver(ByteStreamConnection raw, SecureConnection secure, boolean initiator,
                                    MemoryScope memory) throws IOException {
        try {
            Optional<String> early = secure.earlyMuxer().filter(muxers::containsKey);
            String muxerId;
            if (early.isPresent()) {
                muxerId = early.get();
            } else {
                muxerId = muxerTimer.run(secure, () -> initiator
                        ? muxerNegotiation.select(Duplex.of(secure), muxerProtocols())
                        : muxerNegotiation.negotiate(Duplex.of(secure), muxerProtocols()));
            }
            MuxedConnection muxed = muxers.get(muxerId).wrap(secure, initiator, memory);
            return new UpgradedConnection(secure, muxed, muxerId, early.isPresent(), raw.localAddress(),
                    raw.remoteAddress());
        } catch (IOException | RuntimeException e) {
            closeQuietly(secure);
            throw e;
        }
    }

    /** The public-network {@code raw}, or {@code raw} in the private network. */
    private ByteStreamConnection protect(ByteStreamConnection raw) {
        return privateNetwork == null ? raw
                : PnetConnection.protect(raw, privateNetwork).expectingFirst(MULTISTREAM_HEADER);
    }

    /**
     * In a private network, a negotiation that failed on what the remote sent (not on time, not on
     * a refusal) means that its bytes did not decrypt under our key: say so rather than report garbage.
     */
    private IOException privateNetworkError(ByteStreamConnection raw, IOException e) {
        if (!(raw instanceof PnetConnection pnet) || e instanceof PrivateNetworkException
                || e instanceof LazyProposalRefusedException) {
            return e;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof NegotiationException n && !n.timedOut() && !n.answers().contains(Multistream.NOT_AVAILABLE)
                    && pnet.remoteNonceRead()) {
                String what = n.getMessage().startsWith("malformed") || n.getMessage().contains("does not speak")
                        ? "the remote's bytes do not decrypt to a multistream-select header"
                        : "multistream-select failed";
                return new PrivateNetworkException(what + " under this private network's key (" + privateNetwork
                        + "): the remote likely has another key, or none (" + e.getMessage() + ")", e);
            }
        }
        return e;
    }

    /**
     * If the handshake failed because the lazy proposal was refused, say so precisely. A listener
     * without the protocol answers {@code na}, then reads the handshake bytes that followed the
     * proposal as its next message and closes the connection; closing with those bytes unread
     * resets it, which can discard the {@code na} before the dialer reads it (seen over relayed
     * streams). So when other protocols are left to offer, a connection that ended with no answer
     * at all counts as refused too, and costs one redial at most.
     */
    private static void refusedLazy(LazySelection sel, IOException handshakeFailure, boolean othersLeft)
            throws IOException {
        try {
            sel.protocol();
        } catch (NegotiationException n) {
            if (n.answers().contains(Multistream.NOT_AVAILABLE) || (othersLeft && n.answers().isEmpty() && !n.timedOut())) {
                throw new LazyProposalRefusedException(n);
            }
        } catch (IOException e) {
            // the handshake's own error (thrown by the caller) says more than the selection's
            LOG.log(System.Logger.Level.DEBUG, () -> "lazy security selection also failed: " + e);
        }
    }

    private static IOException handshakeError(Exception e) {
        if (e instanceof NegotiationException n && n.timedOut()) {
            return new HandshakeException("connection upgrade timed out: " + n.getMessage(), n);
        }
        if (e instanceof IOException io) {
            return io;
        }
        return new HandshakeException("connection upgrade failed: " + e, e);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // the upgrade is failing already; its error is what the caller sees
            LOG.log(System.Logger.Level.DEBUG, () -> "closing " + c + " after a failed upgrade: " + e);
        }
    }

    /** The raw connection seen through a lazy multistream selection. */
    private record LazyConnection(RawConnection raw, LazySelection selection) implements RawConnection {
        @Override
        public InputStream in() {
            return selection.in();
        }

        @Override
        public OutputStream out() {
            return selection.out();
        }

        @Override
        public void closeWrite() throws IOException {
            raw.closeWrite();
        }

        @Override
        public void close() throws IOException {
            raw.close();
        }
    }
}
