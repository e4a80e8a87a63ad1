package io.p2pkit.node.rpc;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.unixfs.importer.BlockSink;
import io.p2pkit.node.exchange.Reprovider;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A sink that notes the CIDs of the blocks an import writes, so that they can be announced without
 * reading them back: at most {@link Reprovider#MAX_PENDING}, as many as the provide queue holds
 * (the next reprovide run announces the rest).
 */
final class WrittenKeys implements BlockSink {
    private final BlockSink target;
    private final List<Cid> written = new ArrayList<>();

    WrittenKeys(BlockSink target) {
        this.target = target;
    }

    @Override
    public void put(Block block) throws IOException {
        target.put(block);
        note(block.cid());
    }

    @Override
    public void putReference(Block block, Path file, long offset) throws IOException {
        target.putReference(block, file, offset);
        note(block.cid());
    }

    @Override
    public void flush() throws IOException {
        target.flush();
    }

    /** Notes a block written some other way. */
    void note(Cid cid) {
        if (written.size() < Reprovider.MAX_PENDING) {
            written.add(cid);
        }
    }

    /** @return the CIDs noted, in the order written */
    List<Cid> written() {
        return written;
    }
}
