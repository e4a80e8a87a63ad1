package io.p2pkit.core.security.noise;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.crypto.PublicKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.protobuf.ProtobufWriter;
import io.p2pkit.core.security.HandshakeException;
import io.p2pkit.core.transport.memory.MemoryConnection;
import io.p2pkit.testing.Await;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.p2pkit.testing.Futures.async;
import static io.p2pkit.testing.Futures.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class NoiseInitiatorFuzzTest {
    private static final List<String> MUXERS = List.of("/yamux/1.0.0", "/mplex/6.7.0");
    private static final NoiseTransport DIALER = new NoiseTransport(PrivateKey.generateEd25519(), MUXERS);
    /** The identity the honest responder below signs with. */
    private static final PrivateKey RESPONDER = PrivateKey.generateEd25519();
    private static final PeerId OTHER_PEER = PrivateKey.generateEd25519().publicKey().toPeerId();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] SIGNATURE_PREFIX = "noise-libp2p-static-key:".getBytes(StandardCharsets.US_ASCII);
    /** The most payload message 2 can carry: 65535 less the ephemeral key, the encrypted static key and a tag. */
    private static final int MAX_PAYLOAD = NoiseXXHandshake.MAX_MESSAGE_LENGTH - 32 - 48 - 16;
    private static final byte[] PING = "ping".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PONG = "pong".getBytes(StandardCharsets.US_ASCII);

    /**
     * The dialer's side of the XX handshake ({@link NoiseTransport#secureOutbound}) against a
     * responder that sends what the input says. Byte 0 picks how (modulo 3):
     * <ul>
     *   <li>0: the rest of the input is the whole byte stream the responder sends. The only
     *       acceptable outcome is a {@link HandshakeException}.</li>
     *   <li>1: an honest message 2 (fresh static key, correct keys and tags) whose payload is the
     *       rest of the input. It cannot carry a signature of that fresh key, so again only a
     *       {@link HandshakeException} is acceptable.</li>
     *   <li>2: an honest message 2 whose payload has a real identity key and signature, and the
     *       rest of the input (after byte 1) as its extensions; byte 1 picks the peer the dialer
     *       expects (bits 0-1: 1 the responder, 2 another peer, else none). The outcome must be
     *       what the payload calls for: a {@link HandshakeException} for an undecodable payload,
     *       the wrong peer or no muxer in common, otherwise a connection to the responder with
     *       the right early muxer, whose message 3 the responder authenticates, and over which a
     *       message goes each way.</li>
     * </ul>
     */
    @FuzzTest(maxDuration = "30s")
    void initiate(byte[] input) throws Exception {
        int mode = input.length == 0 ? 0 : (input[0] & 0xFF) % 3;
        if (mode == 0) {
            rawReply(Arrays.copyOfRange(input, Math.min(1, input.length), input.length));
            return;
        }
        byte[] staticKey = NoiseXXHandshake.generatePrivateKey(RANDOM);
        byte[] payload;
        PeerId expectedPeer = null;
        if (mode == 1) {
            payload = Arrays.copyOfRange(input, 1, Math.min(input.length, 1 + MAX_PAYLOAD));
        } else {
            int peer = input.length > 1 ? input[1] & 3 : 0;
            expectedPeer = peer == 1 ? RESPONDER.publicKey().toPeerId() : peer == 2 ? OTHER_PEER : null;
            byte[] extensions = Arrays.copyOfRange(input, Math.min(2, input.length),
                    Math.min(input.length, 2 + MAX_PAYLOAD - 200));
            payload = new ProtobufWriter()
                    .bytes(1, RESPONDER.publicKey().marshal())
                    .bytes(2, RESPONDER.sign(signed(NoiseXXHandshake.publicKey(staticKey))))
                    .bytes(4, extensions)
                    .toByteArray();
        }
        String expected = mode == 1 ? "a HandshakeException" : expectedOutcome(payload, expectedPeer);

        MemoryConnection.Pair pair = MemoryConnection.pair(1 << 18);
        CompletableFuture<Responded> responder = async(() -> respond(pair.responder(), staticKey, payload));
        try {
            NoiseConnection c = DIALER.secureOutbound(pair.initiator(), expectedPeer);
            assertTrue(expected.startsWith("early muxer "), "the handshake succeeded, but expected " + expected);
            assertEquals(expected, "early muxer " + c.earlyMuxer().orElse("none"));
            assertEquals(RESPONDER.publicKey().toPeerId(), c.remotePeer());
            assertEquals(RESPONDER.publicKey(), c.remotePublicKey());
            // a message each way over the new session
            assertArrayEquals(PING, c.in().readNBytes(PING.length));
            c.out().write(PONG);
            c.out().flush();
            Responded r = await(responder);
            assertNotNull(r, "the responder got no message 3");
            assertArrayEquals(PONG, r.pong());
            assertArrayEquals(r.handshakeHash(), c.handshakeHash());
            NoiseHandshakePayload mine = NoiseHandshakePayload.decode(r.message3Payload());
            PublicKey key = PublicKey.unmarshal(mine.identityKey());
            assertEquals(DIALER.localPeer(), key.toPeerId());
            assertTrue(key.verify(signed(r.dialerStaticKey()), mine.identitySig()), "message 3's signature");
            assertEquals(MUXERS, mine.extensions().streamMuxers());
            c.close();
        } catch (HandshakeException e) {
            assertTrue(expected.equals("a HandshakeException"), "expected " + expected + ", got " + e);
        } finally {
            pair.closeBoth();
            await(responder.exceptionally(t -> null));
        }
    }

    /** What the dialer must make of {@code payload}: "a HandshakeException" or "early muxer X" ("none" for none). */
    private static String expectedOutcome(byte[] payload, PeerId expectedPeer) {
        NoiseHandshakePayload p;
        try {
            p = NoiseHandshakePayload.decode(payload);
        } catch (DecodeException e) {
            return "a HandshakeException";
        }
        if (expectedPeer != null && !expectedPeer.equals(RESPONDER.publicKey().toPeerId())) {
            return "a HandshakeException";
        }
        List<String> theirs = p.extensions() == null ? List.of() : p.extensions().streamMuxers();
        if (theirs.isEmpty()) {
            return "early muxer none";
        }
        return MUXERS.stream().filter(theirs::contains).findFirst()
                .map(m -> "early muxer " + m).orElse("a HandshakeException");
    }

    /** The dialer fed {@code stream} as everything the responder sends. */
    private static void rawReply(byte[] stream) throws Exception {
        MemoryConnection.Pair pair = MemoryConnection.pair(1 << 18);
        Thread feeder = Thread.ofVirtual().start(() -> {
            try {
                pair.responder().out().write(stream);
                pair.responder().closeWrite();
            } catch (IOException ignored) {
                // the dialer gave up first
            }
        });
        try {
            DIALER.secureOutbound(pair.initiator(), null);
            fail("a handshake from random bytes was accepted");
        } catch (HandshakeException expected) {
            // the only acceptable outcome
        } finally {
            pair.closeBoth();
            Await.join(feeder);
        }
    }

    /** What the honest responder saw of a handshake that completed. */
    private record Responded(byte[] message3Payload, byte[] dialerStaticKey, byte[] handshakeHash, byte[] pong) {
    }

    /**
     * Answers message 1 with a message 2 carrying {@code payload}, then, if message 3 comes,
     * sends {@link #PING} and reads the answer; null if the dialer gave up after message 2.
     */
    private static Responded respond(MemoryConnection end, byte[] staticKey, byte[] payload) throws Exception {
        try {
            DataInputStream in = new DataInputStream(end.in());
            NoiseXXHandshake hs = new NoiseXXHandshake(false, new byte[0], staticKey, RANDOM);
            hs.readMessage(readFrame(in));
            writeFrame(end.out(), hs.writeMessage(payload));
            byte[] message3;
            try {
                message3 = readFrame(in);
            } catch (IOException e) {
                return null; // the dialer refused message 2 and closed
            }
            byte[] dialerPayload = hs.readMessage(message3);
            writeFrame(end.out(), hs.sendCipher().encryptWithAd(null, PING));
            byte[] pong = hs.receiveCipher().decryptWithAd(null, readFrame(in));
            return new Responded(dialerPayload, hs.remoteStaticPublicKey(), hs.handshakeHash(), pong);
        } catch (Exception | AssertionError e) {
            end.close(); // so that the dialer does not wait for a message that will not come
            throw e;
        }
    }

    private static byte[] readFrame(DataInputStream in) throws IOException {
        byte[] body = new byte[in.readUnsignedShort()];
        in.readFully(body);
        return body;
    }

    private static void writeFrame(OutputStream out, byte[] body) throws IOException {
        byte[] frame = new byte[2 + body.length];
        frame[0] = (byte) (body.length >>> 8);
        frame[1] = (byte) body.length;
        System.arraycopy(body, 0, frame, 2, body.length);
        out.write(frame);
        out.flush();
    }

    private static byte[] signed(byte[] staticPublicKey) {
        byte[] data = Arrays.copyOf(SIGNATURE_PREFIX, SIGNATURE_PREFIX.length + staticPublicKey.length);
        System.arraycopy(staticPublicKey, 0, data, SIGNATURE_PREFIX.length, staticPublicKey.length);
        return data;
    }
}
