package io.p2pkit.node.cli.content;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.ipfs.unixfs.exporter.Exporter;

import java.io.IOException;

/**
 * UnixFS reads for {@code cat}, {@code get} and {@code ls}: an exporter over the repository's
 * local blocks (no network, no heat), and the exporter's missing-block error turned into the
 * commands' own, which says that they work offline.
 */
public final class LocalFiles {
    private LocalFiles() {
    }

    /**
     * @param repo an open repository
     * @return an exporter over its local blocks
     */
    public static Exporter exporter(Repository repo) {
        return new Exporter(repo.blocks().local());
    }

    /** Reads something UnixFS, turning a missing block into {@link BlockNotFoundException}. */
    @FunctionalInterface
    public interface Read<T> {
        /**
         * @return what was read
         * @throws IOException when it cannot be
         */
        T read() throws IOException;
    }

    /**
     * @param read the read
     * @param <T>  what it gives
     * @return what it gave
     * @throws BlockNotFoundException naming the block when one is not in the repository
     * @throws IOException            when the read fails otherwise
     */
    public static <T> T offline(Read<T> read) throws IOException {
        try {
            return read.read();
        } catch (io.p2pkit.ipfs.unixfs.exporter.BlockNotFoundException e) {
            throw missing(e);
        }
    }

    /**
     * @param e the exporter's error
     * @return the commands' error for the same block
     */
    public static BlockNotFoundException missing(io.p2pkit.ipfs.unixfs.exporter.BlockNotFoundException e) {
        Cid cid = e.cid();
        BlockNotFoundException b = new BlockNotFoundException(cid);
        b.initCause(e);
        return b;
    }
}
