package io.p2pkit.bench;

import io.p2pkit.core.muxer.yamux.Yamux;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.muxer.yamux.YamuxConfig;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.transport.tcp.TcpTransport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Memory per idle connection. Starts {@link IdleListener} as a second JVM, then opens idle
 * TCP+Noise+yamux connections to it in stages (1,000 and then 10,000 by default), each from its
 * own dialer host so that they are connections to distinct peers, as on a real node. After each
 * stage, once identify has finished on every connection, both processes force a full GC and report
 * their live heap, platform and virtual threads and file descriptors; the difference to the
 * baseline, divided by the number of connections, is the cost of one idle connection.
 *
 * <p>The dialer hosts are all built before the baseline, so the dialer's figure counts the
 * connections, not the hosts. Run it with {@code scripts/bench-memory}.
 *
 * <p>Arguments: {@code --counts 1000,10000 --ports 4 --parallel 32 --listener-heap 6g --top 15}.
 */
public final class IdleConnections {
    private static final Duration SETTLE_TIMEOUT = Duration.ofMinutes(5);
    /**
     * Default yamux settings but a keep-alive timeout of two minutes: a full GC of a heap of
     * several gigabytes, while measuring, stops one process for seconds, and the other side must
     * not take that for a dead connection.
     */
    static final YamuxConfig YAMUX = YamuxConfig.defaults().withKeepAlive(Duration.ofSeconds(30), Duration.ofMinutes(2));

    private final BufferedReader fromListener;
    private final PrintWriter toListener;

    private IdleConnections(Process listener) {
        this.fromListener = new BufferedReader(new InputStreamReader(listener.getInputStream(), StandardCharsets.UTF_8));
        this.toListener = new PrintWriter(listener.getOutputStream(), true, StandardCharsets.UTF_8);
    }

