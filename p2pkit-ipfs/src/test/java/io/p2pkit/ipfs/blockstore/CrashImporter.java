package io.p2pkit.ipfs.blockstore;

import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.block.Block;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * The child process of {@link FlatfsCrashTest}: imports seeded random raw blocks into a flatfs
 * store with synced writes and prints {@code put <cid> ok} after each put has returned.
 * Arguments: directory, seed, number of blocks, block size.
 */
public final class CrashImporter {
    private CrashImporter() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        SplittableRandom random = new SplittableRandom(Long.parseLong(args[1]));
        int blocks = Integer.parseInt(args[2]);
        int size = Integer.parseInt(args[3]);
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        try (FlatfsBlockstore store = FlatfsBlockstore.open(dir, FlatfsBlockstore.Options.defaults())) {
            out.println("open " + store.removedTempFiles());
            out.flush();
            for (int i = 0; i < blocks; i++) {
                byte[] data = new byte[size];
                random.nextBytes(data);
                Block b = Block.create(Multicodec.RAW, Multicodec.SHA2_256, data);
                store.put(b);
                out.println("put " + b.cid() + " ok");
                out.flush();
            }
        }
        out.println("done");
        out.flush();
    }
}
