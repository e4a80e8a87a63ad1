package io.p2pkit.node.rpc;


/** Turns what a command threw into the error the client sees: its message, never a stack trace. */
final class Errors {
    private Errors() {
    }

    static RpcError toRpc(Throwable t) {
        if (t instanceof RpcError e) {
            return e;
        }
        if (t instanceof io.p2pkit.node.cli.content.BlockNotFoundException e) {
            return KuboPaths.notFound(e.cid());
        }
        String message = t.getMessage();
        if (message == null || message.isBlank()) {
            message = t.getClass().getSimpleName();
        }
        // As Kubo, most failures are the command's (500), even for arguments it cannot use.
        return RpcError.failed(message);
    }
}
