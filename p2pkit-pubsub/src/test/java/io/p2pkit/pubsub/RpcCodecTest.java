package io.p2pkit.pubsub;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.crypto.KeyType;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.protobuf.ProtobufWriter;
import io.p2pkit.testing.SeededRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RpcCodecTest {
    @Test
    void encodesFieldsWithTheSpecNumbers() {
        Rpc rpc = new Rpc(List.of(new Rpc.SubOpts(true, "t")),
                List.of(new PubsubMessage(new byte[]{1}, new byte[]{2}, new byte[]{3}, "t", new byte[]{5}, new byte[]{6})),
                ControlMessage.EMPTY);
        // SubOpts{1:true, 2:"t"}, Message{1,2,3,4:"t",5,6}
        assertEquals("0a0508011201741212" + "0a0101" + "120102" + "1a0103" + "220174" + "2a0105" + "320106",
                HexFormat.of().formatHex(RpcCodec.encode(rpc)));
    }

    @Test
    void controlRoundTrip() {
        MessageId a = MessageId.of(new byte[]{1, 2});
        MessageId b = MessageId.of("xyz".getBytes(StandardCharsets.UTF_8));
        ControlMessage c = new ControlMessage(
                List.of(new ControlMessage.IHave("t1", List.of(a, b))),
                List.of(new ControlMessage.IWant(List.of(b))),
                List.of(new ControlMessage.Graft("t2")),
                List.of(new ControlMessage.Prune("t3", List.of(new ControlMessage.PeerExchange(new byte[]{9}, new byte[]{8, 7})), 60)),
                List.of(new ControlMessage.IDontWant(List.of(a))));
        Rpc rpc = Rpc.ofControl(c);
        assertEquals(rpc, RpcCodec.decode(RpcCodec.encode(rpc), RpcLimits.DEFAULT));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void randomRpcsRoundTrip(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (int round = 0; round < 50; round++) {
            Rpc rpc = randomRpc(r);
            byte[] encoded = RpcCodec.encode(rpc);
            Rpc decoded = RpcCodec.decode(encoded, RpcLimits.DEFAULT);
            assertEquals(rpc, decoded);
            assertArrayEquals(encoded, RpcCodec.encode(decoded));
        }
    }

    static Rpc randomRpc(SplittableRandom r) {
        List<Rpc.SubOpts> subs = new ArrayList<>();
        for (int i = r.nextInt(3); i > 0; i--) {
            subs.add(new Rpc.SubOpts(r.nextBoolean(), "topic-" + r.nextInt(10)));
        }
        List<PubsubMessage> msgs = new ArrayList<>();
        for (int i = r.nextInt(3); i > 0; i--) {
            msgs.add(new PubsubMessage(maybe(r, 38), maybe(r, 100), maybe(r, 8), "t" + r.nextInt(5), maybe(r, 64), maybe(r, 36)));
        }
        List<ControlMessage.IHave> ihave = new ArrayList<>();
        List<ControlMessage.IWant> iwant = new ArrayList<>();
        for (int i = r.nextInt(2); i > 0; i--) {
            ihave.add(new ControlMessage.IHave("t", ids(r)));
            iwant.add(new ControlMessage.IWant(ids(r)));
        }
        List<ControlMessage.Prune> prune = r.nextBoolean() ? List.of()
                : List.of(new ControlMessage.Prune("p", List.of(new ControlMessage.PeerExchange(bytes(r, 10), maybe(r, 20))), r.nextInt(100)));
        ControlMessage c = new ControlMessage(ihave, iwant,
                r.nextBoolean() ? List.of(new ControlMessage.Graft("g")) : List.of(), prune,
                r.nextBoolean() ? List.of(new ControlMessage.IDontWant(ids(r))) : List.of());
        return new Rpc(subs, msgs, c);
    }

    private static List<MessageId> ids(SplittableRandom r) {
        List<MessageId> out = new ArrayList<>();
        for (int i = r.nextInt(4); i > 0; i--) {
            out.add(MessageId.of(bytes(r, 1 + r.nextInt(40))));
        }
        return out;
    }

    private static byte[] maybe(SplittableRandom r, int max) {
        return r.nextInt(4) == 0 ? null : bytes(r, r.nextInt(max + 1));
    }

    private static byte[] bytes(SplittableRandom r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    @Test
    void rejectsMissingTopic() {
        byte[] noTopic = new ProtobufWriter().message(2, new ProtobufWriter().bytes(2, new byte[]{1})).toByteArray();
        DecodeException e = assertThrows(DecodeException.class, () -> RpcCodec.decode(noTopic, RpcLimits.DEFAULT));
        assertTrue(e.getMessage().contains("topic"), e.getMessage());
    }

    @Test
    void rejectsOverLimits() {
        RpcLimits small = new RpcLimits(1 << 20, 2, 2, 8, 3, 4, 16, 1);
        ProtobufWriter subs = new ProtobufWriter();
        for (int i = 0; i < 3; i++) {
            subs.message(1, new ProtobufWriter().bool(1, true).string(2, "t"));
        }
        assertThrows(DecodeException.class, () -> RpcCodec.decode(subs.toByteArray(), small));
        byte[] longTopic = new ProtobufWriter().message(1, new ProtobufWriter().string(2, "123456789")).toByteArray();
        assertThrows(DecodeException.class, () -> RpcCodec.decode(longTopic, small));
        ProtobufWriter iwant = new ProtobufWriter();
        for (int i = 0; i < 5; i++) {
            iwant.bytes(1, new byte[]{(byte) i});
        }
        byte[] manyIds = new ProtobufWriter().message(3, new ProtobufWriter().message(2, iwant)).toByteArray();
        assertThrows(DecodeException.class, () -> RpcCodec.decode(manyIds, small));
        byte[] big = new byte[100];
        assertThrows(DecodeException.class, () -> RpcCodec.decode(big, small.withMaxRpcBytes(99)));
    }

    @Test
    void signatureCoversTheMessageAndRejectsTampering() {
        for (KeyType type : List.of(KeyType.ED25519, KeyType.SECP256K1, KeyType.RSA)) {
            PrivateKey key = type == KeyType.RSA ? PrivateKey.generateRsa(2048, new SeededRandom(7))
                    : PrivateKey.generate(type, new SeededRandom(7));
            PubsubMessage m = MessageSigning.sign(key, new PubsubMessage(key.publicKey().toPeerId().bytes(),
                    "hi".getBytes(StandardCharsets.UTF_8), new byte[]{0, 0, 0, 0, 0, 0, 0, 1}, "t", null, null));
            assertEquals(type == KeyType.RSA, m.key() != null, "key field only when the peer ID hashes the key");
            assertTrue(MessageSigning.check(SignaturePolicy.STRICT_SIGN, m).isEmpty(), type.toString());
            assertTrue(MessageSigning.check(SignaturePolicy.STRICT_NO_SIGN, m).isPresent());
            PubsubMessage tampered = new PubsubMessage(m.from(), "ho".getBytes(StandardCharsets.UTF_8), m.seqno(), "t",
                    m.signature(), m.key());
            assertTrue(MessageSigning.check(SignaturePolicy.STRICT_SIGN, tampered).isPresent());
        }
        PubsubMessage anon = PubsubMessage.anonymous("t", new byte[]{1});
        assertTrue(MessageSigning.check(SignaturePolicy.STRICT_NO_SIGN, anon).isEmpty());
        assertTrue(MessageSigning.check(SignaturePolicy.STRICT_SIGN, anon).isPresent());
    }

    @Test
    void defaultMessageIds() {
        PubsubMessage m = new PubsubMessage(new byte[]{1, 2}, new byte[]{9}, new byte[]{3}, "t", null, null);
        assertEquals(MessageId.of(new byte[]{1, 2, 3}), MessageIdFunction.FROM_AND_SEQNO.apply(m));
        assertEquals("2b4c342f5433ebe591a1da77e013d1b72475562d48578dca8b84bac6651c3cb9",
                MessageIdFunction.SHA256_OF_DATA.apply(m).toString());
    }
}
