package io.p2pkit.node.rpc;

/**
 * {@code shutdown}: stops the node as Ctrl-C stops the daemon ({@link io.p2pkit.node.Node#close}),
 * once its answer (nothing, as Kubo's) is sent: closing stops the server the answer goes through.
 * A daemon whose node stops exits.
 */
final class ShutdownCommand {
    private ShutdownCommand() {
    }

    static RpcCommand command() {
        return RpcCommand.at("shutdown").run((req, res) -> res.afterAnswer(() ->
                // not the request's thread: stopping the server waits for the requests in flight
                Thread.ofPlatform().daemon(false).name("p2pkit-rpc-shutdown").start(req.node()::close)));
    }
}
