package io.p2pkit.ipfs.blockstore;

import io.p2pkit.core.multiformats.Multihash;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A file in a block directory that failed verification.
 *
 * @param file   the file
 * @param key    the block it should hold, when its name is a block key
 * @param reason what is wrong
 */
public record BadBlock(Path file, Optional<Multihash> key, String reason) {
    @Override
    public String toString() {
        return key.map(k -> k + " (" + file + ")").orElse(file.toString()) + ": " + reason;
    }
}
