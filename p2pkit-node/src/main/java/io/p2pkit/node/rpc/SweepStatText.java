package io.p2pkit.node.rpc;

import io.p2pkit.node.cli.content.TabTable;
import io.p2pkit.node.exchange.SweepStats;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Kubo 0.39's text of {@code provide stat} for a sweeping provider: a brief summary by default,
 * the sections asked for by flag ({@code --all} for every one), headed when there is more than
 * one, and with {@code --all --compact} two columns side by side. Numbers are made readable as
 * go-humanize makes them; figures not measured yet read {@code N/A}.
 */
final class SweepStatText {
    /** Below this many free workers of a kind the brief summary shows the workers (Kubo's lowWorkerThreshold). */
    private static final int LOW_WORKERS = 2;
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    /** The sections asked for. */
    record Flags(boolean all, boolean compact, boolean connectivity, boolean queues, boolean schedule,
                 boolean network, boolean timings, boolean operations, boolean workers) {
        int count() {
            int n = 0;
            for (boolean b : new boolean[]{all, connectivity, queues, schedule, network, timings, operations, workers}) {
                n += b ? 1 : 0;
            }
            return n;
        }
    }

    private final Flags flags;
    private final boolean brief;
    private final boolean headings;
    private final boolean compact;
    private final String indent;
    private final ZoneId zone;
    @SuppressWarnings("unchecked")
    private final List<String>[] cols = new List[]{new ArrayList<String>(), new ArrayList<String>()};
    private int col0Width;

    private SweepStatText(Flags flags, ZoneId zone) {
        this.flags = flags;
        this.zone = zone;
        this.brief = flags.count() == 0;
        this.headings = flags.count() > 1 || flags.all();
        this.compact = flags.all() && flags.compact();
        this.indent = brief || !headings ? "" : "  ";
    }

    /**
     * The text for {@code s} as Kubo's encoder writes it, times in {@code zone}.
     *
     * @throws RpcError Kubo's {@code --compact requires --all flag}
     */
    static String render(SweepStats s, Flags flags, Instant now, ZoneId zone) {
        TabTable table = new TabTable(1, 1);
        if (s.closed()) {
            table.line("Provider is closed");
            return table.flush();
        }
        if (flags.compact() && !flags.all()) {
            throw RpcError.failed("--compact requires --all flag");
        }
        SweepStatText t = new SweepStatText(flags, zone);
        t.sections(s, now);
        for (String line : t.lines()) {
            for (String part : line.split("\n", -1)) {
                table.line(part);
            }
        }
        return table.flush();
    }

