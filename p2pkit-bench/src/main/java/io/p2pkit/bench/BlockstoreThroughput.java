package io.p2pkit.bench;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.blockstore.FlatfsBlockstore;
import io.p2pkit.ipfs.blockstore.TieredBlockstore;
import io.p2pkit.ipfs.blockstore.TierPolicy;
import io.p2pkit.ipfs.blockstore.VerifyReport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Throughput of the disk blockstore (scripts/bench-blockstore): puts with and without fsync,
 * gets with and without re-hashing, open (the scan that counts blocks and removes crash
 * leftovers), verify, and hot gets from the memory tier; single-core SHA-256 for scale.
 * Blocks are made (and hashed) before each timed batch, so only the store's work is timed.
 * Reads come from the page cache: this measures the store, not the disk.
 * Arguments: [MiB to write, default 512] [block KiB, default 256] [directory, default a temp one].
 */
public final class BlockstoreThroughput {
    private static final int BATCH = 64;

    private BlockstoreThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 512;
        int blockKiB = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        Path base = args.length > 2 ? Path.of(args[2]) : Files.createTempDirectory("p2pkit-blockstore-bench");
        int blockSize = blockKiB * 1024;
        int blocks = (int) ((long) mib * 1024 * 1024 / blockSize);
        System.out.printf("%d blocks of %d KiB (%d MiB) under %s, %s%n", blocks, blockKiB, mib, base,
                System.getProperty("java.vm.name") + " " + Runtime.version());
        try {
            sha256(blockSize);
            List<Cid> cids = put(base.resolve("synced"), blocks, blockSize, true);
            put(base.resolve("unsynced"), blocks, blockSize, false);
            get(base.resolve("synced"), cids, blockSize, true);
            get(base.resolve("synced"), cids, blockSize, false);
            openAndVerify(base.resolve("synced"), (long) blocks * blockSize);
            hotGets(base.resolve("synced"), cids, blockSize);
        } finally {
            if (args.length <= 2) {
                delete(base);
            }
        }
    }

    private static void sha256(int size) throws Exception {
        byte[] data = new byte[size];
        new SplittableRandom(1).nextBytes(data);
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (int i = 0; i < 200; i++) {
            md.digest(data); // warm up
        }
        int n = Math.max(1, (int) (1024L * 1024 * 1024 / size));
        long t = System.nanoTime();
        for (int i = 0; i < n; i++) {
            md.digest(data);
        }
        report("sha-256, one core", n, (long) n * size, System.nanoTime() - t);
    }

    private static List<Cid> put(Path dir, int blocks, int size, boolean sync) throws IOException {
        SplittableRandom random = new SplittableRandom(sync ? 2 : 3);
        List<Cid> cids = new ArrayList<>(blocks);
        long nanos = 0;
        try (FlatfsBlockstore store = FlatfsBlockstore.open(dir, FlatfsBlockstore.Options.defaults().withSyncWrites(sync))) {
            for (int done = 0; done < blocks; done += BATCH) {
                List<Block> batch = new ArrayList<>(BATCH);
                for (int i = 0; i < Math.min(BATCH, blocks - done); i++) {
                    byte[] data = new byte[size];
                    random.nextBytes(data);
                    batch.add(Block.create(Multicodec.RAW, Multicodec.SHA2_256, data));
                }
                long t = System.nanoTime();
                for (Block b : batch) {
                    store.put(b);
                }
                nanos += System.nanoTime() - t;
                batch.forEach(b -> cids.add(b.cid()));
            }
        }
        report("put, " + (sync ? "fsync file and directory" : "no fsync"), blocks, (long) blocks * size, nanos);
        return cids;
    }

    private static void get(Path dir, List<Cid> cids, int size, boolean verify) throws IOException {
        try (FlatfsBlockstore store = FlatfsBlockstore.open(dir, FlatfsBlockstore.Options.defaults().withVerifyOnRead(verify))) {
            long t = System.nanoTime();
            long bytes = 0;
            for (Cid cid : cids) {
                bytes += store.get(cid).orElseThrow().size();
            }
            report("get, " + (verify ? "re-hashed" : "not re-hashed") + " (page cache)", cids.size(), bytes, System.nanoTime() - t);
        }
    }

    private static void openAndVerify(Path dir, long bytes) throws IOException {
        long t = System.nanoTime();
        try (FlatfsBlockstore store = FlatfsBlockstore.open(dir, FlatfsBlockstore.Options.defaults())) {
            long opened = System.nanoTime() - t;
            System.out.printf("%-44s %8.1f ms for %d blocks%n", "open (scan, count, clean)", opened / 1e6, store.count());
            t = System.nanoTime();
            VerifyReport r = store.verify();
            report("verify (re-hash all)", r.checked(), bytes, System.nanoTime() - t);
        }
    }

    private static void hotGets(Path dir, List<Cid> cids, int size) throws IOException {
        List<Cid> working = cids.subList(0, Math.min(64, cids.size()));
        try (TieredBlockstore store = TieredBlockstore.builder(FlatfsBlockstore.open(dir, FlatfsBlockstore.Options.defaults()))
                .policy(TierPolicy.defaults()).build()) {
            for (int round = 0; round < 2; round++) {
                for (Cid c : working) {
                    store.get(c); // two reads: promoted to memory
                }
            }
            int n = 0;
            long t = System.nanoTime();
            for (int round = 0; round < 200; round++) {
                for (Cid c : working) {
                    store.get(c);
                    n++;
                }
            }
            report("tiered get, hot (memory tier)", n, (long) n * size, System.nanoTime() - t);
        }
    }

    private static void report(String what, long ops, long bytes, long nanos) {
        double s = nanos / 1e9;
        System.out.printf("%-44s %8.1f MiB/s %10.0f blocks/s%n", what, bytes / s / (1 << 20), ops / s);
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
