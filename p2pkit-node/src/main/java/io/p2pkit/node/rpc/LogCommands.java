package io.p2pkit.node.rpc;

import io.p2pkit.node.cli.content.KuboJson;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code log/ls} and {@code log/level}: the node's loggers and their levels in Kubo's words
 * ({@link LogLevels}), answered as Kubo 0.39 answers: {@code {"Strings":[…]}},
 * {@code {"Message":"Changed log level of 'X' to 'Y'\n"}} when a level is set, and
 * {@code {"Levels":{…}}} when one is asked.
 */
final class LogCommands {
    private LogCommands() {
    }

    static List<RpcCommand> all() {
        return List.of(
                RpcCommand.at("log/ls").text(TextEncoders::lines)
                        .run((req, res) -> res.single(KuboJson.strings(LogLevels.subsystems(), false))),
                RpcCommand.at("log/level")
                        .args(RpcArgument.string("subsystem", false, false), RpcArgument.string("level", false, false))
                        .text(LogCommands::levelText).run(LogCommands::level));
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
            res.single(Map.of("Message", "Changed log level of '" + subsystem + "' to '" + level + "'\n"));
            return;
        }
        Map<String, String> levels = switch (subsystem) {
            case "" -> Map.of("", LogLevels.defaultLevel()); // go-log's DefaultName
            case "*" -> LogLevels.all();
            default -> Map.of(subsystem, LogLevels.level(subsystem));
        };
        res.single(Map.of("Levels", new TreeMap<>(levels)));
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
