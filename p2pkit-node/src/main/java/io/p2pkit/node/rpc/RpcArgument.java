package io.p2pkit.node.rpc;

/**
 * A positional argument of a command: a string given as {@code arg=} in the query, or files in
 * the multipart body.
 *
 * @param name     its name in messages
 * @param required whether the command needs it
 * @param variadic whether it takes every remaining value
 * @param file     whether it comes as files in the body
 * @param stdin    whether a string argument may also come as lines of the body (go-ipfs-cmds'
 *                 {@code EnableStdin}: {@code echo <cid> | ipfs pin add}); only the last argument
 */
public record RpcArgument(String name, boolean required, boolean variadic, boolean file, boolean stdin) {
    /** A string argument. */
    public static RpcArgument string(String name, boolean required, boolean variadic) {
        return new RpcArgument(name, required, variadic, false, false);
    }

    /** A file argument. */
    public static RpcArgument file(String name, boolean required, boolean variadic) {
        return new RpcArgument(name, required, variadic, true, false);
    }

    /**
     * The same string argument, also read from the lines of a multipart body's first entry: the
     * framework takes the first line when the argument is required and no {@code arg=} gave it; a
     * command that takes every line asks for the rest with {@link RpcRequest#parseBodyArguments()}.
     */
    public RpcArgument withStdin() {
        if (file) {
            throw new IllegalStateException("only a string argument reads its values from the body's lines: " + name);
        }
        return new RpcArgument(name, required, variadic, false, true);
    }
}
