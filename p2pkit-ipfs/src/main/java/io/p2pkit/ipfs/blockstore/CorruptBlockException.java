package io.p2pkit.ipfs.blockstore;

import io.p2pkit.core.multiformats.Multihash;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A stored block is damaged: its file is truncated, too large, or its bytes no longer hash to its
 * multihash. Names the block and the file, so that it can be removed and fetched again.
 */
public final class CorruptBlockException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Multihash key;
    private final transient Path file;

    /**
     * @param key    the block's multihash
     * @param file   where it is stored
     * @param reason what is wrong with it
     */
    public CorruptBlockException(Multihash key, Path file, String reason) {
        super("block " + key + " in " + file + " is corrupt: " + reason);
        this.key = key;
        this.file = file;
    }

    /** @return the damaged block's multihash */
    public Multihash key() {
        return key;
    }

    /** @return the file that holds it */
    public Path file() {
        return file;
    }
}
