package io.p2pkit.core.auth;

import io.p2pkit.core.connmgr.ConnectionManager;
import io.p2pkit.core.connmgr.ConnectionManagerConfig;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.crypto.PublicKey;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.reqres.Codec;
import io.p2pkit.core.reqres.RequestHandler;
import io.p2pkit.core.reqres.RequestResponse;
import io.p2pkit.core.reqres.RequestResponseConfig;
import io.p2pkit.core.reqres.RequestResponseException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PeerAuthorizationTest {
    private static final String APP = "/test/app/1.0.0";
    private final List<Host> hosts = new ArrayList<>();

    /** A wall clock the test moves. */
    private static final class TestClock implements InstantSource {
        final AtomicLong millis = new AtomicLong(1_800_000_000_000L);

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }
    }

    @AfterEach
    void closeHosts() {
        hosts.forEach(Host::close);
    }

    private Host host(PrivateKey key) throws IOException {
        Host h = Host.builder().identity(key).listen("/ip4/127.0.0.1/tcp/0")
                .connectionManager(new ConnectionManager(ConnectionManagerConfig.defaults())).build();
        hosts.add(h);
        return h;
    }

    private Host host() throws IOException {
        return host(PrivateKey.generateEd25519());
    }

    /** A server of {@link #APP} (echo) under {@code auth}. */
    private static void serveEcho(Host server) {
        RequestResponse.attach(server, APP).serve((from, request) -> request);
    }

    private static byte[] ask(Host client, Host server) throws IOException {
        return RequestResponse.attach(client, APP).request(new PeerInfo(server.peerId(), server.addresses()),
                "hi".getBytes(StandardCharsets.UTF_8));
    }

    private static Connection connection(Host from, Host to) {
        return from.network().connection(to.peerId()).orElseThrow();
    }

    @Test
    void cidrRulesLetLoopbackInOrRefuseItAndTheConnectionSurvives() throws Exception {
        Host server = host();
        Host client = host();
        serveEcho(server);
        PeerAuthorization auth = PeerAuthorization.attach(server, AuthConfig.trusting(KeyTrust.keys(List.of())));
        auth.setPolicy(APP, ProtocolPolicy.denyByDefault().allowNetwork("127.0.0.0/8"));
        assertArrayEquals("hi".getBytes(StandardCharsets.UTF_8), ask(client, server));
        Connection c = connection(client, server);

        auth.setPolicy(APP, ProtocolPolicy.denyByDefault().allowNetwork("10.0.0.0/8"));
        assertThrows(RequestResponseException.RemoteReset.class, () -> ask(client, server));
        // deny wins over the allow rule naming the client itself
        auth.setPolicy(APP, ProtocolPolicy.allowByDefault().allowPeer(client.peerId()).denyNetwork("127.0.0.1/32"));
        assertThrows(RequestResponseException.RemoteReset.class, () -> ask(client, server));

        // the connection is the same and still serves other protocols
        assertFalse(c.isClosed());
        assertEquals(c, connection(client, server));
        assertTrue(client.service(io.p2pkit.core.ping.PingService.class).orElseThrow()
                .ping(new PeerInfo(server.peerId(), List.of())).toNanos() >= 0);
        auth.removePolicy(APP);
        assertArrayEquals("hi".getBytes(StandardCharsets.UTF_8), ask(client, server));
    }

    @Test
    void peerAndTagRules() throws Exception {
        Host server = host();
        Host client = host();
        serveEcho(server);
        PeerAuthorization auth = PeerAuthorization.attach(server, AuthConfig.trusting(KeyTrust.keys(List.of())));
        auth.setPolicy(APP, ProtocolPolicy.allowByDefault().denyPeer(client.peerId()));
        assertThrows(RequestResponseException.RemoteReset.class, () -> ask(client, server));

        auth.setPolicy(APP, ProtocolPolicy.denyByDefault().allowTag("trusted"));
        assertThrows(RequestResponseException.RemoteReset.class, () -> ask(client, server));
        ConnectionManager cm = server.service(ConnectionManager.class).orElseThrow();
        cm.tagPeer(client.peerId(), "trusted", 10);
        assertArrayEquals("hi".getBytes(StandardCharsets.UTF_8), ask(client, server));
        auth.setPolicy(APP, ProtocolPolicy.denyByDefault().allowTag("trusted").denyTag("abuser"));
        cm.tagPeer(client.peerId(), "abuser", 1);
        assertThrows(RequestResponseException.RemoteReset.class, () -> ask(client, server));
    }

    @Test
    void aTrustedKeyProvesItselfOnceAndIsCachedPerConnection() throws Exception {
        PrivateKey clientKey = PrivateKey.generateEd25519();
        Host server = host();
        Host client = host(clientKey);
        serveEcho(server);
        PeerAuthorization auth = PeerAuthorization.attach(server,
                AuthConfig.trusting(KeyTrust.keys(List.of(clientKey.publicKey()))));
        auth.setPolicy(APP, ProtocolPolicy.allowByDefault().requireAuth());
        PeerAuthorization.attach(client, AuthConfig.trusting(KeyTrust.keys(List.of())));
        assertArrayEquals("hi".getBytes(StandardCharsets.UTF_8), ask(client, server));
        assertEquals(1, auth.cached());
        assertArrayEquals("hi".getBytes(StandardCharsets.UTF_8), ask(client, server));
        assertEquals(1, auth.cached());
        connection(client, server).close();
        io.p2pkit.testing.Await.until("cache entry dropped with its connection", () -> auth.cached() == 0,
                java.time.Duration.ofSeconds(20));
    }

    @Test
    void untrustedKeysAndPeersThatCannotProveAreRefused() throws Exception {
        Host server = host();
        Host stranger = host();
        Host silent = host();
        serveEcho(server);
        PeerAuthorization auth = PeerAuthorization.attach(server,
                AuthConfig.trusting(KeyTrust.keys(List.of(PrivateKey.generateEd25519().publicKey()))));
        auth.setPolicy(APP, ProtocolPolicy.allowByDefault().requireAuth());
        PeerAuthorization.attach(stranger, AuthConfig.trusting(KeyTrust.keys(List.of())));
        assertThrows(RequestResponseException.RemoteReset.class, () -> ask(stranger, server));
        assertThrows(RequestResponseException.RemoteReset.class, () -> ask(silent, server));

        var e = assertThrows(AccessDeniedException.class, () -> auth.verify(connection(server, stranger), APP));
        assertTrue(e.getMessage().contains("not trusted"), e.getMessage());
        e = assertThrows(AccessDeniedException.class, () -> auth.verify(connection(server, silent), APP));
        assertTrue(e.getMessage().contains("no proof of key") && e.getMessage().contains("does not support"), e.getMessage());
        assertEquals(0, auth.cached());
    }

    @Test
    void theDialerHoldsTheServerToItsPolicyToo() throws Exception {
        PrivateKey serverKey = PrivateKey.generateEd25519();
        Host server = host(serverKey);
        Host client = host();
        serveEcho(server);
        PeerAuthorization.attach(server, AuthConfig.trusting(KeyTrust.keys(List.of())));
        PeerAuthorization mine = PeerAuthorization.attach(client,
                AuthConfig.trusting(KeyTrust.keys(List.of(serverKey.publicKey()))));
        mine.setPolicy(APP, ProtocolPolicy.denyByDefault().allowNetwork("127.0.0.0/8").requireAuth());
        try (var s = mine.newStream(new PeerInfo(server.peerId(), server.addresses()), APP)) {
            assertEquals(APP, s.protocol());
        }
        mine.setPolicy(APP, ProtocolPolicy.denyByDefault().allowNetwork("127.0.0.0/8").requireAuth()
                .denyPeer(server.peerId()));
        var e = assertThrows(AccessDeniedException.class,
                () -> mine.newStream(new PeerInfo(server.peerId(), server.addresses()), APP));
        assertEquals(server.peerId(), e.peer());
        assertEquals(APP, e.protocol());
    }

    // ------------------------------------------------------------------ bad proofs

    /** A prover that answers challenges with {@code answer} instead of an honest proof. */
    private static Host cheater(List<Host> hosts, PrivateKey key, RequestHandler<AuthMessage.Challenge, AuthMessage.Proof> answer)
            throws IOException {
        Host h = Host.builder().identity(key).listen("/ip4/127.0.0.1/tcp/0").build();
        hosts.add(h);
        RequestResponse.attach(h, PeerAuthorization.PROTOCOL,
                Codec.of(AuthMessage.Challenge::encode, AuthMessage.Challenge::decode),
                Codec.of(AuthMessage.Proof::encode, AuthMessage.Proof::decode),
                RequestResponseConfig.defaults()).serve(answer);
        return h;
    }

    private static AuthMessage.Proof honest(PrivateKey key, PeerId verifier, AuthMessage.Challenge c) {
        return sign(key, c.nonce(), c.protocol(), verifier, c.expiresMillis());
    }

    private static AuthMessage.Proof sign(PrivateKey key, byte[] nonce, String protocol, PeerId verifier, long expires) {
        return new AuthMessage.Proof(key.publicKey(),
                key.sign(AuthPayload.of(nonce, protocol, verifier, key.publicKey().toPeerId(), expires)));
    }

    private String refusalOf(PrivateKey key, RequestHandler<AuthMessage.Challenge, AuthMessage.Proof> answer,
                             TestClock clock) throws Exception {
        Host server = host();
        PeerAuthorization auth = PeerAuthorization.attach(server,
                AuthConfig.trusting(KeyTrust.keys(List.of(key.publicKey()))).withClock(clock));
        Host cheater = cheater(hosts, key, answer);
        server.connect(new PeerInfo(cheater.peerId(), cheater.addresses()));
        Connection c = connection(server, cheater);
        return assertThrows(AccessDeniedException.class, () -> auth.verify(c, APP)).getMessage();
    }

    @Test
    void aForgedSignatureIsRefused() throws Exception {
        PrivateKey key = PrivateKey.generateEd25519();
        String why = refusalOf(key, (from, c) -> new AuthMessage.Proof(key.publicKey(), new byte[64]), new TestClock());
        assertTrue(why.contains("signature does not verify"), why);
    }

    @Test
    void aProofByAnotherKeyThanTheConnectionsIsRefused() throws Exception {
        PrivateKey key = PrivateKey.generateEd25519();
        PrivateKey other = PrivateKey.generateEd25519();
        String why = refusalOf(key, (from, c) -> honest(other, from.remotePeer(), c), new TestClock());
        assertTrue(why.contains("not by the connection's peer"), why);
    }

    @Test
    void aReplayedProofIsRefused() throws Exception {
        PrivateKey key = PrivateKey.generateEd25519();
        AtomicReference<AuthMessage.Proof> first = new AtomicReference<>();
        AtomicInteger asked = new AtomicInteger();
        Host server = host();
        PeerAuthorization auth = PeerAuthorization.attach(server,
                AuthConfig.trusting(KeyTrust.keys(List.of(key.publicKey()))));
        Host cheater = cheater(hosts, key, (from, c) -> {
            if (asked.getAndIncrement() == 0) {
                first.set(honest(key, from.remotePeer(), c));
            }
            return first.get(); // the first answer, again
        });
        server.connect(new PeerInfo(cheater.peerId(), cheater.addresses()));
        Connection c = connection(server, cheater);
        assertEquals(key.publicKey(), auth.verify(c, APP));
        var e = assertThrows(AccessDeniedException.class, () -> auth.verify(c, APP));
        assertTrue(e.getMessage().contains("signature does not verify"), e.getMessage());
    }

    @Test
    void theSameNonceIsAcceptedOnce() throws Exception {
        PrivateKey key = PrivateKey.generateEd25519();
        Host server = host();
        PeerAuthorization auth = PeerAuthorization.attach(server,
                AuthConfig.trusting(KeyTrust.keys(List.of(key.publicKey()))));
        PeerId prover = key.publicKey().toPeerId();
        byte[] nonce = new byte[32];
        nonce[0] = 7;
        long expires = System.currentTimeMillis() + 30_000;
        var challenge = new AuthMessage.Challenge(nonce, APP, expires);
        assertTrue(auth.issue(challenge)); // as verify does: the nonce is pending once sent
        AuthMessage.Proof proof = sign(key, nonce, APP, server.peerId(), expires);
        PublicKey proven = auth.check(challenge, proof, server.peerId(), prover);
        assertEquals(key.publicKey(), proven);
        var e = assertThrows(AccessDeniedException.class, () -> auth.check(challenge, proof, server.peerId(), prover));
        assertTrue(e.getMessage().contains("replayed"), e.getMessage());
    }

    @Test
    void aProofForAnotherVerifierIsRefused() throws Exception {
        PrivateKey key = PrivateKey.generateEd25519();
        PeerId elsewhere = PrivateKey.generateEd25519().publicKey().toPeerId();
        String why = refusalOf(key, (from, c) -> honest(key, elsewhere, c), new TestClock());
        assertTrue(why.contains("signature does not verify"), why);
    }

    @Test
    void aProofForAnotherProtocolIsRefused() throws Exception {
        PrivateKey key = PrivateKey.generateEd25519();
        String why = refusalOf(key, (from, c) -> sign(key, c.nonce(), "/test/other/1.0.0", from.remotePeer(),
                c.expiresMillis()), new TestClock());
        assertTrue(why.contains("signature does not verify"), why);
    }

    @Test
    void aProofForAnotherExpiryIsRefused() throws Exception {
        PrivateKey key = PrivateKey.generateEd25519();
        String why = refusalOf(key, (from, c) -> sign(key, c.nonce(), c.protocol(), from.remotePeer(),
                c.expiresMillis() + 60_000), new TestClock());
        assertTrue(why.contains("signature does not verify"), why);
    }

    @Test
    void aProofAfterTheChallengeExpiredIsRefused() throws Exception {
        PrivateKey key = PrivateKey.generateEd25519();
        TestClock clock = new TestClock();
        String why = refusalOf(key, (from, c) -> {
            clock.millis.addAndGet(31_000); // the answer takes longer than the challenge's 30 s
            return honest(key, from.remotePeer(), c);
        }, clock);
        assertTrue(why.contains("after the challenge expired"), why);
    }

    @Test
    void aProverRefusesChallengesThatAreExpiredOrTooLongLived() throws Exception {
        Host prover = host();
        Host verifier = host();
        PeerAuthorization.attach(prover, AuthConfig.trusting(KeyTrust.keys(List.of())));
        var raw = RequestResponse.attach(verifier, PeerAuthorization.PROTOCOL,
                Codec.of(AuthMessage.Challenge::encode, AuthMessage.Challenge::decode),
                Codec.of(AuthMessage.Proof::encode, AuthMessage.Proof::decode), RequestResponseConfig.defaults());
        PeerInfo to = new PeerInfo(prover.peerId(), prover.addresses());
        long now = System.currentTimeMillis();
        var ok = raw.request(to, new AuthMessage.Challenge(new byte[32], APP, now + 10_000));
        assertEquals(prover.identity().publicKey(), ok.publicKey());
        assertThrows(RequestResponseException.RemoteReset.class,
                () -> raw.request(to, new AuthMessage.Challenge(new byte[32], APP, now - 1)));
        assertThrows(RequestResponseException.RemoteReset.class,
                () -> raw.request(to, new AuthMessage.Challenge(new byte[32], APP, now + 3_600_000)));
    }
}
