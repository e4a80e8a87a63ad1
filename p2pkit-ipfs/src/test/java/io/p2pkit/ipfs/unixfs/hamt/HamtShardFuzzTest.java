package io.p2pkit.ipfs.unixfs.hamt;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;
import io.p2pkit.ipfs.codec.dagpb.PBNode;
import io.p2pkit.ipfs.unixfs.pb.UnixfsData;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertTrue;

class HamtShardFuzzTest {
    /**
     * A DAG-PB block read as a HAMT shard is either refused with a UnixfsException or a DecodeException,
     * or is a shard whose every entry is found again by its own name at level 0 (when it sits in
     * the bucket its hash names) and whose lookups never fail otherwise.
     */
    @FuzzTest(maxDuration = "30s")
    void shard(byte[] input) {
        HamtShard shard;
        try {
            PBNode node = PBNode.decode(input);
            if (!node.hasData()) {
                return;
            }
            shard = HamtShard.of(null, node, UnixfsData.decode(node.data()));
        } catch (DecodeException refused) { // UnixfsException included
            return;
        }
        for (int i = 0; i < shard.size(); i++) {
            if (shard.isShardLink(i)) {
                continue;
            }
            String name = shard.entryName(i);
            long hash = Murmur3.hash64(HamtShard.utf8(name));
            Optional<HamtShard.Step> step = shard.step(name, hash, 0);
            if (Murmur3.bucket(hash, 0, shard.bitWidth()) == bucketOf(shard, i) && step.isPresent()) {
                assertTrue(!step.get().shard());
            }
        }
        shard.step("x", Murmur3.hash64(new byte[] {'x'}), 0);
    }

    private static int bucketOf(HamtShard s, int i) {
        for (int b = 0; b < s.fanout(); b++) {
            if (s.linkFor(b) == i) {
                return b;
            }
        }
        return -1;
    }
}
