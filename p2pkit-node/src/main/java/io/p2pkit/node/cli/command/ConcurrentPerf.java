package io.p2pkit.node.cli.command;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.HostBuilder;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.perf.PerfListener;
import io.p2pkit.core.perf.PerfService;
import io.p2pkit.node.cli.Console;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * {@code p2pkit perf --streams N} and {@code --conns N}: many perf streams at once, on one
 * connection or each on its own connection from its own client host, for the benchmark's
 * many-stream and many-connection rows. A run first connects (at most {@value #DIAL_CONCURRENCY}
 * dials at a time), then starts every stream at once; it prints one {@code stream} line per stream
 * (seconds from that start to its last byte), then the run's {@code final} line with the totals.
 */
final class ConcurrentPerf {
    /** How long one run may take, all its streams together. */
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(10);
    /** Dials in flight at once: a thousand handshakes at once would time out on a small machine. */
    static final int DIAL_CONCURRENCY = 64;

    private final Supplier<HostBuilder> builders;
    private final PeerInfo server;
    private final long upload;
    private final long download;
    private final Console console;

    ConcurrentPerf(Supplier<HostBuilder> builders, PeerInfo server, long upload, long download, Console console) {
        this.builders = builders;
        this.server = server;
        this.upload = upload;
        this.download = download;
        this.console = console;
    }

    int run(long runs, int streams, int conns) throws Exception {
        // A thousand client hosts share one scheduler (timers only), as a node's services share its host's.
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "p2pkit-perf-scheduler");
            t.setDaemon(true);
            return t;
        });
        List<Host> hosts = new ArrayList<>();
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        try {
            for (int i = 0; i < conns; i++) {
                hosts.add(builders.get().identity(PrivateKey.generateEd25519()).scheduler(scheduler).build());
            }
            for (long r = 0; r < runs; r++) {
                once(hosts, streams, threads);
            }
        } finally {
            for (Host h : hosts) {
                h.close(); // ends any stream still running
            }
            threads.shutdownNow();
            scheduler.shutdownNow();
        }
        return 0;
    }

    private void once(List<Host> hosts, int streams, ExecutorService threads) throws Exception {
        long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
        int n = Math.max(streams, hosts.size());
        List<Connection> connections = new ArrayList<>();
        try {
            Semaphore slots = new Semaphore(DIAL_CONCURRENCY);
            List<Future<Connection>> dials = new ArrayList<>(hosts.size());
            for (Host h : hosts) {
                dials.add(threads.submit(() -> {
                    slots.acquire();
                    try {
                        return h.connect(server);
                    } finally {
                        slots.release();
                    }
                }));
            }
            List<Connection> byHost = new ArrayList<>(hosts.size());
            for (Future<Connection> f : dials) {
                byHost.add(result(f, deadline));
            }
            long start = System.nanoTime();
            List<Future<Double>> done = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int k = Math.min(i, hosts.size() - 1);
                done.add(threads.submit(() -> {
                    PerfService.client(hosts.get(k)).measure(byHost.get(k), upload, download, PerfListener.NONE);
                    return (System.nanoTime() - start) / 1e9;
                }));
            }
            List<Double> times = new ArrayList<>(n);
            for (Future<Double> f : done) {
                times.add(result(f, deadline));
            }
            double total = (System.nanoTime() - start) / 1e9;
            for (double t : times) {
                console.json(PerfCommand.line("stream", t, upload, download));
            }
            console.json(PerfCommand.line("final", total, upload * n, download * n));
        } finally {
            for (Host h : hosts) {
                connections.addAll(h.network().connections(server.peerId()));
            }
            for (Connection c : connections) {
                c.close();
            }
        }
    }

    private static <T> T result(Future<T> f, long deadline) throws Exception {
        try {
            return f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new IOException("a dial or perf stream did not finish within " + RUN_TIMEOUT, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw e;
        }
    }
}
