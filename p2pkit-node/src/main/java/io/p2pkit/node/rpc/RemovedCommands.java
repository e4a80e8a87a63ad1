package io.p2pkit.node.rpc;

import java.util.ArrayList;
import java.util.List;

/**
 * The commands Kubo 0.39 still routes but has removed (go-ipfs-cmds' {@code Removed} status):
 * they answer its error, which names what to use instead, rather than {@code 404}.
 */
final class RemovedCommands {
    private RemovedCommands() {
    }

    static List<RpcCommand> all() {
        List<RpcCommand> commands = new ArrayList<>();
        for (String path : List.of("dht/findprovs", "dht/findpeer", "dht/get", "dht/put", "dht/provide")) {
            commands.add(removed(path, "removed, use 'ipfs routing' instead"));
        }
        for (String path : List.of("object/data", "object/get", "object/links", "object/new", "object/put", "object/stat",
                "object/patch/append-data", "object/patch/set-data")) {
            commands.add(removed(path, "removed, use 'ipfs dag' or 'ipfs files' instead"));
        }
        return commands;
    }

    private static RpcCommand removed(String path, String message) {
        return RpcCommand.at(path).run((req, res) -> {
            throw RpcError.failed(message);
        });
    }
}
