package io.p2pkit.bench.perf;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders one run of the perf runner as a Markdown section. */
final class Report {
    private Report() {
    }

    static String render(String section, String machine, int reps, long bytes, int rttRuns, int rttWarmup, int runsPerProcess,
                         double tcp, double chacha, double chachaOpen,
                         List<String> securities, List<String> rttSecurities, List<PerfRunner.Pair> pairs,
                         Map<?, List<Double>> throughput,
                         Map<?, List<Double>> rtt) {
        StringBuilder b = new StringBuilder();
        b.append("## Throughput and latency side by side (perf runner")
                .append(section.isEmpty() ? "" : ": " + section).append(")\n\n");
        b.append("Command: `scripts/bench-perf` (options: `--reps N --bytes N --rtt-runs N --rtt-warmup N --runs-per-process N --security noise,tls,quic,ws,webrtc-direct,webtransport --section NAME "
                + "--impls p2pkit,js,go --rows throughput,rtt,streams,conns --streams N --conns N --concurrent-bytes N --concurrent-security noise`; "
                + "all in the section *Perf runner options*). Each measurement is a fresh client process of the implementation "
                + "(`p2pkit perf`, `peers/js/perf.mjs`, `peers/go/perf-peer`) against a long-running server "
                + "process on 127.0.0.1: `noise` and `tls` rows run over TCP + yamux, `quic` rows over QUIC v1 "
                + "(its own TLS 1.3 and streams), `ws` rows over plain WebSocket on TCP + Noise + yamux, `webrtc-direct` "
                + "rows over WebRTC-direct (ICE, DTLS 1.2, SCTP data channels, Noise) and `webtransport` rows over "
                + "WebTransport (HTTP/3 on QUIC v1, Noise), both dialed by the server's certhash address; the time is the client's own `final` `timeSeconds` "
                + "(from dialing to the last byte, so it includes the connection's handshake but not process start).\n\n");
        b.append("Machine: ").append(machine).append(".\n\n");
        b.append(String.format(Locale.ROOT, "Ceilings measured in the same run: loopback TCP, one Java socket pair, "
                + "64 KiB writes: **%.0f MiB/s**; JDK ChaCha20-Poly1305 on one core, 64 KiB frames: encryption "
                + "**%.0f MiB/s**, decryption **%.0f MiB/s**. Every byte moved over Noise is encrypted once and "
                + "decrypted once, so the AEAD alone costs at least **%.0f ms of CPU per GiB** moved.%n%n",
                PerfRunner.mib(tcp), PerfRunner.mib(chacha), PerfRunner.mib(chachaOpen),
                1024 * 1000 * (1 / PerfRunner.mib(chacha) + 1 / PerfRunner.mib(chachaOpen))));

        if (!securities.isEmpty()) {
            throughput(b, bytes, reps, runsPerProcess, chacha, securities, pairs, throughput);
        }
        if (!rttSecurities.isEmpty()) {
            roundTrips(b, rttRuns, rttWarmup, rttSecurities, pairs, rtt);
        }
        return b.toString();
    }

    /** The pairs left out because they cannot run, with why; nothing when none were. */
    static String notRun(List<PerfRunner.Pair> pairs, List<String> securities) {
        StringBuilder b = new StringBuilder();
        for (String sec : securities) {
            for (PerfRunner.Pair p : pairs) {
                PerfRunner.unsupported(p, sec).ifPresent(why -> b.append("- ").append(p.label()).append(' ')
                        .append(sec).append(": ").append(why).append('\n'));
            }
        }
        return b.isEmpty() ? "" : "\nNot run (these pairs cannot connect):\n\n" + b;
    }

    /** The list of failed measurements, or nothing when none failed. */
    static String failures(List<String> failures) {
        StringBuilder b = new StringBuilder();
        if (!failures.isEmpty()) {
            b.append("\nFailed measurements (left out of the medians):\n\n");
            for (String f : failures) {
                b.append("- ").append(f.replace('\n', ' ')).append('\n');
            }
        }
        return b.toString();
    }

