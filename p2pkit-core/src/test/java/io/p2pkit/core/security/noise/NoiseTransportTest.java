package io.p2pkit.core.security.noise;

import io.p2pkit.core.crypto.KeyType;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.security.HandshakeException;
import io.p2pkit.core.security.SecureConnection;
import io.p2pkit.core.transport.RawConnection;
import io.p2pkit.core.transport.memory.MemoryConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.p2pkit.testing.Futures.async;
import static io.p2pkit.testing.Futures.await;
import static io.p2pkit.testing.Futures.failure;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NoiseTransportTest {
    private static final List<String> YAMUX_MPLEX = List.of("/yamux/1.0.0", "/mplex/6.7.0");

    record Secured(SecureConnection dialer, SecureConnection listener) {
    }

    static Secured connect(NoiseTransport dialer, NoiseTransport listener, RawConnection a, RawConnection b,
                           PeerId expected) throws Exception {
        CompletableFuture<SecureConnection> in = async(() -> listener.secureInbound(b));
        SecureConnection out = dialer.secureOutbound(a, expected);
        return new Secured(out, await(in));
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void handshakesInBothRolesWithEveryKeyType(KeyType type) throws Exception {
        PrivateKey dialerKey = PrivateKey.generate(type);
        PrivateKey listenerKey = PrivateKey.generate(type == KeyType.ED25519 ? KeyType.SECP256K1 : KeyType.ED25519);
        for (boolean swap : new boolean[] {false, true}) {
            PrivateKey d = swap ? listenerKey : dialerKey;
            PrivateKey l = swap ? dialerKey : listenerKey;
            MemoryConnection.Pair pair = MemoryConnection.pair();
            Secured s = connect(new NoiseTransport(d, List.of()), new NoiseTransport(l, List.of()),
                    pair.initiator(), pair.responder(), l.publicKey().toPeerId());
            assertEquals(d.publicKey().toPeerId(), s.dialer.localPeer());
            assertEquals(l.publicKey().toPeerId(), s.dialer.remotePeer());
            assertEquals(d.publicKey().toPeerId(), s.listener.remotePeer());
            assertEquals(d.publicKey(), s.listener.remotePublicKey());
            assertEquals(l.publicKey(), s.dialer.remotePublicKey());
            assertEquals("/noise", s.dialer.securityProtocol());
            assertEquals(Optional.empty(), s.dialer.earlyMuxer());
            assertArrayEquals(((NoiseConnection) s.dialer).handshakeHash(), ((NoiseConnection) s.listener).handshakeHash());
            exchange(s);
            s.dialer.close();
            s.listener.close();
        }
    }

    /** A message each way, then half-close each way. */
    private static void exchange(Secured s) throws Exception {
        s.dialer.out().write("ping".getBytes());
        s.dialer.out().flush();
        assertArrayEquals("ping".getBytes(), s.listener.in().readNBytes(4));
        s.listener.out().write("pong".getBytes());
        s.listener.closeWrite();
        assertArrayEquals("pong".getBytes(), s.dialer.in().readAllBytes());
        s.dialer.closeWrite();
        assertEquals(-1, s.listener.in().read());
    }

    @Test
    void theExpectedPeerIsCheckedAndAMismatchNamesBothIds() throws Exception {
        PrivateKey dialerKey = PrivateKey.generate(KeyType.ED25519);
        PrivateKey listenerKey = PrivateKey.generate(KeyType.ED25519);
        PeerId other = PrivateKey.generate(KeyType.ED25519).publicKey().toPeerId();
        PeerId actual = listenerKey.publicKey().toPeerId();
        MemoryConnection.Pair pair = MemoryConnection.pair();
        NoiseTransport listener = new NoiseTransport(listenerKey, List.of());
        CompletableFuture<SecureConnection> in = async(() -> listener.secureInbound(pair.responder()));
        HandshakeException e = assertThrows(HandshakeException.class,
                () -> new NoiseTransport(dialerKey, List.of()).secureOutbound(pair.initiator(), other));
        assertTrue(e.getMessage().contains(other.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(actual.toString()), e.getMessage());
        assertInstanceOf(HandshakeException.class, failure(in), "the listener sees the dialer leave");
    }

    @Test
    void withoutAnExpectedPeerAnyPeerIsAccepted() throws Exception {
        PrivateKey listenerKey = PrivateKey.generate(KeyType.ECDSA);
        MemoryConnection.Pair pair = MemoryConnection.pair();
        Secured s = connect(new NoiseTransport(PrivateKey.generate(KeyType.ED25519), List.of()),
                new NoiseTransport(listenerKey, List.of()), pair.initiator(), pair.responder(), null);
        assertEquals(listenerKey.publicKey().toPeerId(), s.dialer.remotePeer());
    }

    @Test
    void earlyMuxerIsTheInitiatorsFirstChoiceTheResponderSupports() throws Exception {
        assertEquals(Optional.of("/yamux/1.0.0"), muxers(YAMUX_MPLEX, List.of("/mplex/6.7.0", "/yamux/1.0.0")));
        assertEquals(Optional.of("/mplex/6.7.0"), muxers(List.of("/mplex/6.7.0", "/yamux/1.0.0"), YAMUX_MPLEX));
        assertEquals(Optional.of("/mplex/6.7.0"), muxers(YAMUX_MPLEX, List.of("/mplex/6.7.0")));
        assertEquals(Optional.of("/yamux/1.0.0"), muxers(List.of("/x/1", "/yamux/1.0.0"), YAMUX_MPLEX));
    }

    @Test
    void noEarlyMuxerWhenOnlyOneSideOffers() throws Exception {
        assertEquals(Optional.empty(), muxers(YAMUX_MPLEX, List.of()));
        assertEquals(Optional.empty(), muxers(List.of(), YAMUX_MPLEX));
        assertEquals(Optional.empty(), muxers(List.of(), List.of()));
    }

    @Test
    void disjointMuxerListsFailTheHandshakeOnBothSides() throws Exception {
        MemoryConnection.Pair pair = MemoryConnection.pair();
        NoiseTransport listener = new NoiseTransport(PrivateKey.generate(KeyType.ED25519), List.of("/mplex/6.7.0"));
        CompletableFuture<SecureConnection> in = async(() -> listener.secureInbound(pair.responder()));
        NoiseTransport dialer = new NoiseTransport(PrivateKey.generate(KeyType.ED25519), List.of("/yamux/1.0.0"));
        HandshakeException e = assertThrows(HandshakeException.class, () -> dialer.secureOutbound(pair.initiator(), null));
        assertTrue(e.getMessage().contains("no muxer in common"), e.getMessage());
        assertInstanceOf(HandshakeException.class, failure(in));
    }

    /** The early muxers both sides agree on when the dialer offers {@code dialer} and the listener {@code listener}. */
    private static Optional<String> muxers(List<String> dialer, List<String> listener) throws Exception {
        MemoryConnection.Pair pair = MemoryConnection.pair();
        Secured s = connect(new NoiseTransport(PrivateKey.generate(KeyType.ED25519), dialer),
                new NoiseTransport(PrivateKey.generate(KeyType.ED25519), listener),
                pair.initiator(), pair.responder(), null);
        assertEquals(s.dialer.earlyMuxer(), s.listener.earlyMuxer());
        assertEquals(listener, ((NoiseConnection) s.dialer).remoteExtensions().streamMuxers());
        assertEquals(dialer, ((NoiseConnection) s.listener).remoteExtensions().streamMuxers());
        s.dialer.close();
        s.listener.close();
        return s.dialer.earlyMuxer();
    }

    @ParameterizedTest
    @ValueSource(ints = {1 << 20, 64 << 20})
    void bulkTransfersBothWaysAtOnceArriveIntact(int size) throws Exception {
        MemoryConnection.Pair pair = MemoryConnection.pair();
        Secured s = connect(new NoiseTransport(PrivateKey.generate(KeyType.ED25519), List.of()),
                new NoiseTransport(PrivateKey.generate(KeyType.ED25519), List.of()),
                pair.initiator(), pair.responder(), null);
        CompletableFuture<byte[]> sentByDialer = async(() -> send(s.dialer.out(), size, 1));
        CompletableFuture<byte[]> sentByListener = async(() -> send(s.listener.out(), size, 2));
        CompletableFuture<byte[]> readByListener = async(() -> receive(s.listener.in(), size));
        CompletableFuture<byte[]> readByDialer = async(() -> receive(s.dialer.in(), size));
        assertArrayEquals(await(sentByDialer), await(readByListener));
        assertArrayEquals(await(sentByListener), await(readByDialer));
    }

    /** Writes {@code size} seeded random bytes in varied chunk sizes, half-closes, returns their SHA-256. */
    private static byte[] send(OutputStream out, int size, long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] chunk = new byte[300_000];
        int sent = 0;
        while (sent < size) {
            int n = Math.min(size - sent, random.nextInt(3) == 0 ? random.nextInt(1, 2000) : random.nextInt(1, chunk.length));
            random.nextBytes(chunk);
            out.write(chunk, 0, n);
            sha.update(chunk, 0, n);
            sent += n;
        }
        out.close();
        return sha.digest();
    }

    /** Reads to the end, checks the length, returns the SHA-256. */
    private static byte[] receive(InputStream in, int size) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[100_000];
        long total = 0;
        int n;
        while ((n = in.read(buf)) >= 0) {
            sha.update(buf, 0, n);
            total += n;
        }
        assertEquals(size, total);
        return sha.digest();
    }

    @Test
    void aTamperedTransportFrameClosesTheConnectionWithATypedError() throws Exception {
        MemoryConnection.Pair left = MemoryConnection.pair();
        MemoryConnection.Pair right = MemoryConnection.pair();
        AtomicBoolean tamper = new AtomicBoolean();
        relay(left.responder(), right.initiator(), tamper);
        relay(right.initiator(), left.responder(), new AtomicBoolean());
        Secured s = connect(new NoiseTransport(PrivateKey.generate(KeyType.ED25519), List.of()),
                new NoiseTransport(PrivateKey.generate(KeyType.ED25519), List.of()),
                left.initiator(), right.responder(), null);
        s.dialer.out().write(new byte[] {1, 2, 3});
        s.dialer.out().flush();
        assertArrayEquals(new byte[] {1, 2, 3}, s.listener.in().readNBytes(3));
        tamper.set(true);
        s.dialer.out().write(new byte[] {4, 5, 6});
        s.dialer.out().flush();
        assertThrows(BadTagException.class, () -> s.listener.in().read());
        assertThrows(BadTagException.class, () -> s.listener.in().read(), "the error stays");
        assertThrows(IOException.class, () -> {
            s.listener.out().write(1);
            s.listener.out().flush();
        }, "the listener's connection is closed");
    }

    @Test
    void aTamperedHandshakeMessageFailsTheHandshake() throws Exception {
        MemoryConnection.Pair left = MemoryConnection.pair();
        MemoryConnection.Pair right = MemoryConnection.pair();
        AtomicBoolean tamper = new AtomicBoolean(true);
        relay(left.responder(), right.initiator(), new AtomicBoolean());
        relay(right.initiator(), left.responder(), tamper); // flips a byte of message 2
        NoiseTransport listener = new NoiseTransport(PrivateKey.generate(KeyType.ED25519), List.of());
        CompletableFuture<SecureConnection> in = async(() -> listener.secureInbound(right.responder()));
        NoiseTransport dialer = new NoiseTransport(PrivateKey.generate(KeyType.ED25519), List.of());
        assertThrows(HandshakeException.class, () -> dialer.secureOutbound(left.initiator(), null));
        assertInstanceOf(HandshakeException.class, failure(in));
    }

    /**
     * Copies {@code from.in()} to {@code to.out()} on a virtual thread; when {@code tamper} is set,
     * flips the last byte of the next chunk and clears the flag. Closes {@code to} at the end.
     */
    private static void relay(RawConnection from, RawConnection to, AtomicBoolean tamper) {
        Thread.ofVirtual().start(() -> {
            byte[] buf = new byte[70_000];
            try {
                int n;
                while ((n = from.in().read(buf)) >= 0) {
                    if (n > 0 && tamper.compareAndSet(true, false)) {
                        buf[n - 1] ^= 0x01;
                    }
                    to.out().write(buf, 0, n);
                }
            } catch (IOException ignored) {
                // one side closed: close the other
            } finally {
                try {
                    to.close();
                    from.close();
                } catch (IOException ignored) {
                    // already closed
                }
            }
        });
    }

    @Test
    void aPeerVanishingMidHandshakeIsAHandshakeException() throws Exception {
        // The dialer leaves right after message 1.
        MemoryConnection.Pair pair = MemoryConnection.pair();
        byte[] msg1 = new NoiseXXHandshake(true, new byte[0], new byte[32], new SecureRandom()).writeMessage(new byte[0]);
        pair.initiator().out().write(new byte[] {0, (byte) msg1.length});
        pair.initiator().out().write(msg1);
        pair.initiator().closeWrite();
        NoiseTransport listener = new NoiseTransport(PrivateKey.generate(KeyType.ED25519), List.of());
        HandshakeException e = assertThrows(HandshakeException.class, () -> listener.secureInbound(pair.responder()));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());

        // The listener leaves after reading message 1.
        MemoryConnection.Pair pair2 = MemoryConnection.pair();
        CompletableFuture<Void> quitter = async(() -> {
            pair2.responder().in().readNBytes(2 + 32);
            pair2.responder().close();
            return null;
        });
        NoiseTransport dialer = new NoiseTransport(PrivateKey.generate(KeyType.ED25519), List.of());
        assertThrows(HandshakeException.class, () -> dialer.secureOutbound(pair2.initiator(), null));
        await(quitter);

        // Message 2 is cut off inside its frame.
        MemoryConnection.Pair pair3 = MemoryConnection.pair();
        CompletableFuture<Void> cutter = async(() -> {
            pair3.responder().in().readNBytes(2 + 32);
            pair3.responder().out().write(new byte[] {0, (byte) 200, 1, 2, 3});
            pair3.responder().closeWrite();
            return null;
        });
        assertThrows(HandshakeException.class, () -> dialer.secureOutbound(pair3.initiator(), null));
        await(cutter);
    }

    @Test
    void badSignaturesPayloadsAndKeysAreRejected() throws Exception {
        PrivateKey liar = PrivateKey.generate(KeyType.ED25519);
        byte[] wrongSig = liar.sign("noise-libp2p-static-key:something else".getBytes());
        assertResponderPayloadRejected(new NoiseHandshakePayload(liar.publicKey().marshal(), wrongSig, null).encode(),
                "signature");
        assertResponderPayloadRejected(new byte[] {0x0a, 0x05, 1}, "payload");
        assertResponderPayloadRejected(new NoiseHandshakePayload(new byte[0], wrongSig, null).encode(), "identity key");
        assertResponderPayloadRejected(new NoiseHandshakePayload(new byte[] {8, 9, 0x12, 0}, wrongSig, null).encode(),
                "payload");
    }

    /** A hand-driven responder sends {@code payload} in message 2; the dialer must refuse it. */
    private static void assertResponderPayloadRejected(byte[] payload, String expectedInMessage) throws Exception {
        MemoryConnection.Pair pair = MemoryConnection.pair();
        CompletableFuture<Void> fake = fakeResponder(pair, NoiseXXHandshake.generatePrivateKey(new SecureRandom()), payload);
        NoiseTransport dialer = new NoiseTransport(PrivateKey.generate(KeyType.ED25519), List.of());
        HandshakeException e = assertThrows(HandshakeException.class, () -> dialer.secureOutbound(pair.initiator(), null));
        assertTrue(e.getMessage().contains(expectedInMessage), e.getMessage());
        await(fake);
    }

    @Test
    void aRemoteIdentityIsVerifiedOnceAndTheExpectedPeerStillCheckedEveryTime() throws Exception {
        NoiseTransport dialer = new NoiseTransport(PrivateKey.generate(KeyType.ED25519), List.of());
        PrivateKey listenerKey = PrivateKey.generate(KeyType.ED25519);
        NoiseTransport listener = new NoiseTransport(listenerKey, List.of());
        PeerId listenerId = listenerKey.publicKey().toPeerId();
        for (int i = 0; i < 3; i++) {
            MemoryConnection.Pair pair = MemoryConnection.pair();
            Secured s = connect(dialer, listener, pair.initiator(), pair.responder(), listenerId);
            assertEquals(listenerId, s.dialer.remotePeer());
            assertEquals(listenerKey.publicKey(), s.dialer.remotePublicKey());
            exchange(s);
        }
        assertEquals(1, dialer.verifiedIdentities(), "the listener's identity was checked once");
        PeerId other = PrivateKey.generate(KeyType.ED25519).publicKey().toPeerId();
        MemoryConnection.Pair pair = MemoryConnection.pair();
        CompletableFuture<SecureConnection> in = async(() -> listener.secureInbound(pair.responder()));
        HandshakeException e = assertThrows(HandshakeException.class, () -> dialer.secureOutbound(pair.initiator(), other));
        assertTrue(e.getMessage().contains("mismatch"), e.getMessage());
        assertInstanceOf(HandshakeException.class, failure(in));
    }

    @Test
    void aSignatureIsRememberedOnlyWithTheStaticKeyItSigned() throws Exception {
        PrivateKey victim = PrivateKey.generate(KeyType.ED25519);
        byte[] staticKey = NoiseXXHandshake.generatePrivateKey(new SecureRandom());
        byte[] signed = ("noise-libp2p-static-key:" + new String(NoiseXXHandshake.publicKey(staticKey),
                java.nio.charset.StandardCharsets.ISO_8859_1)).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        byte[] payload = new NoiseHandshakePayload(victim.publicKey().marshal(), victim.sign(signed), null).encode();
        NoiseTransport dialer = new NoiseTransport(PrivateKey.generate(KeyType.ED25519), List.of());
        MemoryConnection.Pair pair = MemoryConnection.pair();
        CompletableFuture<Void> honest = fakeResponder(pair, staticKey, payload);
        SecureConnection c = dialer.secureOutbound(pair.initiator(), victim.publicKey().toPeerId());
        c.close();
        await(honest);
        assertEquals(1, dialer.verifiedIdentities());
        // the same identity key and signature with another static key: a replay, refused
        MemoryConnection.Pair replay = MemoryConnection.pair();
        CompletableFuture<Void> replayer = fakeResponder(replay,
                NoiseXXHandshake.generatePrivateKey(new SecureRandom()), payload);
        HandshakeException e = assertThrows(HandshakeException.class, () -> dialer.secureOutbound(replay.initiator(), null));
        assertTrue(e.getMessage().contains("signature"), e.getMessage());
        await(replayer);
        assertEquals(1, dialer.verifiedIdentities(), "a failed check is not remembered");
    }

    /** A hand-driven responder with static key {@code staticKey} that sends {@code payload} in message 2. */
    private static CompletableFuture<Void> fakeResponder(MemoryConnection.Pair pair, byte[] staticKey, byte[] payload) {
        return async(() -> {
            NoiseXXHandshake hs = new NoiseXXHandshake(false, new byte[0], staticKey, new SecureRandom());
            byte[] frame1 = pair.responder().in().readNBytes(2 + 32);
            hs.readMessage(Arrays.copyOfRange(frame1, 2, frame1.length));
            byte[] msg2 = hs.writeMessage(payload);
            pair.responder().out().write(new byte[] {(byte) (msg2.length >> 8), (byte) msg2.length});
            pair.responder().out().write(msg2);
            pair.responder().in().readAllBytes();
            return null;
        });
    }

    @Test
    void muxerChoiceFollowsTheSpecExample() throws Exception {
        // From the spec: the server prefers mplex, the client yamux; the result is yamux.
        assertEquals("/yamux/1.0.0", NoiseTransport.chooseMuxer(YAMUX_MPLEX, List.of("/mplex/6.7.0", "/yamux/1.0.0")));
    }
}
