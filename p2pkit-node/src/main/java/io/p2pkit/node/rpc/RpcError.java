package io.p2pkit.node.rpc;

/**
 * A command's failure, as go-ipfs-cmds reports it: {@code {"Message":…,"Code":N,"Type":"error"}}
 * with status 500 for {@link #NORMAL} errors and 400 for {@link #CLIENT} ones.
 */
public final class RpcError extends RuntimeException {
    /** The command failed (go-ipfs-cmds' ErrNormal): status 500. */
    public static final int NORMAL = 0;
    /** The request was wrong (ErrClient): status 400. */
    public static final int CLIENT = 1;

    private final int code;

    private RpcError(String message, int code) {
        super(message, null, false, false);
        this.code = code;
    }

    /** A command failure (500). */
    public static RpcError failed(String message) {
        return new RpcError(message, NORMAL);
    }

    /** A bad request (400). */
    public static RpcError client(String message) {
        return new RpcError(message, CLIENT);
    }

    /** go-ipfs-cmds' error code. */
    public int code() {
        return code;
    }

    /** The HTTP status the code maps to. */
    public int status() {
        return code == CLIENT ? 400 : 500;
    }
}