    private static void throughput(StringBuilder b, long bytes, int reps, int runsPerProcess, double chacha,
                                   List<String> securities, List<PerfRunner.Pair> pairs, Map<?, List<Double>> throughput) {
        b.append(String.format(Locale.ROOT, "### Throughput, %d MiB, median of %d alternating repetitions (MiB/s; min–max)%n%n",
                bytes >> 20, reps));
        b.append(String.format(Locale.ROOT, "*Warm* is the last of %d runs in the client process (steady state); "
                + "*cold* the first, in a fresh process, which is what libp2p's perf test plans measure.%n%n",
                runsPerProcess));
        b.append("| client → server | security | upload warm | download warm | upload cold | download cold |\n"
                + "|---|---|---:|---:|---:|---:|\n");
        for (String sec : securities) {
            for (PerfRunner.Pair p : pairs) {
                b.append("| ").append(p.label()).append(" | ").append(sec);
                for (String dir : List.of("upload", "download", "upload-cold", "download-cold")) {
                    b.append(" | ").append(PerfRunner.unsupported(p, sec).isPresent() ? "not run"
                            : cell(throughput.get(key(p, sec, dir))));
                }
                b.append(" |\n");
            }
        }
        b.append("\n### Ratios of the medians (warm)\n\n| ratio | security | upload | download |\n|---|---|---:|---:|\n");
        Implementation p2pkit = Implementation.P2PKIT;
        for (String sec : securities) {
            for (Implementation other : List.of(Implementation.JS, Implementation.GO, Implementation.P2PKIT_BASE)) {
                if (other == Implementation.P2PKIT_BASE && !pairs.contains(new PerfRunner.Pair(other, other))) {
                    continue; // an A/B row only when the run had a baseline build
                }
                b.append("| p2pkit↔p2pkit / ").append(other.label()).append("↔").append(other.label()).append(" | ")
                        .append(sec).append(" | ");
                for (String dir : List.of("upload", "download")) {
                    double a = Stats.median(orEmpty(throughput.get(key(new PerfRunner.Pair(p2pkit, p2pkit), sec, dir))));
                    double o = Stats.median(orEmpty(throughput.get(key(new PerfRunner.Pair(other, other), sec, dir))));
                    b.append(Double.isNaN(a) || Double.isNaN(o) ? "–" : String.format(Locale.ROOT, "%.2f×", a / o));
                    b.append(dir.equals("upload") ? " | " : " |\n");
                }
            }
            Implementation browser = Implementation.CHROMIUM;
            if (pairs.contains(new PerfRunner.Pair(browser, p2pkit)) && pairs.contains(new PerfRunner.Pair(browser, Implementation.GO))) {
                // the same browser client against each server: how p2pkit serves a browser next to go
                b.append("| chromium → p2pkit / chromium → go | ").append(sec).append(" | ");
                for (String dir : List.of("upload", "download")) {
                    double a = Stats.median(orEmpty(throughput.get(key(new PerfRunner.Pair(browser, p2pkit), sec, dir))));
                    double o = Stats.median(orEmpty(throughput.get(key(new PerfRunner.Pair(browser, Implementation.GO), sec, dir))));
                    b.append(Double.isNaN(a) || Double.isNaN(o) ? "–" : String.format(Locale.ROOT, "%.2f×", a / o));
                    b.append(dir.equals("upload") ? " | " : " |\n");
                }
            }
            b.append("| p2pkit↔p2pkit / ChaCha20-Poly1305 1-core | ").append(sec).append(" | ");
            for (String dir : List.of("upload", "download")) {
                double a = Stats.median(orEmpty(throughput.get(key(new PerfRunner.Pair(p2pkit, p2pkit), sec, dir))));
                b.append(Double.isNaN(a) ? "–" : String.format(Locale.ROOT, "%.2f", a / chacha));
                b.append(dir.equals("upload") ? " | " : " |\n");
            }
        }
    }

    private static void roundTrips(StringBuilder b, int rttRuns, int rttWarmup, List<String> securities,
                                   List<PerfRunner.Pair> pairs, Map<?, List<Double>> rtt) {
        b.append(String.format(Locale.ROOT, "%n### Connection + 1-byte round trip (each run on a new connection: "
                + "dial, handshake, muxer, perf stream with 1 byte up and 1 byte down)%n%n"
                + "One client process per pair makes %d runs: *cold* is its first %d (a fresh process, JITs "
                + "compiling), *warm* its last %d (a long-lived node).%n%n", rttWarmup + rttRuns, rttRuns, rttRuns));
        b.append("| client → server | security | cold median ms | cold p95 ms | warm median ms | warm p95 ms |\n"
                + "|---|---|---:|---:|---:|---:|\n");
        for (String sec : securities) {
            for (PerfRunner.Pair p : pairs) {
                b.append("| ").append(p.label()).append(" | ").append(sec);
                for (String kind : List.of("rtt-cold", "rtt")) {
                    List<Double> t = orEmpty(rtt.get(key(p, sec, kind)));
                    String none = PerfRunner.unsupported(p, sec).isPresent() ? "not run" : "failed";
                    b.append(t.isEmpty() ? " | " + none + " | " + none : String.format(Locale.ROOT, " | %.2f | %.2f",
                            Stats.median(t), Stats.percentile(t, 95)));
                }
                b.append(" |\n");
            }
        }
    }

    private static Object key(PerfRunner.Pair p, String sec, String dir) {
        return PerfRunner.key(p, sec, dir);
    }

    private static List<Double> orEmpty(List<Double> v) {
        return v == null ? List.of() : v;
    }

    private static String cell(List<Double> v) {
        if (v == null || v.isEmpty()) {
            return "failed";
        }
        return String.format(Locale.ROOT, "%.0f (%.0f–%.0f)", PerfRunner.mib(Stats.median(v)),
                PerfRunner.mib(Stats.min(v)), PerfRunner.mib(Stats.max(v)));
    }
}
