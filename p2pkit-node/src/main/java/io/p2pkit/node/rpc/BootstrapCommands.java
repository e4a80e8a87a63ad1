package io.p2pkit.node.rpc;

import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.cli.content.BootstrapList;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code bootstrap}, {@code bootstrap/list|add|rm} and {@code bootstrap/rm/all}: the bootstrap list
 * of the repository's config ({@link BootstrapList}), answered as Kubo's {@code {"Peers":[…]}}.
 * As in Kubo the running node is not changed: the daemon takes the list when it starts again.
 */
final class BootstrapCommands {
    private BootstrapCommands() {
    }

    static List<RpcCommand> all() {
        RpcCommand list = RpcCommand.at("bootstrap/list").options(RpcOption.bool("expand-auto"))
                .text((req, v) -> lines("", v)).run(BootstrapCommands::list);
        return List.of(list, list.alias("bootstrap"),
                // bootstrap/add/default reaches here as the argument "default", as in Kubo
                RpcCommand.at("bootstrap/add").args(RpcArgument.string("peer", false, true).withStdin())
                        .options(RpcOption.bool("default")).text((req, v) -> lines("added ", v))
                        .run(BootstrapCommands::add),
                RpcCommand.at("bootstrap/rm").args(RpcArgument.string("peer", false, true).withStdin())
                        .options(RpcOption.bool("all")).text((req, v) -> lines("removed ", v))
                        .run(BootstrapCommands::rm),
                RpcCommand.at("bootstrap/rm/all").text((req, v) -> lines("removed ", v))
                        .run((req, res) -> res.single(peers(edit(() -> BootstrapList.removeAll(ConfigCommands.repository(req)))))));
    }

    /** The config file's list; a node without a repository lists the peers it was started with. */
    private static void list(RpcRequest req, RpcResponse res) throws Exception {
        Optional<Path> root = req.node().config().content().map(NodeConfig.Content::repo);
        if (root.isEmpty()) {
            res.single(peers(req.node().config().bootstrap().stream().flatMap(ConfigCommands::bootstrapAddresses).toList()));
            return;
        }
        res.single(peers(req.bool("expand-auto") ? BootstrapList.expanded(root.get()) : BootstrapList.read(root.get())));
    }

    private static void add(RpcRequest req, RpcResponse res) throws Exception {
        req.parseBodyArguments();
        List<String> peers = req.bool("default") ? List.of("default") : req.arguments();
        res.single(peers(edit(() -> BootstrapList.add(ConfigCommands.repository(req), peers))));
    }

    private static void rm(RpcRequest req, RpcResponse res) throws Exception {
        Path root = ConfigCommands.repository(req);
        if (!req.bool("all")) {
            req.parseBodyArguments(); // as Kubo: --all reads no lines
        }
        res.single(peers(edit(() -> req.bool("all") ? BootstrapList.removeAll(root)
                : BootstrapList.remove(root, req.arguments()))));
    }

    /** An edit of the list; Kubo's refusals are the command's errors. */
    private interface Edit {
        List<String> run() throws java.io.IOException;
    }

    private static List<String> edit(Edit edit) throws java.io.IOException {
        try {
            return edit.run();
        } catch (IllegalArgumentException e) { // BootstrapException, KuboConfig.EditException
            throw RpcError.failed(e.getMessage());
        }
    }

    private static Map<String, Object> peers(List<String> peers) {
        return Map.of("Peers", peers);
    }

    /** Kubo's text: the peers sorted, one a line, after {@code prefix}. */
    private static String lines(String prefix, Object value) {
        StringBuilder b = new StringBuilder();
        if (value instanceof Map<?, ?> m && m.get("Peers") instanceof List<?> l) {
            l.stream().map(String::valueOf).sorted().forEach(p -> b.append(prefix).append(p).append('\n'));
        }
        return b.toString();
    }
}
