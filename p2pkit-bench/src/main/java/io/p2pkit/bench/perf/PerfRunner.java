package io.p2pkit.bench.perf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The side-by-side perf benchmark: p2pkit, js-libp2p and go-libp2p perf programs against each
 * other on loopback, throughput both ways, connection + 1-byte round trip, and the machine's
 * ceilings measured in the same run. Writes a Markdown section into {@code docs/PERFORMANCE.md}.
 *
 * <pre>
 * scripts/bench-perf [--reps 5] [--bytes 104857600] [--rtt-runs 100] [--rtt-warmup 200] [--runs-per-process 2] [--security noise,tls,quic,ws]
 *                    [--impls p2pkit,js,go] [--doc docs/PERFORMANCE.md|-] [--jvm-args "..."]
 *                    [--baseline-jar OTHER/p2pkit-node.jar]   (then --impls p2pkit,p2pkit-base: an A/B of two builds)
 * </pre>
 */
public final class PerfRunner {
    static final String BEGIN = "<!-- perf-runner:begin -->";
    static final String END = "<!-- perf-runner:end -->";
    private static final Duration CLIENT_TIMEOUT = Duration.ofMinutes(10);

    /** One client→server combination. */
    record Pair(Implementation client, Implementation server) {
        String label() {
            return client.label() + " → " + server.label();
        }
    }

    private record Key(Pair pair, String security, String direction) {
    }

    /** The map key of one measurement series (for the report). */
    static Object key(Pair pair, String security, String direction) {
        return new Key(pair, security, direction);
    }

    private final Path root;
    private final int reps;
    private final long bytes;
    private final int rttRuns;
    private final int rttWarmup;
    private final int runsPerProcess;
    private final List<String> securities;
    private final List<Implementation> impls;
    private final List<String> jvmArgs;
    private final Path baselineJar;
    private final Map<Key, List<Double>> throughput = new LinkedHashMap<>();
    private final Map<Key, List<Double>> rtt = new LinkedHashMap<>();
    private final List<String> failures = new ArrayList<>();

