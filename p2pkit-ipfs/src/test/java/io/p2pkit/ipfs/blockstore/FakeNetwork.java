package io.p2pkit.ipfs.blockstore;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.block.Block;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A test double of the block exchange: answers from a map, counting the asks. */
final class FakeNetwork implements BlockFetcher {
    private final Map<Multihash, byte[]> blocks = new ConcurrentHashMap<>();
    final AtomicInteger asked = new AtomicInteger();

    FakeNetwork offer(Block b) {
        blocks.put(b.cid().multihash(), b.data());
        return this;
    }

    /** Answers {@code cid} with bytes that are not its block. */
    FakeNetwork lie(Cid cid, byte[] wrong) {
        blocks.put(cid.multihash(), wrong);
        return this;
    }

    @Override
    public Optional<byte[]> fetch(Cid cid, Duration timeout) {
        asked.incrementAndGet();
        return Optional.ofNullable(blocks.get(cid.multihash()));
    }
}