    /** Runs the benchmark; see the class comment for the arguments. */
    public static void main(String[] args) throws Exception {
        int[] counts = {1000, 10_000};
        int ports = 4;
        int parallel = 32;
        int top = 15;
        String listenerHeap = "6g";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--counts" -> counts = Arrays.stream(args[i + 1].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--ports" -> ports = Integer.parseInt(args[i + 1]);
                case "--parallel" -> parallel = Integer.parseInt(args[i + 1]);
                case "--listener-heap" -> listenerHeap = args[i + 1];
                case "--top" -> top = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "-Xmx" + listenerHeap, "-cp", System.getProperty("java.class.path"),
                IdleListener.class.getName(), Integer.toString(ports))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            new IdleConnections(child).run(counts, parallel, top);
        } finally {
            child.destroy();
        }
    }

    private void run(int[] counts, int parallel, int top) throws Exception {
        String[] ready = expect("READY").split(" ");
        PeerId listenerId = PeerId.parse(ready[0]);
        List<Multiaddr> addrs = new ArrayList<>();
        for (int i = 1; i < ready.length; i++) {
            addrs.add(Multiaddr.parse(ready[i]));
        }
        int max = Arrays.stream(counts).max().orElseThrow();
        System.out.printf("listener %s on %s (pid %d)%n", listenerId, addrs, ProcessHandle.current().pid());
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-scheduler");
            t.setDaemon(true);
            return t;
        });
        List<Host> dialers = new ArrayList<>(max);
        long start = System.nanoTime();
        for (int i = 0; i < max; i++) {
            // No listening and no port reuse: each connection leaves from its own ephemeral port.
            dialers.add(Host.builder().identity(PrivateKey.generateEd25519()).security("noise")
                    .muxer(Yamux.factory(YAMUX)).transport(key -> new TcpTransport(false)).scheduler(scheduler).build());
        }
        System.out.printf("built %d dialer hosts in %d ms%n", max, (System.nanoTime() - start) / 1_000_000);
        Stage baseline = measure(0, top);
        System.out.println("baseline: dialer " + baseline.dialer.toLine() + " | listener " + baseline.listener.toLine());
        List<Stage> stages = new ArrayList<>();
        int open = 0;
        try {
            for (int count : counts) {
                start = System.nanoTime();
                connect(dialers.subList(open, count), listenerId, addrs, parallel);
                open = count;
                long connectMillis = (System.nanoTime() - start) / 1_000_000;
                settle(dialers.subList(0, count), count, listenerId, addrs);
                Stage s = measure(count, top);
                stages.add(s);
                System.out.printf("%d connections (opened in %d ms): dialer %s | listener %s%n", count,
                        connectMillis, s.dialer.toLine(), s.listener.toLine());
                // The figures count only if every connection outlived the measurement.
                toListener.println("count");
                String after = expect("COUNT");
                int local = 0;
                for (Host h : dialers.subList(0, count)) {
                    local += h.network().connections().size();
                }
                System.out.printf("  still open after measuring: dialer %d, listener %s%n", local, after.split(" ")[0]);
                if (local != count || Integer.parseInt(after.split(" ")[0]) != count) {
                    throw new IOException("connections closed while measuring: the figures above are not valid");
                }
            }
            report(baseline, stages);
        } finally {
            toListener.println("quit");
            for (Host h : dialers) {
                h.close();
            }
            scheduler.shutdownNow();
        }
    }

    /** Connects every host in {@code hosts} to the listener, {@code parallel} at a time. */
    private static void connect(List<Host> hosts, PeerId listener, List<Multiaddr> addrs, int parallel)
            throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Exception> failure = new AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < parallel; w++) {
            workers.add(Thread.ofVirtual().name("bench-dial-" + w).start(() -> {
                int i;
                while ((i = next.getAndIncrement()) < hosts.size() && failure.get() == null) {
                    // Spread the connections over the listen ports.
                    Multiaddr a = addrs.get(i % addrs.size());
                    try {
                        hosts.get(i).connect(new PeerInfo(listener, List.of(a)));
                    } catch (IOException | RuntimeException e) {
                        failure.compareAndSet(null, e);
                    }
                }
            }));
        }
        for (Thread t : workers) {
            t.join();
        }
        if (failure.get() != null) {
            throw new IOException("dial failed", failure.get());
        }
    }

    /**
     * Waits until the listener sees every connection and no stream (identify) is open on either
     * side. A connection lost on the way (on an overloaded machine a handshake can time out on the
     * listener after the dialer finished) is dialed again, so that the count stays exact.
     */
    private void settle(List<Host> hosts, int count, PeerId listener, List<Multiaddr> addrs)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
        String last = "";
        int redialed = 0;
        while (System.nanoTime() < deadline) {
            toListener.println("count");
            last = expect("COUNT");
            String[] c = last.split(" ");
            int localStreams = 0;
            int localConns = 0;
            for (int i = 0; i < hosts.size(); i++) {
                List<Connection> conns = hosts.get(i).network().connections();
                if (conns.isEmpty()) {
                    hosts.get(i).connect(new PeerInfo(listener, List.of(addrs.get(i % addrs.size()))));
                    redialed++;
                    conns = hosts.get(i).network().connections();
                }
                for (Connection conn : conns) {
                    localConns++;
                    localStreams += conn.streamCount();
                }
            }
            if (Integer.parseInt(c[0]) == count && Integer.parseInt(c[1]) == 0 && localConns == count
                    && localStreams == 0) {
                if (redialed > 0) {
                    System.out.printf("  %d connections were lost on the way and dialed again%n", redialed);
                }
                return;
            }
            Thread.sleep(200); // polling another process; there is no event to wait on
        }
        throw new IOException("connections did not settle: listener " + last);
    }

    /** Both sides' footprints with {@code connections} open. */
    private record Stage(int connections, ProcessFootprint dialer, ProcessFootprint listener) {
    }

    private Stage measure(int connections, int top) throws IOException {
        toListener.println("measure " + top);
        List<String> hist = new ArrayList<>();
        String line;
        while (!(line = readLine()).startsWith("FOOTPRINT ")) {
            if (line.startsWith("HIST ")) {
                hist.add(line.substring(5));
            }
        }
        ProcessFootprint listener = ProcessFootprint.parse(line.substring("FOOTPRINT ".length()), hist);
        ProcessFootprint dialer = ProcessFootprint.measure(top);
        return new Stage(connections, dialer, listener);
    }

    private void report(Stage baseline, List<Stage> stages) {
        System.out.println();
        System.out.println("| connections | side | live heap | heap per connection | platform threads | virtual threads | fds |");
        System.out.println("|---:|---|---:|---:|---:|---:|---:|");
        row(baseline, baseline, "dialer");
        row(baseline, baseline, "listener");
        for (Stage s : stages) {
            row(baseline, s, "dialer");
            row(baseline, s, "listener");
        }
        Stage last = stages.getLast();
        for (String side : List.of("listener", "dialer")) {
            System.out.println();
            System.out.println("Class histogram of the " + side + " with " + last.connections + " connections:");
            System.out.println("```");
            (side.equals("dialer") ? last.dialer : last.listener).histogramTop().forEach(System.out::println);
            System.out.println("```");
        }
    }

    private static void row(Stage baseline, Stage s, String side) {
        ProcessFootprint b = side.equals("dialer") ? baseline.dialer : baseline.listener;
        ProcessFootprint f = side.equals("dialer") ? s.dialer : s.listener;
        String perConnection = s.connections == 0 ? "" : String.format("%.1f KiB",
                (f.liveHeapBytes() - b.liveHeapBytes()) / 1024.0 / s.connections);
        System.out.printf("| %d | %s | %.1f MiB | %s | %d | %d | %d |%n", s.connections, side,
                f.liveHeapBytes() / 1024.0 / 1024.0, perConnection, f.platformThreads(), f.virtualThreads(),
                f.fileDescriptors());
    }

    private String expect(String tag) throws IOException {
        String line;
        while (!(line = readLine()).startsWith(tag + " ")) {
            if (line.startsWith("ERROR")) {
                throw new IOException("listener: " + line);
            }
        }
        return line.substring(tag.length() + 1);
    }

    private String readLine() throws IOException {
        String line = fromListener.readLine();
        if (line == null) {
            throw new IOException("the listener process ended");
        }
        return line;
    }
}
