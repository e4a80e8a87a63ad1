package io.p2pkit.node.rpc;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One command of the API, served at {@code /api/v0/<path>}: what it takes and what it does.
 *
 * @param path      its path, {@code block/stat}
 * @param arguments its positional arguments, in order
 * @param options   its own options (the global ones are the framework's)
 * @param run       what it does
 * @param text      how its values read with {@code enc=text} (Kubo's text encoder), or null: then
 *                  they are written as JSON lines
 */
public record RpcCommand(String path, List<RpcArgument> arguments, List<RpcOption> options, Run run, Text text) {
    /** A command's text encoder: one output value as Kubo's command line prints it. */
    @FunctionalInterface
    public interface Text {
        /**
         * @param request the request (its options change some texts)
         * @param value   one value the command wrote
         * @return its text, newlines included
         */
        String encode(RpcRequest request, Object value);

        /** The text's bytes: its UTF-8, unless the encoder writes bytes of its own ({@code routing/get}'s value). */
        default byte[] bytes(RpcRequest request, Object value) {
            return encode(request, value).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** A command's body. */
    @FunctionalInterface
    public interface Run {
        /**
         * Runs the command; what it throws is answered as go-ipfs-cmds answers errors.
         *
         * @param request  the parsed request
         * @param response where the output goes
         */
        void run(RpcRequest request, RpcResponse response) throws Exception;
    }

    /** Checks the parts. */
    public RpcCommand {
        Objects.requireNonNull(path, "path");
        arguments = List.copyOf(arguments);
        options = List.copyOf(options);
        Objects.requireNonNull(run, "run");
        for (int i = 0; i < arguments.size() - 1; i++) {
            if (arguments.get(i).stdin()) {
                // as go-ipfs-cmds: the body's lines can only stand for the last argument
                throw new IllegalArgumentException(path + ": only the last argument may come from the body");
            }
        }
    }

    /** Starts a command at {@code path}. */
    public static Builder at(String path) {
        return new Builder(path);
    }

    /** The same command served at another path too (Kubo's aliases: {@code stats/bitswap} is {@code bitswap/stat}). */
    public RpcCommand alias(String otherPath) {
        return new RpcCommand(otherPath, arguments, options, run, text);
    }

    /** Whether the command's last argument may come as lines of a multipart body. */
    public boolean takesBodyArguments() {
        return !arguments.isEmpty() && arguments.getLast().stdin();
    }

    /** Whether the command reads files from a multipart body. */
    public boolean takesFiles() {
        return arguments.stream().anyMatch(RpcArgument::file);
    }

    /** Builds an {@link RpcCommand}. */
    public static final class Builder {
        private final String path;
        private final List<RpcArgument> arguments = new ArrayList<>();
        private final List<RpcOption> options = new ArrayList<>();
        private Text text;

        private Builder(String path) {
            this.path = path;
        }

        /** Adds positional arguments. */
        public Builder args(RpcArgument... args) {
            arguments.addAll(List.of(args));
            return this;
        }

        /** Adds options. */
        public Builder options(RpcOption... opts) {
            options.addAll(List.of(opts));
            return this;
        }

        /** Sets the text encoder. */
        public Builder text(Text encoder) {
            this.text = encoder;
            return this;
        }

        /** The command with {@code run}. */
        public RpcCommand run(Run run) {
            return new RpcCommand(path, arguments, options, run, text);
        }
    }
}
