package io.p2pkit.node.rpc;

import io.p2pkit.node.Node;

/** Every command this node serves on its RPC API. */
public final class NodeRpc {
    private NodeRpc() {
    }

    /** The commands. */
    public static RpcCommands commands() {
        RpcCommands commands = new RpcCommands();
        for (var group : java.util.List.of(InfoCommands.all(), FilesCommands.all(), BlockCommands.all(),
                DagCommands.all(), PinCommands.all(), RepoCommands.all(), SwarmCommands.all(),
                KeyCommands.all(), NameCommands.all(), RoutingCommands.all(), PubsubCommands.all())) {
            group.forEach(commands::add);
        }
        return commands;
    }

    /** The handler for {@code /api/v0/*} of {@code node}. */
    public static RpcHandler handler(Node node) {
        return new RpcHandler(node, commands());
    }
}
