package io.p2pkit.ipfs.unixfs.exporter;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.block.Block;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

class ExporterFuzzTest {
    /**
     * Untrusted DAGs: the input is a run of blocks (each a 2-byte length, a codec byte — dag-pb or raw — and
     * the bytes), the first is the root. Whatever they hold, stat, reading (up to 1 MiB), listing
     * (up to 10,000 entries) and a lookup end normally or with a UnixfsException, a
     * DecodeException or a BlockNotFoundException; never another exception, never a hang.
     */
    @FuzzTest(maxDuration = "30s")
    void dag(byte[] input) throws IOException {
        Map<Multihash, byte[]> blocks = new HashMap<>();
        List<Cid> cids = new ArrayList<>();
        int at = 0;
        while (at + 3 <= input.length && cids.size() < 64) {
            int len = Math.min(((input[at] & 0xFF) << 8) | (input[at + 1] & 0xFF), input.length - at - 3);
            long codec = (input[at + 2] & 1) == 0 ? Multicodec.DAG_PB : Multicodec.RAW;
            byte[] data = java.util.Arrays.copyOfRange(input, at + 3, at + 3 + len);
            at += 3 + len;
            Block b = Block.create(codec, Multicodec.SHA2_256, data);
            blocks.put(b.cid().multihash(), data);
            cids.add(b.cid());
        }
        if (cids.isEmpty()) {
            return;
        }
        Exporter ex = new Exporter(cid -> Optional.ofNullable(blocks.get(cid.multihash())).map(d -> Block.of(cid, d)));
        for (Cid root : cids) {
            try {
                ex.stat(root);
            } catch (DecodeException | BlockNotFoundException e) {
                // refused (UnixfsException is a DecodeException)
            }
            try (InputStream in = ex.read(root)) {
                in.readNBytes(1 << 20);
            } catch (DecodeException | BlockNotFoundException e) {
                // refused
            }
            try {
                DirEntries it = ex.list(root, false);
                for (int i = 0; i < 10_000 && it.next() != null; i++) {
                    // walk
                }
                ex.lookup(root, "a");
            } catch (DecodeException | BlockNotFoundException e) {
                // refused
            }
        }
    }
}
