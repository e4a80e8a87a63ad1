package io.p2pkit.node.rpc;

import io.p2pkit.node.cli.content.CommandTree;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code commands}: Kubo's tree of the commands served, built from the table the requests are
 * served from (so it names exactly what this node answers), with each command's options and, at
 * the root, the options every command takes.
 */
final class CommandsCommand {
    private CommandsCommand() {
    }

    /** The command, listing {@code served} as it is when asked (itself included). */
    static RpcCommand of(RpcCommands served) {
        return RpcCommand.at("commands").options(RpcOption.bool("flags", "f"))
                .text((req, v) -> {
                    StringBuilder b = new StringBuilder();
                    tree(served).lines(req.bool("flags")).forEach(l -> b.append(l).append('\n'));
                    return b.toString();
                })
                .run((req, res) -> res.single(tree(served).json()));
    }

    /** The commands as a tree under {@code ipfs}; a group without a command of its own has no options. */
    static CommandTree tree(RpcCommands served) {
        Node root = new Node();
        for (RpcCommand c : served.all()) {
            Node n = root;
            for (String segment : c.path().split("/")) {
                n = n.children.computeIfAbsent(segment, s -> new Node());
            }
            n.options = c.options().stream().map(RpcOption::names).toList();
        }
        root.options = RpcHandler.GLOBAL.stream().map(RpcOption::names).toList();
        return root.tree("ipfs");
    }

    /** A tree being built: children by name (sorted; Kubo's order is a Go map's). */
    private static final class Node {
        private final Map<String, Node> children = new TreeMap<>();
        private List<List<String>> options = List.of();

        CommandTree tree(String name) {
            List<CommandTree> subs = new ArrayList<>();
            children.forEach((n, child) -> subs.add(child.tree(n)));
            return new CommandTree(name, subs, options);
        }
    }
}
