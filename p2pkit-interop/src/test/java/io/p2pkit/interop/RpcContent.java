package io.p2pkit.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** The tree both RPC sessions (Kubo's CLI, kubo-rpc-client) add: small files, awkward names, an empty file, two levels, 700 kB. */
final class RpcContent {
    private RpcContent() {
    }

    /** Writes the tree at {@code top} and returns it. */
    static Path tree(Path top) throws IOException {
        Files.createDirectories(top.resolve("sub/deeper"));
        Files.writeString(top.resolve("a.txt"), "alpha\n");
        Files.writeString(top.resolve("name with space.txt"), "spaced\n");
        Files.write(top.resolve("empty"), new byte[0]);
        Files.writeString(top.resolve("sub/b.txt"), "beta beta\n");
        Files.writeString(top.resolve("sub/deeper/c.txt"), "gamma\n");
        byte[] big = new byte[700_000];
        new Random(20).nextBytes(big);
        Files.write(top.resolve("big.bin"), big);
        return top;
    }
}
