package io.p2pkit.node.rpc;

/**
 * A positional argument of a command: a string given as {@code arg=} in the query, or files in
 * the multipart body.
 *
 * @param name     its name in messages
 * @param required whether the command needs it
 * @param variadic whether it takes every remaining value
 * @param file     whether it comes as files in the body
 */
public record RpcArgument(String name, boolean required, boolean variadic, boolean file) {
    /** A string argument. */
    public static RpcArgument string(String name, boolean required, boolean variadic) {
        return new RpcArgument(name, required, variadic, false);
    }

    /** A file argument. */
    public static RpcArgument file(String name, boolean required, boolean variadic) {
        return new RpcArgument(name, required, variadic, true);
    }
}