    private PerfRunner(Map<String, String> o) {
        root = Path.of(o.getOrDefault("root", ".")).toAbsolutePath().normalize();
        reps = Integer.parseInt(o.getOrDefault("reps", "5"));
        bytes = Long.parseLong(o.getOrDefault("bytes", Long.toString(100L << 20)));
        rttRuns = Integer.parseInt(o.getOrDefault("rtt-runs", "100"));
        rttWarmup = Integer.parseInt(o.getOrDefault("rtt-warmup", "200"));
        runsPerProcess = Math.max(2, Integer.parseInt(o.getOrDefault("runs-per-process", "2")));
        securities = List.of(o.getOrDefault("security", "noise,tls,quic,ws").split(","));
        baselineJar = o.containsKey("baseline-jar") ? Path.of(o.get("baseline-jar")).toAbsolutePath() : null;
        List<Implementation> wanted = Arrays.stream(o.getOrDefault("impls", "p2pkit,js,go").split(","))
                .map(Implementation::named).toList();
        impls = wanted.stream().filter(i -> {
            boolean ok = i.available(root, baselineJar);
            if (!ok) {
                System.err.println("perf-runner: " + i.label() + " is not built: left out");
            }
            return ok;
        }).toList();
        String jvm = o.getOrDefault("jvm-args", "").trim();
        jvmArgs = jvm.isEmpty() ? List.of() : List.of(jvm.split("\\s+"));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                System.err.println("usage: PerfRunner [--root DIR] [--reps N] [--bytes N] [--rtt-runs N] [--rtt-warmup N] [--runs-per-process N] "
                        + "[--security noise,tls,quic,ws] [--impls p2pkit,js,go,p2pkit-base] [--doc FILE|-] [--jvm-args ARGS] "
                        + "[--baseline-jar FILE]");
                System.exit(2);
            }
            o.put(args[i].substring(2), args[++i]);
        }
        PerfRunner r = new PerfRunner(o);
        String section = r.run();
        System.out.println(section);
        String doc = o.getOrDefault("doc", "docs/PERFORMANCE.md");
        if (!doc.equals("-")) {
            Path p = r.root.resolve(doc);
            Files.writeString(p, withSection(Files.exists(p) ? Files.readString(p) : "", section), StandardCharsets.UTF_8);
            System.err.println("perf-runner: wrote " + p);
        }
    }

    /** Replaces the runner's section (between its markers) or appends it. */
    static String withSection(String doc, String section) {
        String block = BEGIN + "\n" + section.strip() + "\n" + END;
        int b = doc.indexOf(BEGIN);
        int e = doc.indexOf(END);
        if (b >= 0 && e > b) {
            return doc.substring(0, b) + block + doc.substring(e + END.length());
        }
        return doc.stripTrailing() + "\n\n" + block + "\n";
    }

    private List<Pair> pairs() {
        List<Pair> out = new ArrayList<>();
        for (Implementation i : impls) {
            out.add(new Pair(i, i));
        }
        if (impls.contains(Implementation.P2PKIT)) {
            for (Implementation i : impls) {
                if (i != Implementation.P2PKIT) {
                    out.add(new Pair(Implementation.P2PKIT, i));
                    out.add(new Pair(i, Implementation.P2PKIT));
                }
            }
        }
        return out;
    }

    private String run() throws Exception {
        String machine = Machine.describe();
        System.err.println("perf-runner: " + machine);
        long ceilingBytes = Math.min(1L << 30, Math.max(64L << 20, 8 * bytes));
        double tcp = Ceilings.loopbackTcp(ceilingBytes);
        double chacha = Ceilings.chacha20Poly1305(ceilingBytes);
        double chachaOpen = Ceilings.chacha20Poly1305Open(ceilingBytes);
        System.err.printf(Locale.ROOT, "perf-runner: loopback TCP %.0f MiB/s, ChaCha20-Poly1305 %.0f MiB/s (decryption %.0f)%n",
                mib(tcp), mib(chacha), mib(chachaOpen));

        Map<Implementation, Map<String, String>> servers = new EnumMap<>(Implementation.class);
        List<PerfProcess> running = new java.util.concurrent.CopyOnWriteArrayList<>();
        // An interrupted run (SIGINT, SIGTERM) must not leave servers behind.
        Thread reaper = new Thread(() -> running.forEach(PerfProcess::kill), "perf-runner-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
        try {
            for (Implementation i : impls) {
                for (String sec : securities) {
                    PerfProcess p = PerfProcess.start(command(i, "--run-server", "--server-address", "127.0.0.1:0",
                            securityArgs(sec)));
                    running.add(p);
                    servers.computeIfAbsent(i, k -> new LinkedHashMap<>())
                            .put(sec, p.awaitLine("/ip4/127.0.0.1/", Duration.ofSeconds(60)));
                }
            }
            for (int rep = 1; rep <= reps; rep++) {
                for (String sec : securities) {
                    for (Pair pair : pairs()) {
                        for (String dir : List.of("upload", "download")) {
                            long up = dir.equals("upload") ? bytes : 0;
                            long down = dir.equals("download") ? bytes : 0;
                            // Several runs per process: the first is what the test plans measure (a
                            // fresh process, JITs cold), the last the steady state.
                            List<Double> t = client(pair, sec, servers.get(pair.server()).get(sec), up, down,
                                    runsPerProcess);
                            if (t.size() == runsPerProcess) {
                                throughput.computeIfAbsent(new Key(pair, sec, dir + "-cold"), k -> new ArrayList<>())
                                        .add(bytes / t.getFirst());
                                throughput.computeIfAbsent(new Key(pair, sec, dir), k -> new ArrayList<>())
                                        .add(bytes / t.getLast());
                                System.err.printf(Locale.ROOT, "perf-runner: rep %d %s %s %s %.1f MiB/s cold, %.1f warm%n",
                                        rep, pair.label(), sec, dir, mib(bytes / t.getFirst()), mib(bytes / t.getLast()));
                            }
                        }
                    }
                }
            }
            for (String sec : securities) {
                for (Pair pair : pairs()) {
                    // One process: its first runs are the cold figure (what a fresh process sees, JITs
                    // included), its last runs after the warm-up the steady state of a long-lived node.
                    List<Double> t = client(pair, sec, servers.get(pair.server()).get(sec), 1, 1, rttWarmup + rttRuns);
                    if (!t.isEmpty()) {
                        List<Double> ms = t.stream().map(s -> s * 1000).toList();
                        rtt.put(new Key(pair, sec, "rtt-cold"), ms.subList(0, rttRuns));
                        rtt.put(new Key(pair, sec, "rtt"), ms.subList(ms.size() - rttRuns, ms.size()));
                        System.err.printf(Locale.ROOT, "perf-runner: %s %s connect+1-byte median %.2f ms cold, %.2f warm%n",
                                pair.label(), sec, Stats.median(rtt.get(new Key(pair, sec, "rtt-cold"))),
                                Stats.median(rtt.get(new Key(pair, sec, "rtt"))));
                    }
                }
            }
        } finally {
            for (PerfProcess p : running) {
                p.close();
            }
            Runtime.getRuntime().removeShutdownHook(reaper);
        }
        return Report.render(machine, reps, bytes, rttRuns, rttWarmup, runsPerProcess, tcp, chacha, chachaOpen, securities, pairs(), throughput, rtt, failures);
    }

    private List<Double> client(Pair pair, String sec, String serverAddr, long up, long down, int runs)
            throws InterruptedException {
        List<String> cmd = command(pair.client(), "--server-address", serverAddr, securityArgs(sec),
                "--upload-bytes", Long.toString(up), "--download-bytes", Long.toString(down), "--runs", Integer.toString(runs));
        try (PerfProcess p = PerfProcess.start(cmd)) {
            List<Double> t = p.finals(CLIENT_TIMEOUT);
            if (t.size() != runs) {
                throw new IOException("expected " + runs + " final lines, got " + t.size());
            }
            return t;
        } catch (IOException e) {
            String msg = pair.label() + " " + sec + " up=" + up + " down=" + down + ": " + e.getMessage();
            failures.add(msg.length() > 300 ? msg.substring(0, 300) + "…" : msg);
            System.err.println("perf-runner: FAILED " + msg);
            return List.of();
        }
    }

    private List<String> command(Implementation impl, Object... args) {
        List<String> c = new ArrayList<>(impl.command(root, jvmArgs, baselineJar));
        for (Object a : args) {
            if (a instanceof String[] several) {
                c.addAll(List.of(several));
            } else {
                c.add((String) a);
            }
        }
        return c;
    }

    /**
     * {@code noise} and {@code tls} run over TCP; {@code quic} is QUIC v1 with its own TLS; {@code ws}
     * is plain WebSocket ({@code /tcp/PORT/ws}) with Noise and yamux on top.
     */
    static String[] securityArgs(String security) {
        return switch (security) {
            case "quic" -> new String[] {"--transport", "quic-v1"};
            case "ws" -> new String[] {"--transport", "ws", "--security", "noise"};
            default -> new String[] {"--security", security};
        };
    }

    static double mib(double bytesPerSecond) {
        return bytesPerSecond / (1 << 20);
    }

    static String today() {
        return LocalDate.now().toString();
    }
}
