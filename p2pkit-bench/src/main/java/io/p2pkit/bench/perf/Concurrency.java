package io.p2pkit.bench.perf;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The runner's rows of many transfers at once: many perf streams on one connection
 * ({@code --streams}), and many connections, one stream each ({@code --conns}). Collects each
 * client run's per-stream completion times and the processes' peak memory, and renders the tables.
 */
final class Concurrency {
    /** A row kind and the perf programs' flag for it. */
    enum Kind {
        STREAMS("--streams", "streams on one connection"),
        CONNS("--conns", "connections");

        final String flag;
        final String what;

        Kind(String flag, String what) {
            this.flag = flag;
            this.what = what;
        }
    }

    /** One client run: its total seconds, each stream's seconds from the start, the client's peak RSS. */
    record Sample(double seconds, List<Double> streams, long clientRss) {
    }

    private record Key(Implementation impl, String security, Kind kind) {
    }

    private final Map<Key, List<Sample>> samples = new LinkedHashMap<>();
    private final Map<Key, Long> serverRss = new LinkedHashMap<>();

    void add(Implementation impl, String security, Kind kind, Sample s) {
        samples.computeIfAbsent(new Key(impl, security, kind), k -> new ArrayList<>()).add(s);
    }

    void serverRss(Implementation impl, String security, Kind kind, long bytes) {
        serverRss.put(new Key(impl, security, kind), bytes);
    }

    /** Jain's fairness index of {@code x}: 1 when all are equal, 1/n when one takes everything. */
    static double jain(List<Double> x) {
        double sum = 0;
        double squares = 0;
        for (double v : x) {
            sum += v;
            squares += v * v;
        }
        return x.isEmpty() || squares == 0 ? Double.NaN : sum * sum / (x.size() * squares);
    }

    /**
     * The Markdown of both row kinds; {@code count} is the streams or connections per run, {@code bytes}
     * what each stream moves each way.
     */
    String render(String machine, Map<Kind, Integer> count, long bytes, int reps, int runsPerProcess,
                  List<String> securities, List<Implementation> impls) {
        StringBuilder b = new StringBuilder();
        if (count.values().stream().allMatch(n -> n <= 0)) {
            return "";
        }
        b.append("## Many streams and many connections side by side (perf runner)\n\n");
        List<String> rows = new ArrayList<>();
        StringBuilder counts = new StringBuilder();
        for (Kind kind : Kind.values()) {
            if (count.getOrDefault(kind, 0) > 0) {
                rows.add(kind.flag.substring(2));
                counts.append(' ').append(kind.flag).append(' ').append(count.get(kind));
            }
        }
        b.append(String.format(Locale.ROOT, "Command: `scripts/bench-perf --rows %s --reps %d --runs-per-process %d%s "
                + "--concurrent-bytes %d --concurrent-security %s --impls %s` (the options are in *Perf runner "
                + "options*). Each pair runs its own implementation on both ends, on 127.0.0.1; `noise` is "
                + "TCP + Noise + yamux.%n%n", String.join(",", rows), reps, runsPerProcess, counts, bytes,
                String.join(",", securities), String.join(",", impls.stream().map(Implementation::label).toList())));
        b.append("Machine: ").append(machine).append(".\n");
        for (Kind kind : Kind.values()) {
            Integer n = count.get(kind);
            if (n == null || n <= 0) {
                continue;
            }
            b.append(String.format(Locale.ROOT, "%n### %,d %s at once, each stream %s up and %s down%n%n", n, kind.what,
                    size(bytes), size(bytes)));
            b.append(String.format(Locale.ROOT, "One client process per repetition runs `%s %d` %d times; the last run "
                    + "counts (median of %d repetitions). Each pair has its own server process, started for this "
                    + "table, so its peak RSS (`VmHWM` of `/proc/PID/status`) is this table's. ", kind.flag, n,
                    runsPerProcess, reps));
            if (kind == Kind.STREAMS) {
                b.append("*Done* is each stream's completion time from the run's start (the connection is up before "
                        + "it, then every stream starts at once); "
                        + "*Jain* is Jain's fairness index of the streams' throughputs (1 = all equal).\n\n");
                b.append("| client ↔ server | security | aggregate MiB/s (min–max) | done min s | done median s | done max s "
                        + "| Jain | client peak RSS MiB | server peak RSS MiB |\n|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
            } else {
                b.append("The client process holds one client host per connection; each run connects them all first "
                        + "(at most 64 dials at a time), then starts every connection's perf stream at once: *done* is "
                        + "each stream's completion time from that start.\n\n");
                b.append("| client ↔ server | security | aggregate MiB/s (min–max) | done median s | done p99 s | done max s "
                        + "| client peak RSS MiB | server peak RSS MiB |\n|---|---|---:|---:|---:|---:|---:|---:|\n");
            }
            for (String sec : securities) {
                for (Implementation impl : impls) {
                    Key key = new Key(impl, sec, kind);
                    List<Sample> s = samples.getOrDefault(key, List.of());
                    b.append("| ").append(impl.label()).append(" ↔ ").append(impl.label()).append(" | ").append(sec);
                    if (s.isEmpty()) {
                        b.append(kind == Kind.STREAMS ? " | failed | | | | | | |\n" : " | failed | | | | | |\n");
                        continue;
                    }
                    List<Double> aggregate = s.stream().map(x -> 2.0 * bytes * x.streams().size() / x.seconds()).toList();
                    b.append(String.format(Locale.ROOT, " | %.0f (%.0f–%.0f)", PerfRunner.mib(Stats.median(aggregate)),
                            PerfRunner.mib(Stats.min(aggregate)), PerfRunner.mib(Stats.max(aggregate))));
                    if (kind == Kind.STREAMS) {
                        b.append(seconds(s, v -> Stats.min(v))).append(seconds(s, Stats::median))
                                .append(seconds(s, v -> Stats.max(v)));
                        b.append(String.format(Locale.ROOT, " | %.3f", Stats.median(s.stream()
                                .map(x -> jain(x.streams().stream().map(t -> 2.0 * bytes / t).toList())).toList())));
                    } else {
                        b.append(seconds(s, Stats::median)).append(seconds(s, v -> Stats.percentile(v, 99)))
                                .append(seconds(s, v -> Stats.max(v)));
                    }
                    long client = s.stream().mapToLong(Sample::clientRss).max().orElse(-1);
                    b.append(" | ").append(megabytes(client)).append(" | ")
                            .append(megabytes(serverRss.getOrDefault(key, -1L))).append(" |\n");
                }
            }
        }
        return b.toString();
    }

    /** The median over the samples of one statistic of each sample's stream times. */
    private static String seconds(List<Sample> s, java.util.function.ToDoubleFunction<List<Double>> stat) {
        return String.format(Locale.ROOT, " | %.3f", Stats.median(s.stream().map(x -> stat.applyAsDouble(x.streams())).toList()));
    }

    private static String megabytes(long bytes) {
        return bytes < 0 ? "–" : Long.toString(bytes >> 20);
    }

    private static String size(long bytes) {
        return bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? (bytes >> 20) + " MiB"
                : bytes >= 1 << 10 && bytes % (1 << 10) == 0 ? (bytes >> 10) + " KiB" : bytes + " bytes";
    }
}
