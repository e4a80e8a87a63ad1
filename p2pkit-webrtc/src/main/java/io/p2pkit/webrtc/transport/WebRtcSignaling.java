package io.p2pkit.webrtc.transport;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.resource.ConnectionSpan;
import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.webrtc.dtls.DtlsAssociation;
import io.p2pkit.webrtc.dtls.WebRtcCertificate;
import io.p2pkit.webrtc.dtls.WebRtcPeerDtls;
import io.p2pkit.webrtc.ice.IceAgent;
import io.p2pkit.webrtc.ice.IceCredentials;
import io.p2pkit.webrtc.mux.UdpMux;
import io.p2pkit.webrtc.mux.UdpRelay;
import io.p2pkit.webrtc.sdp.IceCandidate;
import io.p2pkit.webrtc.sdp.SessionDescription;
import io.p2pkit.webrtc.signaling.CandidateJson;
import io.p2pkit.webrtc.signaling.SignalingMessage;
import io.p2pkit.webrtc.turn.TurnAllocation;
import io.p2pkit.webrtc.turn.TurnServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * One run of {@code /webrtc-signaling/0.0.1} and what follows it, up to DTLS: the offerer (the
 * dialer of the relayed connection) sends its SDP, reads the answer, and is the controlling ICE
 * agent; the answerer reads the offer, answers with {@code a=setup:active} (DTLS client, as
 * browsers answer) and is controlled. Our candidates, all written into our SDP, are host candidates
 * and, when STUN servers are configured, the server-reflexive ones they report, and when TURN
 * servers are configured, a relay candidate per allocation (asked just before the SDP is written,
 * from the connection's socket; relay-only, just those); the remote's come in its SDP and trickle
 * in as ICE_CANDIDATE messages, read on a thread of their own until the stream ends. Each
 * connection has a UDP socket of its own, as in browsers.
 *
 * <p>The caller bounds the whole run: it resets the stream at the deadline, which ends every read.
 */
final class WebRtcSignaling {
    private static final int QUEUE_CAPACITY = 256;
    /** Most ICE_CANDIDATE messages read from one stream. */
    static final int MAX_TRICKLED = 64;

    private final WebRtcCertificate certificate;
    private final List<InetAddress> hostAddresses;
    private final List<InetSocketAddress> stunServers;
    private final List<TurnServer> turnServers;
    private final boolean relayOnly;
    private final long maxMessageSize;

    /**
     * @param stunServers STUN servers each connection asks for its server-reflexive candidates
     * @param turnServers TURN servers each connection allocates a relay candidate on
     * @param relayOnly   whether our only candidates are relay ones (and checks go only through them)
     */
    WebRtcSignaling(WebRtcCertificate certificate, List<InetAddress> hostAddresses, List<InetSocketAddress> stunServers,
                    List<TurnServer> turnServers, boolean relayOnly, long maxMessageSize) {
        this.certificate = certificate;
        this.hostAddresses = hostAddresses;
        this.stunServers = List.copyOf(stunServers);
        this.turnServers = List.copyOf(turnServers);
        this.relayOnly = relayOnly;
        this.maxMessageSize = maxMessageSize;
    }

    /**
     * Sends the offer, reads the answer, runs ICE as controlling and DTLS in the role the answer
     * leaves us; the datagrams (and what SCTP holds above) are charged to {@code memory}, and
     * {@code span}, when not null, is owned by the association.
     */
    DtlsAssociation offer(InputStream in, OutputStream out, Instant deadline, MemoryScope memory, ConnectionSpan span)
            throws IOException, TimeoutException, InterruptedException {
        IceAgent agent = new IceAgent(IceAgent.randomCredentials(), true);
        ServerReflexiveGathering reflexive = new ServerReflexiveGathering(stunServers, agent);
        RelayGathering relays = new RelayGathering(turnServers, reflexive);
        UdpMux mux = UdpMux.open(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0), relays, 1, QUEUE_CAPACITY);
        try {
            SessionDescription offer = local(agent.localCredentials(), SessionDescription.Setup.ACTPASS, "0",
                    candidates(agent, mux, reflexive, relays, deadline));
            new SignalingMessage(SignalingMessage.Type.SDP_OFFER, offer.toSdp()).writeTo(out);
            SignalingMessage m = SignalingMessage.read(in);
            if (m == null || m.type() != SignalingMessage.Type.SDP_ANSWER) {
                throw new IOException("expected an SDP answer, got " + (m == null ? "the end of the stream" : m.type()));
            }
            SessionDescription answer = SessionDescription.parse(m.data());
            // the answer picks the DTLS roles: active means it is the client, so we are the server
            boolean dtlsClient = answer.setup() == SessionDescription.Setup.PASSIVE;
            return connect(agent, mux, relays, answer, in, dtlsClient, deadline, memory, span);
        } catch (IOException | TimeoutException | InterruptedException | RuntimeException e) {
            mux.close();
            throw e;
        }
    }

    /** Reads the offer, sends the answer ({@code a=setup:active}), runs ICE as controlled and DTLS as client; charged as {@link #offer}. */
    DtlsAssociation answer(InputStream in, OutputStream out, Instant deadline, MemoryScope memory, ConnectionSpan span)
            throws IOException, TimeoutException, InterruptedException {
        SignalingMessage m = SignalingMessage.read(in);
        if (m == null || m.type() != SignalingMessage.Type.SDP_OFFER) {
            throw new IOException("expected an SDP offer, got " + (m == null ? "the end of the stream" : m.type()));
        }
        SessionDescription offer = SessionDescription.parse(m.data());
        if (offer.setup() == SessionDescription.Setup.ACTIVE) {
            throw new DecodeException("sdp", "an offer must say setup:actpass or passive");
        }
        IceAgent agent = new IceAgent(IceAgent.randomCredentials(), false);
        ServerReflexiveGathering reflexive = new ServerReflexiveGathering(stunServers, agent);
        RelayGathering relays = new RelayGathering(turnServers, reflexive);
        UdpMux mux = UdpMux.open(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0), relays, 1, QUEUE_CAPACITY);
        try {
            SessionDescription answer = local(agent.localCredentials(), SessionDescription.Setup.ACTIVE, offer.mid(),
                    candidates(agent, mux, reflexive, relays, deadline));
            new SignalingMessage(SignalingMessage.Type.SDP_ANSWER, answer.toSdp()).writeTo(out);
            return connect(agent, mux, relays, offer, in, true, deadline, memory, span);
        } catch (IOException | TimeoutException | InterruptedException | RuntimeException e) {
            mux.close();
            throw e;
        }
    }

    private DtlsAssociation connect(IceAgent agent, UdpMux mux, RelayGathering relays, SessionDescription remote,
                                    InputStream in, boolean dtlsClient, Instant deadline, MemoryScope memory,
                                    ConnectionSpan span)
            throws IOException, TimeoutException, InterruptedException {
        agent.setRemoteCredentials(remoteCredentials(remote));
        for (IceCandidate c : remote.candidates()) {
            if (pairable(c)) {
                agent.addRemoteCandidate(c);
            }
        }
        Thread trickle = Thread.ofVirtual().name("webrtc-signaling-candidates").start(() -> readCandidates(in, agent));
        try {
            InetSocketAddress selected;
            try {
                selected = agent.run(mux, deadline);
            } catch (TimeoutException e) {
                List<String> failed = relays.failures();
                throw failed.isEmpty() ? e : new TimeoutException(e.getMessage() + "; " + String.join("; ", failed));
            }
            UdpRelay via = agent.selectedRelay().orElse(null);
            relays.keepOnly(via); // allocations no pair uses are released
            if (via instanceof TurnAllocation allocation) {
                allocation.bindChannel(selected);
            }
            agent.keepAlive(); // ends when the mux closes: on a failed handshake, or with the association
            Duration left = Duration.between(Instant.now(), deadline);
            if (left.isNegative() || left.isZero()) {
                throw new TimeoutException("no time left for DTLS");
            }
            return WebRtcPeerDtls.handshake(mux, selected, via, dtlsClient, certificate, remote.fingerprint(), left,
                    memory, span);
        } finally {
            trickle.interrupt();
        }
    }

    /**
     * Gathers our candidates on {@code mux}: host ones, then server-reflexive ones from the STUN
     * servers and the TURN servers' mapped addresses, then a relay candidate per allocation, the
     * STUN and TURN servers asked at once (relay-only: the relay candidates alone, no STUN).
     *
     * @throws IOException when relay-only and no TURN server gave a candidate
     */
    private List<IceCandidate> candidates(IceAgent agent, UdpMux mux, ServerReflexiveGathering reflexive,
                                          RelayGathering relays, Instant deadline)
            throws IOException, InterruptedException {
        Instant until = gatheringDeadline(deadline);
        relays.start(mux, until);
        List<InetSocketAddress> mapped = new ArrayList<>(relayOnly ? List.of() : reflexive.gather(mux, until));
        List<TurnAllocation> allocations = relays.await();
        if (relayOnly) {
            agent.relayOnly();
            if (allocations.isEmpty()) {
                throw new IOException("relay-only /webrtc, and no TURN server gave a relay candidate: "
                        + String.join("; ", relays.failures()));
            }
        }
        int port = mux.localAddress().getPort();
        List<IceCandidate> candidates = new ArrayList<>();
        int foundation = 1;
        if (!relayOnly) {
            for (InetAddress a : hostAddresses) {
                candidates.add(IceCandidate.host(Integer.toString(foundation++), new InetSocketAddress(a, port)));
            }
            for (TurnAllocation a : allocations) {
                a.mappedAddress().filter(m -> !mapped.contains(m)).ifPresent(mapped::add);
            }
            // RFC 8445 §5.1.3: a mapped address that is a host candidate's is redundant; the base is
            // the first host candidate (the socket listens on all of them)
            InetSocketAddress base = new InetSocketAddress(hostAddresses.get(0), port);
            for (InetSocketAddress m : mapped) {
                if (!(hostAddresses.contains(m.getAddress()) && m.getPort() == port)) {
                    candidates.add(IceCandidate.serverReflexive(Integer.toString(foundation++), m, base));
                }
            }
        }
        for (TurnAllocation a : allocations) {
            agent.addRelay(a);
            candidates.add(IceCandidate.relay(Integer.toString(foundation++), a.relayedAddress(),
                    relayOnly ? Optional.empty() : a.mappedAddress()));
        }
        return candidates;
    }

    /**
     * Whether a remote candidate can pair with ours: loopback with loopback only, so that a node
     * whose host candidates are loopback (tests, one machine) never sends checks to any other
     * address, and one with real addresses sends none to a remote's loopback.
     */
    private boolean pairable(IceCandidate c) {
        boolean loopbackOnly = hostAddresses.stream().allMatch(InetAddress::isLoopbackAddress);
        return c.address().getAddress().isLoopbackAddress() == loopbackOnly;
    }

    /** Adds the trickled candidates until the stream ends (the caller closes or resets it). */
    private void readCandidates(InputStream in, IceAgent agent) {
        try {
            for (int n = 0; n < MAX_TRICKLED; n++) {
                SignalingMessage m = SignalingMessage.read(in);
                if (m == null) {
                    return;
                }
                if (m.type() != SignalingMessage.Type.ICE_CANDIDATE) {
                    return; // the spec allows only candidates now; stop listening
                }
                try {
                    CandidateJson.candidateLine(m.data()).flatMap(IceCandidate::parse)
                            .filter(this::pairable).ifPresent(agent::addRemoteCandidate);
                } catch (DecodeException e) {
                    System.getLogger(WebRtcSignaling.class.getName())
                            .log(System.Logger.Level.DEBUG, "a bad trickled candidate: " + e.getMessage());
                }
            }
        } catch (IOException | DecodeException e) {
            // the stream ended, was reset at the deadline or closed once connected
        }
    }

    /** Gathering takes at most {@link ServerReflexiveGathering#TIMEOUT}, and half of what is left of the run. */
    private static Instant gatheringDeadline(Instant deadline) {
        Instant now = Instant.now();
        Instant half = now.plus(Duration.between(now, deadline).dividedBy(2));
        Instant most = now.plus(ServerReflexiveGathering.TIMEOUT);
        return half.isBefore(most) ? half : most;
    }

    /** Our description, with these candidates. */
    private SessionDescription local(IceCredentials credentials, SessionDescription.Setup setup, String mid,
                                     List<IceCandidate> candidates) {
        return new SessionDescription(credentials.ufrag(), credentials.password(), certificate.fingerprint(), setup,
                mid, SessionDescription.DEFAULT_SCTP_PORT, maxMessageSize, candidates);
    }

    /** The remote's credentials; browsers' are ice-chars of the lengths RFC 8839 asks. */
    private static IceCredentials remoteCredentials(SessionDescription remote) {
        try {
            return new IceCredentials(remote.ufrag(), remote.password());
        } catch (IllegalArgumentException e) {
            throw new DecodeException("sdp", "bad ice-ufrag or ice-pwd: " + e.getMessage());
        }
    }
}
