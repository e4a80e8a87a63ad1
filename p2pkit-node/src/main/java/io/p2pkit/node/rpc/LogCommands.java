package io.p2pkit.node.rpc;

import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.node.cli.content.KuboJson;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code log/ls}, {@code log/level} and {@code log/tail}: the node's loggers and their levels in
 * Kubo's words ({@link LogLevels}), answered as Kubo 0.39 answers: {@code {"Strings":[…]}},
 * {@code {"Message":"Changed log level of 'X' to 'Y'\n"}} when a level is set (and logged at
 * info, as Kubo logs it), {@code {"Levels":{…}}} when one is asked, and the log's records as they
 * are written ({@link LogTail}) for as long as the client reads.
 */
final class LogCommands {
    private static final System.Logger LOG = LazyLogger.of(LogCommands.class);
    /** How often a quiet tail looks whether its client is still there. */
    private static final Duration POLL = Duration.ofMillis(500);

    private LogCommands() {
    }

    static List<RpcCommand> all() {
        return List.of(
                RpcCommand.at("log/ls").text(TextEncoders::lines)
                        .run((req, res) -> res.single(KuboJson.strings(LogLevels.subsystems(), false))),
                RpcCommand.at("log/level")
                        .args(RpcArgument.string("subsystem", false, false), RpcArgument.string("level", false, false))
                        .text(LogCommands::levelText).run(LogCommands::level),
                RpcCommand.at("log/tail").options(RpcOption.string("log-level").withDefault(""))
                        .run(LogCommands::tail));
    }

    private static void level(RpcRequest req, RpcResponse res) throws Exception {
        String subsystem = req.arguments().isEmpty() ? "" : req.argument(0);
        String level = req.arguments().size() > 1 ? req.argument(1) : "";
        if (subsystem.equals("all")) {
            subsystem = "*";
        }
        if (!level.isEmpty()) {
            if (level.equals("default")) {
                level = LogLevels.defaultLevel();
            }
            LogLevels.set(subsystem, level);
            String message = "Changed log level of '" + subsystem + "' to '" + level + "'\n";
            LOG.log(System.Logger.Level.INFO, message.strip()); // Kubo logs it with the newline; a console line needs none
            res.single(Map.of("Message", message));
            return;
        }
        Map<String, String> levels = switch (subsystem) {
            case "" -> Map.of("", LogLevels.defaultLevel()); // go-log's DefaultName
            case "*" -> LogLevels.all();
            default -> Map.of(subsystem, LogLevels.level(subsystem));
        };
        res.single(Map.of("Levels", new TreeMap<>(levels)));
    }

    /**
     * Kubo's {@code log/tail}: the records at {@code log-level} or above (every one by default) as
     * JSON lines, a byte stream ({@code X-Stream-Output}), until the client goes. Its headers go at
     * once, so the client knows the tail has begun; a line says how many records were dropped when
     * the client fell behind.
     */
    private static void tail(RpcRequest req, RpcResponse res) throws Exception {
        String levelName = req.string("log-level").orElse("");
        int minimum = 0;
        if (!levelName.isEmpty()) {
            try {
                minimum = LogLevels.rank(LogLevels.parse(levelName));
            } catch (RpcError e) {
                throw RpcError.failed("setting log level " + levelName + ": " + e.getMessage());
            }
        }
        try (LogTail.Tail tail = LogTail.open(minimum)) {
            OutputStream out = res.stream();
            out.flush();
            follow(req, tail, out);
        } catch (InterruptedException e) {
            // the request's timeout: the tail ends as Kubo's does when its pipe closes, without an error
        }
    }

    /** Writes the tail's lines as they come until the client goes; what is queued goes in one flush. */
    private static void follow(RpcRequest req, LogTail.Tail tail, OutputStream out) throws IOException, InterruptedException {
        while (!req.cancelled()) {
            String line = tail.poll(POLL);
            long dropped = tail.takeDropped();
            if (dropped > 0) {
                out.write(LogTail.droppedLine(dropped).getBytes(StandardCharsets.UTF_8));
            }
            if (line == null && dropped == 0) {
                continue;
            }
            // at most a queue's worth before the client is looked at again
            for (int n = 1; line != null; n++) {
                out.write(line.getBytes(StandardCharsets.UTF_8));
                line = n < LogTail.MAX_QUEUED_LINES ? tail.poll() : null;
            }
            out.flush();
        }
    }

    /** Kubo's text: the message, or the levels sorted, named when there are several. */
    private static String levelText(RpcRequest req, Object value) {
        if (!(value instanceof Map<?, ?> m)) {
            return "";
        }
        if (m.get("Message") instanceof String message) {
            return message;
        }
        StringBuilder b = new StringBuilder();
        if (m.get("Levels") instanceof Map<?, ?> levels) {
            levels.entrySet().stream().map(e -> levels.size() > 1 ? e.getKey() + ": " + e.getValue() : String.valueOf(e.getValue()))
                    .sorted().forEach(l -> b.append(l).append('\n'));
        }
        return b.toString();
    }
}