    private void sections(SweepStats s, Instant now) {
        boolean all = flags.all();
        SweepStats.Connectivity c = s.connectivity();
        if (all || flags.connectivity() || brief && !c.status().equals("online")) {
            title(1, "Connectivity");
            if (c.since().isEmpty()) {
                line(1, "%sStatus: %s", indent, c.status());
            } else {
                line(1, "%sStatus: %s (%s)", indent, c.status(), time(c.since()));
            }
            blank(1);
        }
        SweepStats.Queues q = s.queues();
        if (all || flags.queues() || brief) {
            title(1, "Queues");
            line(1, "%sProvide queue: %s CIDs, %s regions", indent, si(q.pendingKeyProvides(), 1),
                    si(q.pendingRegionProvides(), 1));
            line(1, "%sReprovide queue: %s regions", indent, si(q.pendingRegionReprovides(), 1));
            blank(1);
        }
        SweepStats.Schedule sc = s.schedule();
        if (all || flags.schedule() || brief) {
            title(0, "Schedule");
            line(0, "%sCIDs scheduled: %s", indent, number(sc.keys()));
            line(0, "%sRegions scheduled: %s", indent, sc.regions() <= 0 ? "N/A" : number(sc.regions()));
            if (!brief) {
                line(0, "%sAvg prefix length: %s", indent, floatOrNa(sc.avgPrefixLength()));
                line(0, "%sNext region prefix: %s", indent,
                        sc.nextReprovidePrefix().isEmpty() ? "N/A" : sc.nextReprovidePrefix());
                line(0, "%sNext region reprovide: %s", indent,
                        sc.nextReprovideAt().map(at -> CLOCK.format(at.atZone(zone))).orElse("N/A"));
            }
            blank(0);
        }
        SweepStats.Timing tm = s.timing();
        if (all || flags.timings()) {
            title(1, "Timings");
            line(1, "%sUptime: %s (%s)", indent, duration(tm.uptime()), time(Optional.of(now.minus(tm.uptime()))));
            line(1, "%sCurrent time offset: %s", indent, duration(tm.currentTimeOffset()));
            line(1, "%sCycle started: %s", indent, time(Optional.of(tm.cycleStart())));
            line(1, "%sReprovide interval: %s", indent, duration(tm.reprovidesInterval()));
            blank(1);
        }
        SweepStats.Network n = s.network();
        if (all || flags.network() || brief) {
            title(0, "Network");
            line(0, "%sAvg record holders: %s", indent, floatOrNa(n.avgHolders()));
            if (!brief) {
                line(0, "%sPeers swept: %s", indent, integer(n.peers()));
                line(0, "%sFull keyspace coverage: %s", indent, n.completeKeyspaceCoverage());
                if (n.peers() > 0) {
                    line(0, "%sReachable peers: %s (%s%%)", indent, integer(n.reachable()),
                            number(100L * n.reachable() / n.peers()));
                } else {
                    line(0, "%sReachable peers: %s", indent, integer(n.reachable()));
                }
                line(0, "%sAvg region size: %s", indent, floatOrNa(n.avgRegionSize()));
                line(0, "%sReplication factor: %s", indent, number(n.replicationFactor()));
                blank(0);
            }
        }
        SweepStats.Operations o = s.operations();
        if (all || flags.operations() || brief) {
            title(1, "Operations");
            line(1, "%sOngoing provides: %s CIDs, %s regions", indent, si(o.ongoingKeyProvides(), 1),
                    si(o.ongoingRegionProvides(), 1));
            line(1, "%sOngoing reprovides: %s CIDs, %s regions", indent, si(o.ongoingKeyReprovides(), 1),
                    si(o.ongoingRegionReprovides(), 1));
            line(1, "%sTotal CIDs provided: %s", indent, number(o.keysProvided()));
            if (!brief) {
                line(1, "%sTotal records provided: %s", indent, number(o.recordsProvided()));
                line(1, "%sTotal provide errors: %s", indent, number(o.keysFailed()));
                line(1, "%sCIDs provided/min/worker: %s", indent, floatOrNa(o.keysProvidedPerMinute()));
                line(1, "%sCIDs reprovided/min/worker: %s", indent, floatOrNa(o.keysReprovidedPerMinute()));
                line(1, "%sRegion reprovide duration: %s", indent, o.regionReprovideDuration().isZero()
                        ? "N/A" : duration(o.regionReprovideDuration()));
                line(1, "%sAvg CIDs/reprovide: %s", indent, floatOrNa(o.avgKeysPerReprovide()));
                line(1, "%sRegions reprovided (last cycle): %s", indent, number(o.regionsReprovidedLastCycle()));
                blank(1);
            }
        }
        workers(s.workers());
    }

    private void workers(SweepStats.Workers w) {
        boolean shown = flags.all() || flags.workers();
        if (!shown && !brief) {
            return;
        }
        int reservedBurst = Math.max(0, w.dedicatedBurst() - w.activeBurst());
        int reservedPeriodic = Math.max(0, w.dedicatedPeriodic() - w.activePeriodic());
        int free = Math.max(0, w.max() - Math.max(w.dedicatedBurst(), w.activeBurst())
                - Math.max(w.dedicatedPeriodic(), w.activePeriodic()));
        int burst = free + reservedBurst;
        int periodic = free + reservedPeriodic;
        if (!shown && burst > LOW_WORKERS && periodic > LOW_WORKERS) {
            return;
        }
        title(0, "Workers");
        String kind = compact ? "" : " workers";
        line(0, "%sActive%s: %s / %s (max)", indent, kind, integer(w.active()), integer(w.max()));
        if (brief) {
            line(0, "%sPeriodic%s: %s active, %s available, %s queued", indent, kind, integer(w.activePeriodic()),
                    integer(periodic), integer(w.queuedPeriodic()));
            line(0, "%sBurst%s: %s active, %s available, %s queued\n", indent, kind, integer(w.activeBurst()),
                    integer(burst), integer(w.queuedBurst()));
            return;
        }
        line(0, "%sFree%s: %s", indent, kind, integer(free));
        line(0, "%s  %-14s %-9s %s", indent, "Workers stats:", "Periodic", "Burst");
        line(0, "%s  %-14s %-9s %s", indent, "Active:", integer(w.activePeriodic()), integer(w.activeBurst()));
        line(0, "%s  %-14s %-9s %s", indent, "Dedicated:", integer(w.dedicatedPeriodic()), integer(w.dedicatedBurst()));
        line(0, "%s  %-14s %-9s %s", indent, "Available:", integer(periodic), integer(burst));
        line(0, "%s  %-14s %-9s %s", indent, "Queued:", integer(w.queuedPeriodic()), integer(w.queuedBurst()));
        line(0, "%sMax connections/worker: %s", indent, integer(w.maxProvideConnsPerWorker()));
        blank(0);
    }

