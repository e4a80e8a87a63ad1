package io.p2pkit.bench;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.network.Connection;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * CPU per connection of both sides at once: a dialer and a listener host in this JVM, each run a
 * new loopback TCP connection (Noise or TLS, yamux, both hosts' default services), a stream with a
 * 1-byte echo, and a close. After the warm-up runs, the process's CPU time over the measured runs
 * is split into the JIT compiler threads and all the others (from {@code /proc}, Linux only), per
 * connection. One JVM holds both sides, so an A/B of two builds needs no servers and no ports and
 * sees the same machine load within one run; run builds alternately, each in a fresh JVM:
 *
 * <pre>java -cp "BUILD/lib/*:p2pkit-bench/target/classes" io.p2pkit.bench.ConnectionCpu noise 3000 3000</pre>
 *
 * <p>It uses only the public host API, so these classes run against the jars of an older build.
 * Arguments: {@code security warm-up-runs measured-runs}.
 */
public final class ConnectionCpu {
    /** Linux's clock ticks per second for /proc times (USER_HZ). */
    private static final int TICKS_PER_SECOND = 100;

    private ConnectionCpu() {
    }

    /** Runs the measurement. */
    public static void main(String[] args) throws Exception {
        String security = args.length > 0 ? args[0] : "noise";
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 3000;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 3000;
        try (Host listener = Host.builder().listen("/ip4/127.0.0.1/tcp/0").security(security).build();
             Host dialer = Host.builder().security(security).build()) {
            ConnectionSetup.serveEcho(listener);
            PeerInfo target = new PeerInfo(listener.peerId(), listener.addresses());
            for (int i = 0; i < warmup; i++) {
                exchange(dialer, target);
            }
            long[] before = ticks();
            long started = System.nanoTime();
            for (int i = 0; i < runs; i++) {
                exchange(dialer, target);
            }
            long wall = System.nanoTime() - started;
            long[] after = ticks();
            double perRun = 1e6 / TICKS_PER_SECOND / runs;
            System.out.printf(Locale.ROOT, "%s, %d runs after %d: app %.0f µs, JIT %.0f µs of CPU per connection"
                            + " (both sides); %.2f ms per run%n", security, runs, warmup,
                    (after[0] - before[0]) * perRun, (after[1] - before[1]) * perRun, wall / 1e6 / runs);
        }
    }

    private static void exchange(Host dialer, PeerInfo target) throws IOException {
        Connection c = dialer.connect(target);
        ConnectionSetup.echo(dialer, c);
        c.close();
    }

    /** User plus system clock ticks of this process's threads: {all but the JIT compilers, the JIT compilers}. */
    private static long[] ticks() throws IOException {
        long app = 0;
        long jit = 0;
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                String name;
                String stat;
                try {
                    name = Files.readString(t.resolve("comm"));
                    stat = Files.readString(t.resolve("stat"));
                } catch (IOException e) {
                    continue; // the thread ended meanwhile: its time is gone from the process's sum
                }
                // utime and stime are the 12th and 13th fields after the ')' that ends the name
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                long used = Long.parseLong(f[11]) + Long.parseLong(f[12]);
                if (name.contains("Compiler")) {
                    jit += used;
                } else {
                    app += used;
                }
            }
        }
        return new long[] {app, jit};
    }
}
