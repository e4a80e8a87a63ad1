package io.p2pkit.core.auth;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.connmgr.ConnectionManager;
import io.p2pkit.core.crypto.PublicKey;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.LimitedConnections;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.host.Stream;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.network.ConnectionListener;
import io.p2pkit.core.reqres.Codec;
import io.p2pkit.core.reqres.RequestResponse;
import io.p2pkit.core.reqres.RequestResponseConfig;

import java.io.Closeable;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-protocol access control for a host, and {@value #PROTOCOL}, a challenge-response proof of
 * a trusted key. Set a {@link ProtocolPolicy} per protocol; the host then checks every inbound
 * stream of that protocol after multistream-select accepted it and before its handler runs: a
 * refused stream is reset (and logged), its connection stays. Protocols without a policy are not
 * checked. On the dialing side, {@link #authorize} checks a connection before a stream is opened.
 *
 * <p>When a policy {@linkplain ProtocolPolicy#requireAuth() requires a proof}, the verifier opens
 * a {@value #PROTOCOL} stream on the same connection and sends a fresh 32-byte nonce, the
 * protocol and an expiry; the prover (any host with this service attached) signs them together
 * with both peer IDs and a domain-separation prefix ({@link AuthPayload}) with its identity key.
 * The verifier accepts the proof if the nonce is one it sent and has not seen answered, the
 * expiry has not passed, the key is the connection's remote peer's, the signature verifies
 * against the values it sent itself, and {@link KeyTrust} trusts the key. A success authorizes
 * the (connection, protocol) pair for {@link AuthConfig#cacheTtl()}.
 *
 * <pre>{@code
 * PeerAuthorization auth = PeerAuthorization.attach(host, AuthConfig.trusting(KeyTrust.keys(List.of(aliceKey))));
 * auth.setPolicy("/myapp/admin/1.0.0", ProtocolPolicy.denyByDefault().allowNetwork("10.0.0.0/8").requireAuth());
 * }</pre>
 */
public final class PeerAuthorization implements Closeable {
    /** The protocol ID of the challenge-response exchange. */
    public static final String PROTOCOL = "/p2pkit/auth/1.0.0";

    private static final System.Logger LOG = LazyLogger.of(PeerAuthorization.class);

    private final Host host;
    private final AuthConfig config;
    private final Map<String, ProtocolPolicy> policies = new ConcurrentHashMap<>();
    private final PendingNonces pending;
    private final VerifiedConnections verified;
    private final RequestResponse<AuthMessage.Challenge, AuthMessage.Proof> exchange;
    private final ConnectionListener forgetClosed = new ConnectionListener() {
        @Override
        public void disconnected(Connection c) {
            verified.forget(c.id());
        }
    };

    private PeerAuthorization(Host host, AuthConfig config) {
        this.host = host;
        this.config = config;
        this.pending = new PendingNonces(config.maxPending());
        this.verified = new VerifiedConnections(config.maxCached());
        // Small control messages: they may run on limited (relayed) connections, as the protocols they guard may.
        this.exchange = RequestResponse.attach(host, PROTOCOL,
                Codec.of(AuthMessage.Challenge::encode, AuthMessage.Challenge::decode),
                Codec.of(AuthMessage.Proof::encode, AuthMessage.Proof::decode),
                RequestResponseConfig.defaults().withTimeout(config.timeout())
                        .withMaxSizes(AuthMessage.MAX_BYTES, AuthMessage.MAX_BYTES)
                        .withLimitedConnections(LimitedConnections.ALLOW));
    }

    /**
     * Attaches to {@code host}: answers challenges with the host's identity key, and checks the
     * host's inbound streams against the policies set from now on. Closed with the host.
     */
    public static PeerAuthorization attach(Host host, AuthConfig config) {
        PeerAuthorization a = new PeerAuthorization(Objects.requireNonNull(host, "host"), Objects.requireNonNull(config, "config"));
        a.exchange.serve(a::prove);
        host.addConnectionListener(a.forgetClosed);
        host.setStreamAuthorizer(a::authorize);
        host.addService(a);
        return a;
    }

    /** Puts {@code protocol} under {@code policy} (replacing its earlier one). */
    public PeerAuthorization setPolicy(String protocol, ProtocolPolicy policy) {
        policies.put(Objects.requireNonNull(protocol, "protocol"), Objects.requireNonNull(policy, "policy"));
        return this;
    }

    /** Removes {@code protocol}'s policy: every peer may use it again. */
    public void removePolicy(String protocol) {
        policies.remove(protocol);
    }

    /** The policy of {@code protocol}, if it has one. */
    public Optional<ProtocolPolicy> policy(String protocol) {
        return Optional.ofNullable(policies.get(protocol));
    }

    /**
     * Checks that the peer at the other end of {@code connection} may use {@code protocol}: the
     * protocol's policy rules, then (if it requires one, and none is cached for the connection)
     * a proof of a trusted key. The host calls it for inbound streams; call it before opening a
     * stream to hold the remote to the same policy.
     *
     * @throws AccessDeniedException with the reason when the peer may not
     */
    public void authorize(Connection connection, String protocol) throws AccessDeniedException {
        ProtocolPolicy policy = policies.get(protocol);
        if (policy == null) {
            return;
        }
        PeerId peer = connection.remotePeer();
        Optional<String> refusal = policy.refusal(peer, connection.remoteAddress(), tags(peer));
        if (refusal.isPresent()) {
            throw new AccessDeniedException(peer, protocol, refusal.get(), null);
        }
        if (policy.requiresAuth() && !verified.isVerified(connection.id(), protocol, now())) {
            verify(connection, protocol);
            if (!config.cacheTtl().isZero() && !connection.isClosed()) {
                verified.verified(connection.id(), protocol, now() + config.cacheTtl().toMillis(), now());
            }
        }
    }

    /**
     * Opens a stream for {@code protocol} to {@code peer} once {@link #authorize} lets the
     * connection through (a direct one, as {@link Host#newStream(io.p2pkit.core.network.Connection, String...)}).
     */
    public Stream newStream(PeerInfo peer, String protocol) throws IOException {
        Connection c = host.connect(peer);
        authorize(c, protocol);
        return host.newStream(c, protocol);
    }

    /**
     * Challenges the remote of {@code connection} to prove a trusted key for {@code protocol},
     * now (never from the cache), and returns the key it proved.
     *
     * @throws AccessDeniedException when it does not answer or its proof fails
     */
    public PublicKey verify(Connection connection, String protocol) throws AccessDeniedException {
        PeerId peer = connection.remotePeer();
        byte[] nonce = new byte[AuthMessage.NONCE_BYTES];
        config.random().nextBytes(nonce);
        long now = now();
        AuthMessage.Challenge challenge = new AuthMessage.Challenge(nonce, protocol, now + config.validity().toMillis());
        if (!pending.issue(nonce, challenge.expiresMillis(), now)) {
            throw new AccessDeniedException(peer, protocol, "too many challenges in flight (" + config.maxPending() + ")", null);
        }
        AuthMessage.Proof proof;
        try {
            proof = exchange.request(connection, challenge, config.timeout());
        } catch (IOException e) {
            pending.drop(nonce);
            throw new AccessDeniedException(peer, protocol, "no proof of key: " + e.getMessage(), e);
        }
        return check(challenge, proof, host.peerId(), peer);
    }

    /**
     * Checks {@code proof} against the challenge this verifier sent to {@code prover}; uses up
     * the challenge's nonce.
     */
    PublicKey check(AuthMessage.Challenge sent, AuthMessage.Proof proof, PeerId verifier, PeerId prover)
            throws AccessDeniedException {
        String protocol = sent.protocol();
        if (!pending.consume(sent.nonce())) {
            throw new AccessDeniedException(prover, protocol, "the answer is to a challenge not pending (replayed)", null);
        }
        if (now() > sent.expiresMillis()) {
            throw new AccessDeniedException(prover, protocol, "the answer came after the challenge expired", null);
        }
        PublicKey key = proof.publicKey();
        if (!key.toPeerId().equals(prover)) {
            throw new AccessDeniedException(prover, protocol, "the proof is signed by " + key.toPeerId()
                    + ", not by the connection's peer", null);
        }
        byte[] payload = AuthPayload.of(sent.nonce(), protocol, verifier, prover, sent.expiresMillis());
        if (!key.verify(payload, proof.signature())) {
            throw new AccessDeniedException(prover, protocol, "the signature does not verify (forged, or made for "
                    + "another nonce, protocol, verifier or expiry)", null);
        }
        if (!config.trust().trusts(key, protocol)) {
            throw new AccessDeniedException(prover, protocol, "its key is not trusted for the protocol", null);
        }
        return key;
    }

    /** The prover's side: signs a challenge for the verifier at the other end of {@code from}. */
    private AuthMessage.Proof prove(Connection from, AuthMessage.Challenge challenge) {
        long now = now();
        if (challenge.expiresMillis() < now) {
            throw new DecodeException("expires", "the challenge has expired already");
        }
        if (challenge.expiresMillis() - now > config.maxValidity().toMillis()) {
            throw new DecodeException("expires", "the challenge expires more than " + config.maxValidity() + " ahead");
        }
        byte[] payload = AuthPayload.of(challenge.nonce(), challenge.protocol(), from.remotePeer(), host.peerId(),
                challenge.expiresMillis());
        return new AuthMessage.Proof(host.identity().publicKey(), host.identity().sign(payload));
    }

    /** The peer's tags in the host's connection manager, if it has one. */
    private Set<String> tags(PeerId peer) {
        return host.service(ConnectionManager.class).flatMap(cm -> cm.tagInfo(peer))
                .map(info -> info.tags().keySet()).orElse(Set.of());
    }

    private long now() {
        return config.clock().millis();
    }

    /** Records {@code sent} as pending, as {@link #verify} does before sending it (tests). */
    boolean issue(AuthMessage.Challenge sent) {
        return pending.issue(sent.nonce(), sent.expiresMillis(), now());
    }

    /** How many (connection, protocol) results are cached (tests). */
    int cached() {
        return verified.size();
    }

    /** Stops checking the host's streams and answering challenges. */
    @Override
    public void close() {
        host.setStreamAuthorizer(null);
        exchange.close();
    }

    @Override
    public String toString() {
        return "PeerAuthorization[" + policies.keySet() + "]";
    }
}
