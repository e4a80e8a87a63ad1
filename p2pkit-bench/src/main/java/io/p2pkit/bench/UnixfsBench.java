package io.p2pkit.bench;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.blockstore.Blockstore;
import io.p2pkit.ipfs.blockstore.FlatfsBlockstore;
import io.p2pkit.ipfs.codec.Codecs;
import io.p2pkit.ipfs.repo.OpenOptions;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.ipfs.unixfs.exporter.Exporter;
import io.p2pkit.ipfs.unixfs.importer.BlockSink;
import io.p2pkit.ipfs.unixfs.importer.ImportOptions;
import io.p2pkit.ipfs.unixfs.importer.ImportResult;
import io.p2pkit.ipfs.unixfs.importer.Importer;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.SplittableRandom;

/**
 * The p2pkit side of scripts/bench-unixfs: UnixFS import and export through the library API (the
 * {@code add}/{@code cat} commands will sit on it). One line of JSON per measurement.
 *
 * <pre>
 * UnixfsBench sha256                                  single-core SHA-256, MiB/s
 * UnixfsBench sha256-where                            SHA-256 of 1 MiB arrays, MiB/s: one array hashed again and
 *                                                     again (in cache), 512 arrays in turn (from memory), and
 *                                                     each array just written by another thread (run it with -Xmx2g)
 * UnixfsBench read FILE                               ms to read FILE into new 1 MiB arrays on one thread: through
 *                                                     Files.newInputStream, through 64 MiB mappings, and the
 *                                                     arrays' allocation alone
 * UnixfsBench add PROFILE PATH STORE [REPEAT]         import; STORE: none (only hash), synced:DIR (a fresh
 *                                                     repository per run with its defaults: synced puts,
 *                                                     re-hashed reads) or unsynced:DIR (Kubo's flatfs
 *                                                     settings: no fsync, no re-hash); runs use DIR-1, DIR-2 …
 * UnixfsBench cat CID DIR [REPEAT]                    read a file back from a repository
 * UnixfsBench heap PROFILE GIB DIR                    import then export a generated GIB-GiB stream (run it with -Xmx256m)
 * </pre>
 *
 * With REPEAT > 1 the runs share one JVM: the first is cold, the rest warm.
 */
public final class UnixfsBench {
    private UnixfsBench() {
    }

    public static void main(String[] args) throws Exception {
        switch (args.length == 0 ? "" : args[0]) {
            case "sha256" -> sha256();
            case "sha256-where" -> sha256Where();
            case "read" -> read(Path.of(args[1]));
            case "add" -> add(ImportOptions.profile(args[1]), Path.of(args[2]), args[3], args.length > 4 ? Integer.parseInt(args[4]) : 1);
            case "cat" -> cat(Cid.parse(args[1]), Path.of(args[2]), args.length > 3 ? Integer.parseInt(args[3]) : 1);
            case "heap" -> heap(ImportOptions.profile(args[1]), Integer.parseInt(args[2]), Path.of(args[3]));
            default -> {
                System.err.println("usage: UnixfsBench sha256 | sha256-where | read FILE | add PROFILE PATH none|synced:DIR|unsynced:DIR [REPEAT] | cat CID DIR [REPEAT] | heap PROFILE GIB DIR");
                System.exit(2);
            }
        }
    }

    private static void sha256() throws Exception {
        byte[] data = new byte[1 << 20];
        new SplittableRandom(1).nextBytes(data);
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (int i = 0; i < 2048; i++) { // warm up the intrinsic
            md.update(data);
        }
        md.digest();
        long t0 = System.nanoTime();
        int n = 4096;
        for (int i = 0; i < n; i++) {
            md.update(data);
        }
        md.digest();
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("{\"sha256MiBs\":%.1f}%n", n / s);
    }