    /** The lines to write: the two columns side by side in compact mode, else the one column. */
    private List<String> lines() {
        List<String> out = new ArrayList<>();
        if (compact) {
            int rows = Math.max(cols[0].size(), cols[1].size());
            for (int i = 0; i < rows - 1; i++) { // the last line is blank
                String left = i < cols[0].size() ? cols[0].get(i) : "";
                String right = i < cols[1].size() ? cols[1].get(i) : "";
                out.add(left + " ".repeat(Math.max(0, col0Width + 2 - width(left))) + " " + right);
            }
            return out;
        }
        List<String> lines = cols[0];
        if (!brief && !lines.isEmpty()) {
            lines = lines.subList(0, lines.size() - 1); // the last blank line
        }
        out.addAll(lines);
        return out;
    }

    /**
     * Kubo's formatLine: in compact mode into column {@code col}; otherwise into the one column,
     * the first ": " and ", " of the format becoming tab stops.
     */
    private void line(int col, String format, Object... args) {
        if (compact) {
            String s = go(format, args);
            cols[col].add(s);
            if (col == 0) {
                col0Width = Math.max(col0Width, width(s));
            }
            return;
        }
        String f = replaceFirst(replaceFirst(format, ": ", ":\t"), ", ", ",\t");
        cols[0].add(go(f, args));
    }

    private void blank(int col) {
        if (!brief) {
            line(col, "");
        }
    }

    private void title(int col, String title) {
        if (!brief && headings) {
            line(col, title + ":");
        }
    }

    /** Go's Sprintf for the verbs used here (%s, %-Ns, %t, %%). */
    private static String go(String format, Object... args) {
        return args.length == 0 ? format.replace("%%", "%") : String.format(Locale.ROOT, format, args);
    }

    private static String replaceFirst(String s, String what, String with) {
        int i = s.indexOf(what);
        return i < 0 ? s : s.substring(0, i) + with + s.substring(i + what.length());
    }

    private static int width(String s) {
        return s.codePointCount(0, s.length());
    }

    private String time(Optional<Instant> t) {
        return t.map(at -> STAMP.format(at.atZone(zone))).orElse("N/A");
    }

    private static String duration(Duration d) {
        return ProvideCommands.humanDuration(d.toNanos());
    }

    /** Kubo's humanNumber. */
    static String number(long n) {
        return ProvideCommands.humanNumber(n);
    }

    /** Kubo's humanInt: the number with thousands separated. */
    static String integer(long n) {
        return full(n, 0);
    }

    /** Kubo's humanFloatOrNA: one decimal at most (cut, not rounded), N/A when not positive. */
    static String floatOrNa(double v) {
        return v <= 0 ? "N/A" : full(v, 1);
    }

    /** go-humanize's ComputeSI with Kubo's humanFull: the value scaled to a prefix, {@code decimals} at most. */
    static String si(double v, int decimals) {
        if (v == 0) {
            return full(0, decimals);
        }
        double mag = Math.abs(v);
        int exponent = (int) (Math.floor(Math.floor(Math.log(mag) / Math.log(10)) / 3) * 3);
        double value = mag / Math.pow(10, exponent);
        if (value == 1000.0) {
            exponent += 3;
            value = mag / Math.pow(10, exponent);
        }
        String prefix = switch (exponent) {
            case 0 -> "";
            case 3 -> "k";
            case 6 -> "M";
            case 9 -> "G";
            case 12 -> "T";
            case 15 -> "P";
            case 18 -> "E";
            default -> exponent < 0 ? "" : "Z";
        };
        return full(Math.copySign(value, v), decimals) + prefix;
    }

    /** go-humanize's CommafWithDigits: thousands separated by commas, cut to {@code decimals}. */
    static String full(double v, int decimals) {
        String plain = new BigDecimal(Double.toString(Math.abs(v))).stripTrailingZeros().toPlainString();
        int dot = plain.indexOf('.');
        String whole = dot < 0 ? plain : plain.substring(0, dot);
        String fraction = dot < 0 ? "" : plain.substring(dot + 1);
        StringBuilder b = new StringBuilder(v < 0 ? "-" : "");
        for (int i = 0; i < whole.length(); i++) {
            if (i > 0 && (whole.length() - i) % 3 == 0) {
                b.append(',');
            }
            b.append(whole.charAt(i));
        }
        if (!fraction.isEmpty() && decimals > 0) {
            b.append('.').append(fraction, 0, Math.min(decimals, fraction.length()));
        }
        return b.toString();
    }
}
