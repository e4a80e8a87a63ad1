package io.p2pkit.ipfs.unixfs.exporter;

import io.p2pkit.ipfs.codec.dagpb.PBLink;
import io.p2pkit.ipfs.codec.dagpb.PBNode;
import io.p2pkit.ipfs.unixfs.pb.DataType;
import io.p2pkit.ipfs.unixfs.pb.UnixfsData;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

class FileLeafTest {
    private static byte[] leaf(UnixfsData d) {
        return PBNode.of(d.encode()).encode();
    }

    @Test
    void plainLeavesAreReadInPlaceWithTheBytesTheDecodersGive() {
        byte[] bytes = new byte[300_000];
        Arrays.fill(bytes, (byte) 7);
        for (UnixfsData d : List.of(UnixfsData.file(bytes, bytes.length, new long[0]), UnixfsData.raw(bytes),
                UnixfsData.file(new byte[0], 0, new long[0]), UnixfsData.file(new byte[] {1, 2, 3}, 3, new long[0]))) {
            byte[] block = leaf(d);
            FileLeaf l = assertNotNullLeaf(block);
            assertEquals(d.type(), l.type());
            byte[] data = d.data() == null ? new byte[0] : d.data();
            assertArrayEquals(data, l.bytes());
        }
    }

    private static FileLeaf assertNotNullLeaf(byte[] block) {
        FileLeaf l = FileLeaf.parse(block);
        assertNotNull(l, "a plain leaf is read in place");
        return l;
    }

    @Test
    void anythingElseIsLeftToTheFullDecoders() {
        byte[] data = {1, 2, 3};
        // links, blocksizes, a directory, a mismatched filesize, a trailing field, an overlong varint
        assertNull(FileLeaf.parse(PBNode.of(UnixfsData.file(data, 3, new long[0]).encode(),
                List.of(PBLink.of(io.p2pkit.core.multiformats.Cid.parse("bafkqaaa"), "", 0L))).encode()));
        assertNull(FileLeaf.parse(leaf(UnixfsData.file(new byte[0], 3, new long[] {3}))));
        assertNull(FileLeaf.parse(leaf(UnixfsData.directory())));
        assertNull(FileLeaf.parse(PBNode.of(new byte[] {0x08, 0x02, 0x12, 0x01, 0x05, 0x18, 0x02}).encode()));
        assertNull(FileLeaf.parse(PBNode.of(new byte[] {0x08, 0x02, 0x12, 0x01, 0x05, 0x20, 0x01}).encode()));
        assertNull(FileLeaf.parse(PBNode.of(new byte[] {0x08, (byte) 0x82, 0x00}).encode()));
        assertNull(FileLeaf.parse(new byte[] {0x0a, 0x05, 0x08}));
        assertNull(FileLeaf.parse(new byte[0]));
        // the shortest leaf: a File with no Data
        FileLeaf empty = FileLeaf.parse(PBNode.of(new byte[] {0x08, 0x02}).encode());
        assertNotNull(empty);
        assertEquals(DataType.FILE, empty.type());
        assertEquals(0, empty.length());
    }
}