    /** Why leaves are hashed on the core that read them: the same hash from cache, from memory, and after another core wrote the bytes. */
    private static void sha256Where() throws Exception {
        byte[][] arrays = new byte[512][];
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < arrays.length; i++) {
            arrays[i] = new byte[1 << 20];
            random.nextBytes(arrays[i]);
        }
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        java.util.concurrent.ExecutorService writer = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            for (int round = 0; round < 4; round++) { // the first rounds warm up; the last one is printed
                long t0 = System.nanoTime();
                for (int i = 0; i < arrays.length; i++) {
                    md.update(arrays[0]);
                    md.digest();
                }
                long t1 = System.nanoTime();
                for (byte[] a : arrays) {
                    md.update(a);
                    md.digest();
                }
                long t2 = System.nanoTime();
                long hashing = 0;
                for (int i = 0; i < arrays.length; i++) {
                    byte[] a = arrays[i];
                    byte fill = (byte) (round + i);
                    writer.submit(() -> java.util.Arrays.fill(a, fill)).get();
                    long h0 = System.nanoTime();
                    md.update(a);
                    md.digest();
                    hashing += System.nanoTime() - h0;
                }
                if (round == 3) {
                    double mib = arrays.length;
                    System.out.printf("{\"inCacheMiBs\":%.1f,\"fromMemoryMiBs\":%.1f,\"writtenByAnotherThreadMiBs\":%.1f}%n",
                            mib / ((t1 - t0) / 1e9), mib / ((t2 - t1) / 1e9), mib / (hashing / 1e9));
                }
            }
        } finally {
            writer.shutdownNow();
        }
    }

    /** What reading a file costs the importer: a stream, mappings, and zeroing the chunk arrays alone. */
    private static void read(Path file) throws IOException {
        int chunk = 1 << 20;
        long size = Files.size(file);
        for (int round = 0; round < 6; round++) { // the first rounds warm up; each prints
            long sum = 0;
            long t0 = System.nanoTime();
            try (InputStream in = Files.newInputStream(file)) {
                for (int n = chunk; n == chunk; ) {
                    byte[] b = new byte[chunk];
                    n = in.readNBytes(b, 0, chunk);
                    sum += b[0];
                }
            }
            long t1 = System.nanoTime();
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
                for (long base = 0; base < size; base += 64L << 20) {
                    int window = (int) Math.min(64L << 20, size - base);
                    java.nio.MappedByteBuffer m = ch.map(java.nio.channels.FileChannel.MapMode.READ_ONLY, base, window);
                    for (int at = 0; at < window; at += chunk) {
                        byte[] b = new byte[Math.min(chunk, window - at)];
                        m.get(at, b);
                        sum += b[0];
                    }
                }
            }
            long t2 = System.nanoTime();
            for (long at = 0; at < size; at += chunk) {
                byte[] b = new byte[chunk];
                sum += b[(int) (at % chunk)];
            }
            long t3 = System.nanoTime();
            System.out.printf("{\"round\":%d,\"streamMs\":%.1f,\"mappedMs\":%.1f,\"allocateOnlyMs\":%.1f,\"check\":%d}%n",
                    round, (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6, sum);
        }
    }

    private static void add(ImportOptions options, Path path, String store, int repeat) throws IOException {
        for (int run = 1; run <= repeat; run++) {
            long t0 = System.nanoTime();
            ImportResult r;
            if (store.equals("none")) {
                r = new Importer(options, BlockSink.NONE).importPath(path);
            } else {
                boolean synced = store.startsWith("synced:");
                Path root = Path.of(store.substring(store.indexOf(':') + 1) + (repeat > 1 ? "-" + run : ""));
                Repository.init(root, synced ? RepoConfig.defaults()
                        : RepoConfig.parse("blockstore.syncWrites = false\nblockstore.hashOnRead = false\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                try (Repository repo = Repository.open(root, OpenOptions.of(Codecs.standard()))) {
                    r = new Importer(options, BlockSink.of(repo.blocks())).importPath(path);
                }
            }
            double ms = (System.nanoTime() - t0) / 1e6;
            System.out.printf("{\"run\":%d,\"root\":\"%s\",\"bytes\":%d,\"blocks\":%d,\"ms\":%.1f}%n", run, r.root(), r.bytes(), r.blocks(), ms);
        }
    }

    private static void cat(Cid cid, Path repoRoot, int repeat) throws IOException {
        try (Repository repo = Repository.open(repoRoot, OpenOptions.of(Codecs.standard()))) {
            for (int run = 1; run <= repeat; run++) {
                long t0 = System.nanoTime();
                long n = drain(new Exporter(repo.blocks()).read(cid));
                double ms = (System.nanoTime() - t0) / 1e6;
                System.out.printf("{\"run\":%d,\"bytes\":%d,\"ms\":%.1f}%n", run, n, ms);
            }
        }
    }

    private static long drain(InputStream in) throws IOException {
        try (in) {
            byte[] buf = new byte[256 * 1024];
            long total = 0;
            for (int n; (n = in.read(buf)) >= 0; ) {
                total += n;
            }
            return total;
        }
    }

    /** Imports a generated stream into an unsynced disk store, reads it back, and reports the heap's high-water mark. */
    private static void heap(ImportOptions options, int gib, Path dir) throws IOException {
        long size = (long) gib << 30;
        Files.createDirectories(dir);
        try (Blockstore store = FlatfsBlockstore.open(dir, new FlatfsBlockstore.Options(false, false, false))) {
            long t0 = System.nanoTime();
            ImportResult r = new Importer(options, BlockSink.of(store)).importStream(new Generated(size), "");
            double addS = (System.nanoTime() - t0) / 1e9;
            long addPeak = heapPeak();
            resetPeaks();
            long t1 = System.nanoTime();
            long read = drain(new Exporter(store).read(r.root()));
            double catS = (System.nanoTime() - t1) / 1e9;
            if (read != size) {
                throw new IllegalStateException("read " + read + " of " + size + " bytes");
            }
            System.out.printf("{\"profile\":\"%s\",\"gib\":%d,\"root\":\"%s\",\"maxHeapMiB\":%d,\"addPeakHeapMiB\":%.1f,\"catPeakHeapMiB\":%.1f,\"addS\":%.1f,\"catS\":%.1f}%n",
                    options.profileName(), gib, r.root(), Runtime.getRuntime().maxMemory() >> 20, addPeak / 1048576.0, heapPeak() / 1048576.0, addS, catS);
        }
    }

    private static long heapPeak() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                sum += p.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            p.resetPeakUsage();
        }
    }

    /** Seeded pseudo-random bytes, made as they are read. */
    private static final class Generated extends InputStream {
        private final SplittableRandom rnd = new SplittableRandom(10);
        private long left;

        Generated(long size) {
            this.left = size;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left <= 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            for (int i = 0; i < n; i += 8) {
                long v = rnd.nextLong();
                for (int k = 0; k < 8 && i + k < n; k++) {
                    b[off + i + k] = (byte) (v >>> (8 * k));
                }
            }
            left -= n;
            return n;
        }
    }
}
