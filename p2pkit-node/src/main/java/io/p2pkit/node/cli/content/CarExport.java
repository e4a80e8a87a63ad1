package io.p2pkit.node.cli.content;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.block.BlockSource;
import io.p2pkit.ipfs.block.LinkReader;
import io.p2pkit.ipfs.car.CarWriter;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;

/**
 * Writes the DAG under a root as a CARv1, as Kubo's {@code dag export} does: the root in the
 * header, then the blocks depth first, each before its children and each once, identity CIDs
 * left out. Each block is written as it is read, so the CAR streams while its source fetches.
 * The root is read when the export is made, before anything is written: a missing root is an
 * error with no output.
 */
public final class CarExport {
    private final DagTraversal walk;
    private final Cid root;

    private CarExport(DagTraversal walk, Cid root) {
        this.walk = walk;
        this.root = root;
    }

    /**
     * The CAR of the whole DAG under {@code root}: a block missing below the root will stop
     * {@link #writeTo} with {@link BlockNotFoundException}, the CAR written so far being cut.
     *
     * @param blocks where the blocks are read (one that fetches makes the CAR stream as they come)
     * @param links  how their links are read
     * @param root   the DAG's root, read now
     * @return the export, to write
     * @throws BlockNotFoundException when the root is missing
     * @throws IOException            when it cannot be read
     */
    public static CarExport whole(BlockSource blocks, LinkReader links, Cid root) throws IOException {
        return new CarExport(new DagTraversal(withRoot(blocks, root), links), root);
    }

    /**
     * The CAR of what {@code blocks} has of the DAG under {@code root} (Kubo's {@code dag export
     * --local-only}): a block missing or unreadable is left out with what only it leads to. The
     * root must be there.
     *
     * @param blocks the blocks there are
     * @param links  how their links are read
     * @param root   the DAG's root, read now
     * @return the export, to write
     * @throws BlockNotFoundException when the root is missing
     * @throws IOException            when it cannot be read
     */
    public static CarExport available(BlockSource blocks, LinkReader links, Cid root) throws IOException {
        return new CarExport(DagTraversal.available(withRoot(blocks, root), links), root);
    }

    /** The source with the root read once, now: the walk takes it from here. */
    private static BlockSource withRoot(BlockSource blocks, Cid root) throws IOException {
        Block first = blocks.get(root).orElseThrow(() -> new BlockNotFoundException(root));
        return cid -> cid.equals(root) ? Optional.of(first) : blocks.get(cid);
    }

    /**
     * Writes the CAR, each block as it is read.
     *
     * @param out where the CAR goes; flushed, not closed
     * @return how many blocks were written
     * @throws BlockNotFoundException when a block below the root is missing from a whole export
     * @throws IOException            when a block cannot be read or {@code out} fails
     */
    public long writeTo(OutputStream out) throws IOException {
        long[] count = {0};
        try (CarWriter car = CarWriter.create(new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                out.flush(); // the caller closes its own stream
            }
        }, List.of(root))) {
            walk.walk(root, block -> {
                if (block.cid().multihash().code() != Multicodec.IDENTITY) {
                    car.write(block);
                    count[0]++;
                }
            });
        }
        return count[0];
    }
}
