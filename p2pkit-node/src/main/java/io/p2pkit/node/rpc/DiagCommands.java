package io.p2pkit.node.rpc;

import io.p2pkit.node.cli.content.GoTime;
import io.p2pkit.node.cli.content.TabTable;
import io.p2pkit.node.config.GoDurations;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code diag/sys} ({@link SystemDiagnostics}), {@code diag/cmds} with {@code clear} and
 * {@code set-time} ({@link RequestLog}), answered as Kubo 0.39 answers them, and
 * {@code diag/profile} (Kubo's {@code ipfs diag profile}), the JVM's diagnostics in a zip ({@link JvmProfile}).
 */
final class DiagCommands {
    private DiagCommands() {
    }

    static List<RpcCommand> all() {
        return List.of(
                RpcCommand.at("diag/sys").text((req, v) -> GoValueText.of(v)).run((req, res) -> res.single(SystemDiagnostics.report(
                        req.node().config().content().map(c -> c.repo()).orElse(Path.of("")).toAbsolutePath(), true))),
                RpcCommand.at("diag/cmds").options(RpcOption.bool("verbose", "v")).text(DiagCommands::cmdsText)
                        .run((req, res) -> res.single(req.requests().report())),
                RpcCommand.at("diag/cmds/clear").run((req, res) -> req.requests().clearFinished()),
                RpcCommand.at("diag/healthy").text((req, v) -> v + "\n").run(DiagCommands::healthy),
                RpcCommand.at("diag/cmds/set-time").args(RpcArgument.string("time", true, false))
                        .run((req, res) -> req.requests().keep(duration(req.argument(0)))),
                RpcCommand.at("diag/profile").options(RpcOption.string("output", "o"), RpcOption.strings("collectors"),
                                RpcOption.string("profile-time").withDefault("30s"),
                                RpcOption.integer("mutex-profile-fraction").withDefault(4),
                                RpcOption.string("block-profile-rate").withDefault("1ms"))
                        .run(DiagCommands::profile));
    }

    /** The empty UnixFS directory, which every repository holds (its MFS root to begin with): Kubo's probe. */
    private static final String HEALTH_PROBE = "QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn";

    /**
     * Kubo 0.42's {@code diag healthy}, for container health checks: {@code "ok"} when the node is
     * not shutting down and its repository resolves and reads the empty directory (written with
     * the MFS root when missing, as Kubo's init writes it); otherwise an error, so the check fails.
     */
    private static void healthy(RpcRequest req, RpcResponse res) throws Exception {
        Optional<Instant> closing = req.node().closingSince();
        if (closing.isPresent()) {
            throw RpcError.failed("daemon is shutting down (started " + GoDurations.format(Duration.ofSeconds(
                    Duration.between(closing.get(), Instant.now()).toSeconds())) + " ago)");
        }
        io.p2pkit.ipfs.repo.Repository repo = NodeContent.repository(req);
        io.p2pkit.core.multiformats.Cid probe;
        try {
            repo.mfs();
            probe = KuboPaths.resolveCid(req, FetchingBlocks.of(NodeContent.content(req), false), HEALTH_PROBE);
        } catch (java.io.IOException | RuntimeException e) {
            throw RpcError.failed("probe resolve: " + e.getMessage());
        }
        try {
            if (repo.blocks().local().get(probe).isEmpty()) {
                throw RpcError.failed("probe fetch: block was not found locally (offline): ipld: could not find " + probe);
            }
        } catch (java.io.IOException e) {
            throw RpcError.failed("probe fetch: " + e.getMessage());
        }
        res.single("ok");
    }

    /**
     * Kubo's checks of the durations (plain errors, before the zip starts), then the zip, streamed:
     * later errors, an unknown collector's among them, come in the trailer as Kubo's do.
     */
    private static void profile(RpcRequest req, RpcResponse res) throws Exception {
        String time = req.string("profile-time").orElse("30s");
        String rate = req.string("block-profile-rate").orElse("1ms");
        List<String> collectors = req.has("collectors") ? req.strings("collectors") : JvmProfile.DEFAULTS;
        JvmProfile.Options options = new JvmProfile.Options(collectors,
                parsed(time, "failed to parse profile duration"), req.number("mutex-profile-fraction").orElse(4L).intValue(),
                parsed(rate, "failed to parse block profile rate"), InfoCommands.versionInfo(req));
        JvmProfile.write(options, res::stream, req::cancelled);
    }

    /** A Go duration, or Kubo's error: {@code failed to parse profile duration "1x": time: …}. */
    private static Duration parsed(String text, String what) {
        try {
            return GoDurations.parse(text);
        } catch (IllegalArgumentException e) {
            throw RpcError.failed(what + " " + io.p2pkit.node.cli.content.GoQuote.quote(text) + ": " + e.getMessage());
        }
    }

    /** Go's time.ParseDuration, its error the command's (Kubo returns it as it is). */
    private static Duration duration(String text) {
        try {
            return GoDurations.parse(text);
        } catch (IllegalArgumentException e) {
            throw RpcError.failed(e.getMessage());
        }
    }

    /**
     * Kubo's table: {@code Command Active StartTime RunTime} (with {@code verbose}, the ID first and
     * the arguments and options after the command), aligned as Go's tabwriter aligns it.
     */
    private static String cmdsText(RpcRequest req, Object value) {
        boolean verbose = req.bool("verbose");
        TabTable table = new TabTable(4, 2);
        table.line((verbose ? "ID\t" : "") + "Command\t" + (verbose ? "Arguments\tOptions\t" : "") + "Active\tStartTime\tRunTime");
        Instant now = Instant.now();
        for (Object e : value instanceof List<?> l ? l : List.of()) {
            Map<?, ?> m = (Map<?, ?>) e;
            StringBuilder line = new StringBuilder();
            if (verbose) {
                line.append(m.get("ID")).append('\t');
            }
            line.append(m.get("Command")).append('\t');
            if (verbose) {
                line.append(goValue(m.get("Args"))).append("\t[");
                ((Map<?, ?>) m.get("Options")).forEach((k, v) -> line.append(k).append('=').append(goValue(v)).append(','));
                line.append("]\t");
            }
            boolean active = Boolean.TRUE.equals(m.get("Active"));
            Instant start = OffsetDateTime.parse((String) m.get("StartTime")).toInstant();
            Instant end = active ? now : OffsetDateTime.parse((String) m.get("EndTime")).toInstant();
            line.append(active).append('\t').append(GoTime.stamp(start)).append('\t')
                    .append(GoDurations.format(Duration.between(start, end)));
            table.line(line.toString());
        }
        return table.flush();
    }

    /** Go's {@code %v} of an option's value or the arguments: a list as {@code [a b]}. */
    private static String goValue(Object v) {
        if (v instanceof List<?> l) {
            StringBuilder b = new StringBuilder("[");
            for (int i = 0; i < l.size(); i++) {
                b.append(i > 0 ? " " : "").append(goValue(l.get(i)));
            }
            return b.append(']').toString();
        }
        return String.valueOf(v);
    }
}
