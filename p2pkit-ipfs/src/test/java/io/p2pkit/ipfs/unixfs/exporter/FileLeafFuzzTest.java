package io.p2pkit.ipfs.unixfs.exporter;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;
import io.p2pkit.ipfs.codec.dagpb.PBNode;
import io.p2pkit.ipfs.unixfs.pb.UnixfsData;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class FileLeafFuzzTest {
    /** What the fast path takes, the full decoders take too, with the same type and bytes. */
    @FuzzTest
    void neverAcceptsWhatTheDecodersRefuse(byte[] block) {
        FileLeaf l = FileLeaf.parse(block);
        if (l == null) {
            return;
        }
        UnixfsData d;
        try {
            PBNode pb = PBNode.decode(block);
            assertEquals(0, pb.links().size());
            d = UnixfsData.decode(pb.data());
        } catch (DecodeException e) {
            throw new AssertionError("the fast path took a block the decoders refuse: " + e.getMessage(), e);
        }
        assertEquals(d.type(), l.type());
        assertEquals(0, d.blocksizeCount());
        byte[] data = d.data() == null ? new byte[0] : d.data();
        assertArrayEquals(data, l.bytes());
        if (d.filesize() != null) {
            assertEquals(data.length, (long) d.filesize());
        }
    }
}
