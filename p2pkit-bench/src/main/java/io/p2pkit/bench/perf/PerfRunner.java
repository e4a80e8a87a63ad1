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
 * scripts/bench-perf [--reps 5] [--bytes 104857600] [--rtt-runs 100] [--rtt-warmup 8000] [--runs-per-process 20]
 *                    [--security noise,tls,quic,ws,webrtc-direct,webtransport] [--section NAME]
 *                    [--impls p2pkit,js,go,chromium] [--doc docs/PERFORMANCE.md|-] [--jvm-args "..."]
 *                    [--baseline-jar OTHER/p2pkit-node.jar]   (then --impls p2pkit,p2pkit-base: an A/B of two builds)
 *                    [--rows throughput,rtt,streams,conns] [--pairs all|same] [--streams 100] [--conns 1000]
 *                    [--concurrent-bytes 1048576] [--concurrent-security noise]
 * </pre>
 *
 * <p>It exits with status 1 when any measurement failed (after writing what it has), so a smoke
 * run of it can gate a build.
 */
public final class PerfRunner {
    static final String BEGIN = "<!-- perf-runner:begin -->";
    static final String END = "<!-- perf-runner:end -->";
    /** The markers of the many-streams and many-connections section, which its rows alone rewrite. */
    static final String CONCURRENCY_BEGIN = "<!-- perf-runner-concurrency:begin -->";
    static final String CONCURRENCY_END = "<!-- perf-runner-concurrency:end -->";
    private static final Duration CLIENT_TIMEOUT = Duration.ofMinutes(10);

    /** One client→server combination. */
    record Pair(Implementation client, Implementation server) {
        String label() {
            return client.label() + " → " + server.label();
        }
    }

    private record Key(Pair pair, String security, String direction) {
    }

