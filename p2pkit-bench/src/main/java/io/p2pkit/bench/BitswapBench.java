package io.p2pkit.bench;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.HostBuilder;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.bitswap.Bitswap;
import io.p2pkit.ipfs.bitswap.BitswapConfig;
import io.p2pkit.ipfs.bitswap.DagFetch;
import io.p2pkit.ipfs.bitswap.ProviderFinder;
import io.p2pkit.ipfs.codec.Codecs;
import io.p2pkit.ipfs.repo.OpenOptions;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.ipfs.unixfs.importer.BlockSink;
import io.p2pkit.ipfs.unixfs.importer.ImportOptions;
import io.p2pkit.ipfs.unixfs.importer.Importer;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The p2pkit side of scripts/bench-bitswap: a Bitswap server and a fetcher over loopback TCP.
 *
 * <pre>
 * BitswapBench serve REPO PATH     import PATH (Kubo's default profile) into a fresh repository at REPO,
 *                                  serve it; prints {"addr":…,"root":…}; runs until stdin closes
 * BitswapBench fetch DIR CID REPEAT ADDR…
 *                                  fetch the DAG under CID from the peers at ADDR… into a fresh
 *                                  repository DIR-1, DIR-2 … per run (deleted after it, unless
 *                                  -Dp2pkit.bench.keepRepos=true); one JSON line per run:
 *                                  {"run":n,"ms":…,"blocks":…,"bytes":…,"heapMiB":…}
 * </pre>
 *
 * Both repositories use Kubo's flatfs settings (no fsync, no re-hash on read), as Kubo's
 * {@code test} profile. With REPEAT > 1 the runs share one JVM: the first is cold, the rest warm;
 * each starts after a {@code sync}.
 */
public final class BitswapBench {
    private static final byte[] UNSYNCED = "blockstore.syncWrites = false\nblockstore.hashOnRead = false\n"
            .getBytes(StandardCharsets.UTF_8);

    /**
     * {@code -Dp2pkit.bench.keepRepos=true}: each run's repository stays (the script removes them at
     * its end). A journal-less ext4 does not reuse an inode deleted in the last minutes and reads
     * each one's inode table block to find that out, so creating 10,000 blocks right after deleting
     * the last run's 10,000 measures that scan more than the fetch (docs/PERFORMANCE.md).
     */
    private static final boolean KEEP_REPOS = Boolean.getBoolean("p2pkit.bench.keepRepos");
    /** How long a {@code sync} between runs may take. */
    private static final long SYNC_SECONDS = 120;

    private BitswapBench() {
    }

    public static void main(String[] args) throws Exception {
        switch (args.length == 0 ? "" : args[0]) {
            case "serve" -> serve(Path.of(args[1]), Path.of(args[2]));
            case "fetch" -> fetch(Path.of(args[1]), Cid.parse(args[2]), Integer.parseInt(args[3]),
                    List.of(args).subList(4, args.length));
            default -> {
                System.err.println("usage: BitswapBench serve REPO PATH | fetch DIR CID REPEAT ADDR...");
                System.exit(2);
            }
        }
    }

    /**
     * A host as the bench's nodes use: the defaults, or the security protocols named in
     * {@code -Dp2pkit.bench.security} (for example {@code tls,noise}), in preference order.
     */
    private static HostBuilder host() {
        HostBuilder b = Host.builder();
        String security = System.getProperty("p2pkit.bench.security", "");
        if (!security.isBlank()) {
            b.security(security.split(","));
        }
        return b;
    }

    private static Repository fresh(Path root) throws IOException {
        delete(root);
        Repository.init(root, RepoConfig.parse(UNSYNCED));
        return Repository.open(root, OpenOptions.of(Codecs.standard()));
    }

    private static void serve(Path root, Path content) throws Exception {
        try (Repository repo = fresh(root); Host host = host().listen("/ip4/127.0.0.1/tcp/0").build()) {
            Cid cid = new Importer(ImportOptions.KUBO_0_39, BlockSink.of(repo.blocks())).importPath(content).root();
            Bitswap bitswap = Bitswap.attach(host, repo.blocks().local(), BitswapConfig.defaults(), ProviderFinder.NONE);
            System.out.println("{\"addr\":\"" + host.addresses().get(0) + "/p2p/" + host.peerId() + "\",\"root\":\"" + cid + "\"}");
            System.out.flush();
            System.in.transferTo(java.io.OutputStream.nullOutputStream()); // until the script closes stdin
            System.err.println(bitswap.stats());
        }
    }

    private static void fetch(Path dir, Cid root, int repeat, List<String> addrs) throws Exception {
        for (int run = 1; run <= repeat; run++) {
            Path repoDir = dir.resolveSibling(dir.getFileName() + "-" + run);
            if (run > 1) {
                syncDisks(); // as the script does before a fresh JVM's run: no run inherits another's dirty pages
            }
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                pool.resetPeakUsage();
            }
            try (Repository repo = fresh(repoDir); Host host = host().build()) {
                Bitswap bitswap = Bitswap.attach(host, repo.blocks().local(), BitswapConfig.defaults().withServe(false),
                        ProviderFinder.NONE);
                long t0 = System.nanoTime();
                List<Thread> dials = new ArrayList<>();
                for (String a : addrs) {
                    dials.add(Thread.ofVirtual().start(() -> {
                        try {
                            host.connect(PeerInfo.fromMultiaddr(Multiaddr.parse(a)));
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }));
                }
                for (Thread t : dials) {
                    t.join();
                }
                DagFetch.Result r = bitswap.fetchDag(root, Codecs.standard(), DagFetch.Progress.NONE, Duration.ofSeconds(60));
                long ms = (System.nanoTime() - t0) / 1_000_000;
                long heap = 0;
                for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                    if (pool.getType() == MemoryType.HEAP) {
                        heap += pool.getPeakUsage().getUsed();
                    }
                }
                System.out.printf("{\"run\":%d,\"ms\":%d,\"blocks\":%d,\"bytes\":%d,\"heapMiB\":%d}%n",
                        run, ms, r.blocks(), r.fetchedBytes(), heap >> 20);
                System.out.flush();
            }
            if (!KEEP_REPOS) {
                delete(repoDir);
            }
        }
    }

    /** Writes every dirty page out ({@code sync}), so that the kernel's write-back of one run does not throttle the next. */
    private static void syncDisks() throws IOException, InterruptedException {
        try {
            Process sync = new ProcessBuilder("sync").inheritIO().start();
            if (!sync.waitFor(SYNC_SECONDS, java.util.concurrent.TimeUnit.SECONDS)) {
                sync.destroyForcibly();
                System.err.println("BitswapBench: sync took over " + SYNC_SECONDS + " s; runs may share write-back");
            }
        } catch (IOException e) {
            System.err.println("BitswapBench: no sync command (" + e.getMessage() + "); runs may share write-back");
        }
    }

    private static void delete(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
