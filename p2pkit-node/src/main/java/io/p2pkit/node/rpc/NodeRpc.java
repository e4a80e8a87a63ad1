package io.p2pkit.node.rpc;

import io.p2pkit.core.metrics.MetricRegistry;
import io.p2pkit.node.Node;

import java.util.List;

/** Every command this node serves on its RPC API. */
public final class NodeRpc {
    private NodeRpc() {
    }

    /** The commands; {@code stats/bw} reads {@code registry}. */
    public static RpcCommands commands(MetricRegistry registry) {
        RpcCommands commands = new RpcCommands();
        for (var group : List.of(InfoCommands.all(), FilesCommands.all(), MfsCommands.all(), BlockCommands.all(),
                DagCommands.all(), RefsCommands.all(), ResolveCommands.all(), PinCommands.all(), RemotePinCommands.all(),
                RepoCommands.all(), SwarmCommands.all(), KeyCommands.all(), NameCommands.all(), NamePubsubCommands.all(),
                RoutingCommands.all(), PubsubCommands.all(),
                StatsCommands.all(registry), ConfigCommands.all(), BitswapCommands.all(), GraphSyncCommands.all(),
                ProvideCommands.all(), DhtCommands.all(), SwarmFilterCommands.all(), SwarmPeeringCommands.all(),
                BootstrapCommands.all(), LogCommands.all(), List.of(ShutdownCommand.command()),
                CidCommands.all(), MultibaseCommands.all(), PingCommands.all(), DiagCommands.all(), P2pCommands.all(),
                FilestoreCommands.all(), ObjectCommands.all(), MountCommand.all(), RemovedCommands.all())) {
            group.forEach(commands::add);
        }
        return commands.add(CommandsCommand.of(commands));
    }

    /**
     * The handler for {@code /api/v0/*} of {@code node}, whose metrics are in {@code registry},
     * behind the node's {@link io.p2pkit.node.NodeConfig.ApiAccess} checks.
     */
    public static org.eclipse.jetty.server.Handler handler(Node node, MetricRegistry registry) {
        return new RpcAccess(node.config().apiAccess(), new RpcHandler(node, commands(registry)));
    }
}