    /**
     * Why {@code pair} cannot run over {@code security}, when it cannot: such pairs are left out of
     * the run (not counted as failures) and their cells say "not run".
     */
    static java.util.Optional<String> unsupported(Pair pair, String security) {
        if (pair.client() == Implementation.CHROMIUM && !security.equals("webrtc-direct") && !security.equals("webtransport")) {
            return java.util.Optional.of("a browser dials only WebRTC-direct and WebTransport here (WebSocket "
                    + "would need a certificate a browser trusts)");
        }
        if (pair.client() == Implementation.CHROMIUM && pair.server() == Implementation.JS) {
            return java.util.Optional.of("peers/js/perf.mjs serves TCP, QUIC and WebSocket only");
        }
        if (security.equals("webtransport") && pair.client() == Implementation.GO
                && pair.server() != Implementation.GO) {
            return java.util.Optional.of("go-libp2p 0.51's WebTransport dialer (webtransport-go 0.13) requires the "
                    + "QUIC transport parameter reset_stream_at, which quiche under p2pkit's QUIC does not send "
                    + "(docs/WEBTRANSPORT.md)");
        }
        return java.util.Optional.empty();
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
    private final String section;
    private final Map<Key, List<Double>> throughput = new LinkedHashMap<>();
    private final Map<Key, List<Double>> rtt = new LinkedHashMap<>();
    private final List<String> failures = new ArrayList<>();
    private final List<String> rows;
    private final boolean crossPairs;
    private final Map<Concurrency.Kind, Integer> concurrent = new EnumMap<>(Concurrency.Kind.class);
    private final long concurrentBytes;
    private final List<String> concurrentSecurities;
    private final Concurrency concurrency = new Concurrency();

    private PerfRunner(Map<String, String> o) {
        root = Path.of(o.getOrDefault("root", ".")).toAbsolutePath().normalize();
        reps = Integer.parseInt(o.getOrDefault("reps", "5"));
        bytes = Long.parseLong(o.getOrDefault("bytes", Long.toString(100L << 20)));
        rttRuns = Integer.parseInt(o.getOrDefault("rtt-runs", "100"));
        // A fresh JVM reaches its steady state only after it has compiled its data path: about 1 to
        // 2 GiB moved or 5,000 to 7,000 connections made (docs/PERFORMANCE.md, "What warm means" and
        // "Where connection setup settles").
        rttWarmup = Integer.parseInt(o.getOrDefault("rtt-warmup", "8000"));
        runsPerProcess = Math.max(2, Integer.parseInt(o.getOrDefault("runs-per-process", "20")));
        securities = List.of(o.getOrDefault("security", "noise,tls,quic,ws").split(","));
        baselineJar = o.containsKey("baseline-jar") ? Path.of(o.get("baseline-jar")).toAbsolutePath() : null;
        section = o.getOrDefault("section", "");
        if (!section.matches("[a-z0-9-]*")) {
            throw new IllegalArgumentException("--section takes lower-case letters, digits and '-', not '" + section + "'");
        }
        List<Implementation> wanted = Arrays.stream(o.getOrDefault("impls", "p2pkit,js,go").split(","))
                .map(Implementation::named).toList();
        impls = wanted.stream().filter(i -> {
            boolean ok = i.available(root, baselineJar);
            if (!ok) {
                System.err.println("perf-runner: " + i.label() + " is not built: left out");
            }
            return ok;
        }).toList();
        rows = List.of(o.getOrDefault("rows", "throughput,rtt,streams,conns").split(","));
        String pairing = o.getOrDefault("pairs", "all");
        if (!pairing.equals("all") && !pairing.equals("same")) {
            throw new IllegalArgumentException("--pairs takes all or same, not '" + pairing + "'");
        }
        crossPairs = pairing.equals("all");
        for (String r : rows) {
            if (!List.of("throughput", "rtt", "streams", "conns").contains(r)) {
                throw new IllegalArgumentException("--rows takes throughput, rtt, streams and conns, not '" + r + "'");
            }
        }
        concurrent.put(Concurrency.Kind.STREAMS, rows.contains("streams")
                ? Integer.parseInt(o.getOrDefault("streams", "100")) : 0);
        concurrent.put(Concurrency.Kind.CONNS, rows.contains("conns")
                ? Integer.parseInt(o.getOrDefault("conns", "1000")) : 0);
        concurrentBytes = Long.parseLong(o.getOrDefault("concurrent-bytes", Long.toString(1L << 20)));
        concurrentSecurities = List.of(o.getOrDefault("concurrent-security", "noise").split(","));
        String jvm = o.getOrDefault("jvm-args", "").trim();
        jvmArgs = jvm.isEmpty() ? List.of() : List.of(jvm.split("\\s+"));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                System.err.println("usage: PerfRunner [--root DIR] [--reps N] [--bytes N] [--rtt-runs N] [--rtt-warmup N] [--runs-per-process N] "
                        + "[--security noise,tls,quic,ws,webrtc-direct,webtransport] [--section NAME] "
                        + "[--impls p2pkit,js,go,p2pkit-base,chromium] [--doc FILE|-] [--jvm-args ARGS] "
                        + "[--baseline-jar FILE] [--rows throughput,rtt,streams,conns] [--pairs all|same] [--streams N] [--conns N] "
                        + "[--concurrent-bytes N] [--concurrent-security noise,...]");
                System.exit(2);
            }
            o.put(args[i].substring(2), args[++i]);
        }
        PerfRunner r = new PerfRunner(o);
        Sections sections = r.run();
        String failed = Report.failures(r.failures);
        String main = sections.main().isEmpty() ? "" : sections.main() + Report.notRun(r.pairs(), r.securities) + failed;
        String concurrent = sections.concurrency().isEmpty() ? ""
                : sections.concurrency() + (main.isEmpty() ? failed : "");
        System.out.println(main + (main.isEmpty() || concurrent.isEmpty() ? "" : "\n") + concurrent);
        String doc = o.getOrDefault("doc", "docs/PERFORMANCE.md");
        if (!doc.equals("-")) {
            Path p = r.root.resolve(doc);
            String text = Files.exists(p) ? Files.readString(p) : "";
            if (!main.isEmpty()) {
                text = r.section.isEmpty() ? withSection(text, main, BEGIN, END)
                        : withSection(text, main, begin(r.section), end(r.section));
            }
            if (!concurrent.isEmpty()) {
                text = withSection(text, concurrent, CONCURRENCY_BEGIN, CONCURRENCY_END);
            }
            Files.writeString(p, text, StandardCharsets.UTF_8);
            System.err.println("perf-runner: wrote " + p);
        }
        if (!r.failures.isEmpty()) {
            System.err.println("perf-runner: " + r.failures.size() + " measurement(s) failed");
            System.exit(1);
        }
    }

    /** What one run writes: the throughput and round-trip section, the concurrency section (either may be empty). */
    private record Sections(String main, String concurrency) {
    }

    /** The begin marker of a throughput and round-trip section named with {@code --section}. */
    static String begin(String name) {
        return "<!-- perf-runner-" + name + ":begin -->";
    }

    /** The end marker of a section named with {@code --section}. */
    static String end(String name) {
        return "<!-- perf-runner-" + name + ":end -->";
    }

    /** Replaces the runner's section (between its markers) or appends it. */
    static String withSection(String doc, String section) {
        return withSection(doc, section, BEGIN, END);
    }

    /** Replaces the section between {@code begin} and {@code end} or appends it with them. */
    static String withSection(String doc, String section, String begin, String end) {
        String block = begin + "\n" + section.strip() + "\n" + end;
        int b = doc.indexOf(begin);
        int e = doc.indexOf(end);
        if (b >= 0 && e > b) {
            return doc.substring(0, b) + block + doc.substring(e + end.length());
        }
        return doc.stripTrailing() + "\n\n" + block + "\n";
    }

    /** The implementations of the run that can serve (all but a browser): the concurrency rows run each against itself. */
    private List<Implementation> servingImpls() {
        return impls.stream().filter(Implementation::serves).toList();
    }

    private List<Pair> pairs() {
        List<Pair> out = new ArrayList<>();
        for (Implementation i : impls) {
            if (i.serves()) {
                out.add(new Pair(i, i));
            }
        }
        if (impls.contains(Implementation.CHROMIUM)) {
            // a browser is a client only: it dials each server of the run
            for (Implementation i : impls) {
                if (i.serves()) {
                    out.add(new Pair(Implementation.CHROMIUM, i));
                }
            }
        }
        if (crossPairs && impls.contains(Implementation.P2PKIT)) {
            for (Implementation i : impls) {
                if (i != Implementation.P2PKIT && i.serves()) {
                    out.add(new Pair(Implementation.P2PKIT, i));
                    out.add(new Pair(i, Implementation.P2PKIT));
                }
            }
        }
        return out;
    }

    private Sections run() throws Exception {
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
            for (Implementation i : rows.contains("throughput") || rows.contains("rtt") ? impls : List.<Implementation>of()) {
                for (String sec : i.serves() ? securities : List.<String>of()) {
                    PerfProcess p = PerfProcess.start(command(i, "--run-server", "--server-address", "127.0.0.1:0",
                            securityArgs(sec)));
                    running.add(p);
                    servers.computeIfAbsent(i, k -> new LinkedHashMap<>())
                            .put(sec, p.awaitLine("/ip4/127.0.0.1/", Duration.ofSeconds(60)));
                }
            }
            for (int rep = 1; rows.contains("throughput") && rep <= reps; rep++) {
                for (String sec : securities) {
                    for (Pair pair : pairs()) {
                        for (String dir : unsupported(pair, sec).isEmpty() ? List.of("upload", "download")
                                : List.<String>of()) {
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
            for (String sec : rows.contains("rtt") ? securities : List.<String>of()) {
                for (Pair pair : pairs().stream().filter(p -> unsupported(p, sec).isEmpty()).toList()) {
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
            for (Concurrency.Kind kind : Concurrency.Kind.values()) {
                for (String sec : concurrent.get(kind) > 0 ? concurrentSecurities : List.<String>of()) {
                    concurrentRows(kind, sec, running);
                }
            }
        } finally {
            for (PerfProcess p : running) {
                p.close();
            }
            Runtime.getRuntime().removeShutdownHook(reaper);
        }
        boolean mainRows = rows.contains("throughput") || rows.contains("rtt");
        return new Sections(mainRows ? Report.render(section, machine, reps, bytes, rttRuns, rttWarmup, runsPerProcess, tcp,
                chacha, chachaOpen, rows.contains("throughput") ? securities : List.of(),
                rows.contains("rtt") ? securities : List.of(), pairs(), throughput, rtt) : "",
                concurrency.render(machine, concurrent, concurrentBytes, reps, runsPerProcess, concurrentSecurities, servingImpls()));
    }

    /**
     * The rows of one kind of many transfers at once over {@code sec}: a fresh server per
     * implementation (its peak RSS is then the row's), clients of the same implementation against
     * it, the implementations alternating in each repetition.
     */
    private void concurrentRows(Concurrency.Kind kind, String sec, List<PerfProcess> running) throws Exception {
        Map<Implementation, PerfProcess> servers = new EnumMap<>(Implementation.class);
        Map<Implementation, String> addresses = new EnumMap<>(Implementation.class);
        try {
            for (Implementation i : servingImpls()) {
                PerfProcess p = PerfProcess.start(command(i, "--run-server", "--server-address", "127.0.0.1:0",
                        securityArgs(sec)));
                running.add(p);
                servers.put(i, p);
                addresses.put(i, p.awaitLine("/ip4/127.0.0.1/", Duration.ofSeconds(60)));
            }
            int n = concurrent.get(kind);
            for (int rep = 1; rep <= reps; rep++) {
                for (Implementation i : servingImpls()) {
                    String label = i.label() + " ↔ " + i.label() + " " + sec + " " + kind.flag + " " + n;
                    List<String> cmd = command(i, "--server-address", addresses.get(i), securityArgs(sec),
                            "--upload-bytes", Long.toString(concurrentBytes), "--download-bytes",
                            Long.toString(concurrentBytes), "--runs", Integer.toString(runsPerProcess), kind.flag,
                            Integer.toString(n));
                    try {
                        PerfProcess p = PerfProcess.start(cmd);
                        List<PerfProcess.Run> runs;
                        try {
                            p.watchRss(Duration.ofMillis(100));
                            runs = p.runs(CLIENT_TIMEOUT);
                        } finally {
                            p.close();
                        }
                        if (runs.size() != runsPerProcess || runs.getLast().streams().size() != n) {
                            throw new IOException("expected " + runsPerProcess + " runs of " + n + " streams, got "
                                    + runs.stream().map(r -> r.streams().size()).toList());
                        }
                        PerfProcess.Run last = runs.getLast();
                        concurrency.add(i, sec, kind, new Concurrency.Sample(last.seconds(), last.streams(), p.peakRssSeen()));
                        System.err.printf(Locale.ROOT, "perf-runner: rep %d %s %.1f MiB/s aggregate, slowest stream %.3f s%n",
                                rep, label, mib(2.0 * concurrentBytes * n / last.seconds()), Stats.max(last.streams()));
                    } catch (IOException e) {
                        String msg = label + ": " + e.getMessage();
                        failures.add(msg.length() > 300 ? msg.substring(0, 300) + "…" : msg);
                        System.err.println("perf-runner: FAILED " + msg);
                    }
                }
            }
            for (Implementation i : servingImpls()) {
                concurrency.serverRss(i, sec, kind, servers.get(i).peakRss());
            }
        } finally {
            for (PerfProcess p : servers.values()) {
                p.close();
                running.remove(p);
            }
        }
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
     * is plain WebSocket ({@code /tcp/PORT/ws}) with Noise and yamux on top; {@code webrtc-direct}
     * and {@code webtransport} bring their own security and streams (their clients dial the
     * server's printed multiaddr, which holds its certificate hashes).
     */
    static String[] securityArgs(String security) {
        return switch (security) {
            case "quic" -> new String[] {"--transport", "quic-v1"};
            case "ws" -> new String[] {"--transport", "ws", "--security", "noise"};
            case "webrtc-direct", "webtransport" -> new String[] {"--transport", security};
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
