package io.p2pkit.ipfs.bitswap;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.core.protobuf.ProtobufWriter;
import io.p2pkit.ipfs.bitswap.wire.BitswapMessage;
import io.p2pkit.ipfs.bitswap.wire.MessageCodec;
import io.p2pkit.ipfs.bitswap.wire.Presence;
import io.p2pkit.ipfs.bitswap.wire.ProtocolVersion;
import io.p2pkit.ipfs.bitswap.wire.WantEntry;
import io.p2pkit.ipfs.bitswap.wire.WantType;
import io.p2pkit.ipfs.block.Block;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MessageCodecTest {
    private static final Block RAW = Block.create(Multicodec.RAW, Multicodec.SHA2_256, "raw".getBytes(StandardCharsets.UTF_8));
    private static final Block V0 = Block.of(Cid.v0(Multihash.digest(Multicodec.SHA2_256, new byte[]{0x0a, 0})), new byte[]{0x0a, 0});

    @Test
    void everyFieldSurvivesVersion120() {
        BitswapMessage m = new BitswapMessage(
                List.of(WantEntry.block(RAW.cid(), 7), WantEntry.have(V0.cid(), -3), WantEntry.cancel(RAW.cid().toV1())),
                true, List.of(RAW, V0), List.of(new Presence(RAW.cid(), true), new Presence(V0.cid(), false)), 12);
        assertEquals(m, MessageCodec.decode(MessageCodec.encode(m, ProtocolVersion.V1_2_0), Block.MAX_SIZE));
    }

    @Test
    void olderVersionsLeaveOutWhatTheyCannotCarry() {
        BitswapMessage m = new BitswapMessage(List.of(WantEntry.block(RAW.cid(), 1), WantEntry.have(V0.cid(), 1)),
                false, List.of(RAW, V0), List.of(new Presence(RAW.cid(), true)), 0);
        BitswapMessage v11 = MessageCodec.decode(MessageCodec.encode(m, ProtocolVersion.V1_1_0), Block.MAX_SIZE);
        assertEquals(List.of(new WantEntry(RAW.cid(), 1, false, WantType.BLOCK, false)), v11.wants());
        assertEquals(List.of(RAW, V0), v11.blocks());
        assertTrue(v11.presences().isEmpty());
        BitswapMessage v10 = MessageCodec.decode(MessageCodec.encode(m, ProtocolVersion.V1_0_0), Block.MAX_SIZE);
        assertEquals(List.of(V0), v10.blocks(), "1.0.0 carries CIDv0 blocks only, as bare data");
    }

    @Test
    void writtenPieceByPieceAMessageIsTheEncodedOneInFewWrites() throws Exception {
        java.util.Random random = new java.util.Random(7);
        List<Block> blocks = new ArrayList<>();
        int[] sizes = {0, 1, 100, 16 * 1024 - 1, 16 * 1024, 256 * 1024, 3, 70_000, 1 << 20};
        for (int size : sizes) {
            byte[] data = new byte[size];
            random.nextBytes(data);
            blocks.add(Block.create(Multicodec.RAW, Multicodec.SHA2_256, data));
            if (size > 0 && size < 1000) {
                // dag-pb under CIDv0: the only blocks version 1.0.0 carries
                blocks.add(Block.of(Cid.v0(Multihash.digest(Multicodec.SHA2_256, data)), data));
            }
        }
        for (int small = 0; small < 40; small++) {
            byte[] data = new byte[4000 + small];
            random.nextBytes(data);
            blocks.add(Block.create(Multicodec.RAW, Multicodec.SHA2_256, data));
        }
        BitswapMessage m = new BitswapMessage(List.of(WantEntry.block(RAW.cid(), 7), WantEntry.have(V0.cid(), -3)),
                false, blocks, List.of(new Presence(RAW.cid(), false)), 12);
        BitswapMessage none = new BitswapMessage(List.of(WantEntry.cancel(RAW.cid())), false, List.of(), List.of(), 0);
        for (ProtocolVersion v : ProtocolVersion.values()) {
            for (BitswapMessage message : List.of(m, none)) {
                CountingOutput out = new CountingOutput();
                MessageCodec.writeFramed(message, v, out);
                byte[] body = MessageCodec.encode(message, v);
                java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
                expected.write(new ProtobufWriter().lengthPrefix(body.length).toByteArray());
                expected.write(body);
                assertArrayEquals(expected.toByteArray(), out.toByteArray(), v.id());
                // fields and small blocks are gathered: at most two writes per large block, plus the rest
                assertTrue(out.writes <= 2 * 5 + 1 + out.size() / (64 * 1024), v.id() + ": " + out.writes + " writes");
            }
        }
    }

    /** Collects what is written and counts the writes. */
    private static final class CountingOutput extends java.io.ByteArrayOutputStream {
        int writes;

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            writes++;
            super.write(b, off, len);
        }
    }

    @Test
    void theCidPrefixIsVersionCodecHashAndLength() {
        assertEquals("01551220", HexFormat.of().formatHex(prefixOf(RAW)));
        assertEquals("00701220", HexFormat.of().formatHex(prefixOf(V0)));
    }

    private static byte[] prefixOf(Block b) {
        byte[] msg = MessageCodec.encode(new BitswapMessage(List.of(), false, List.of(b), List.of(), 0), ProtocolVersion.V1_2_0);
        // Message.payload(3) { prefix(1) ... }: tag, length, tag, length, then the prefix
        return java.util.Arrays.copyOfRange(msg, 4, 4 + msg[3]);
    }

    @Test
    void aBlocksCidComesFromItsPrefixAndItsBytes() {
        byte[] msg = new ProtobufWriter().message(3, new ProtobufWriter()
                .bytes(1, HexFormat.of().parseHex("01711220")).bytes(2, RAW.data())).toByteArray();
        Block b = MessageCodec.decode(msg, Block.MAX_SIZE).blocks().get(0);
        assertEquals(Cid.v1(Multicodec.DAG_CBOR, RAW.cid().multihash()), b.cid());
    }

    @Test
    void malformedOrOversizedPartsAreRefused() {
        List<byte[]> bad = new ArrayList<>();
        bad.add(new ProtobufWriter().message(3, new ProtobufWriter().bytes(1, HexFormat.of().parseHex("0155")).bytes(2, new byte[1])).toByteArray());
        bad.add(new ProtobufWriter().message(3, new ProtobufWriter().bytes(1, HexFormat.of().parseHex("01559999991220")).bytes(2, new byte[1])).toByteArray());
        bad.add(new ProtobufWriter().message(3, new ProtobufWriter().bytes(1, HexFormat.of().parseHex("00551220")).bytes(2, new byte[1])).toByteArray());
        bad.add(new ProtobufWriter().message(3, new ProtobufWriter().bytes(1, HexFormat.of().parseHex("01551240")).bytes(2, new byte[1])).toByteArray());
        bad.add(new ProtobufWriter().message(3, new ProtobufWriter().bytes(2, new byte[1])).toByteArray());
        bad.add(new ProtobufWriter().message(1, new ProtobufWriter().message(1, new ProtobufWriter().bytes(1, new byte[200]))).toByteArray());
        bad.add(new ProtobufWriter().message(1, new ProtobufWriter().message(1, new ProtobufWriter().varint(2, 1))).toByteArray());
        bad.add(new ProtobufWriter().message(1, new ProtobufWriter().message(1, new ProtobufWriter().bytes(1, RAW.cid().bytes()).varint(4, 2))).toByteArray());
        bad.add(new ProtobufWriter().message(4, new ProtobufWriter().bytes(1, RAW.cid().bytes()).varint(2, 5)).toByteArray());
        bad.add(new ProtobufWriter().bytes(2, new byte[Block.MAX_SIZE + 1]).toByteArray());
        for (byte[] b : bad) {
            assertThrows(DecodeException.class, () -> MessageCodec.decode(b, Block.MAX_SIZE), HexFormat.of().formatHex(b, 0, Math.min(b.length, 40)));
        }
    }

    @Test
    void aWantlistHasAtMost16384Entries() {
        ProtobufWriter list = new ProtobufWriter();
        byte[] entry = new ProtobufWriter().bytes(1, RAW.cid().bytes()).toByteArray();
        for (int i = 0; i <= MessageCodec.MAX_ENTRIES; i++) {
            list.bytes(1, entry);
        }
        byte[] msg = new ProtobufWriter().message(1, list).toByteArray();
        DecodeException e = assertThrows(DecodeException.class, () -> MessageCodec.decode(msg, Block.MAX_SIZE));
        assertTrue(e.getMessage().contains("more than 16384"), e.getMessage());
    }
}
