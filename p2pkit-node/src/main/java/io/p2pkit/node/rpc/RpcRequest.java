package io.p2pkit.node.rpc;

import io.p2pkit.node.Node;
import io.p2pkit.node.multiformats.CidEncoder;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed call: the node, the string arguments, the options under their first names with
 * their types (defaults filled in) and, for commands that take files, the uploaded files; for
 * commands whose last argument also comes as lines of the body, what is left of those lines.
 */
public final class RpcRequest {
    private final Node node;
    private final List<String> arguments;
    private final Map<String, Object> options;
    private final Uploads files;
    private final BodyArguments body;
    private final java.util.function.BooleanSupplier cancelled;
    private final RequestLog requests;

    RpcRequest(Node node, List<String> arguments, Map<String, Object> options, Uploads files, BodyArguments body,
               java.util.function.BooleanSupplier cancelled, RequestLog requests) {
        this.node = node;
        this.arguments = new ArrayList<>(arguments);
        this.options = options;
        this.files = files;
        this.body = body;
        this.cancelled = cancelled;
        this.requests = requests;
    }

    /** Whether the client has gone (its connection failed or closed): a long-lived command stops. */
    public boolean cancelled() {
        return cancelled.getAsBoolean();
    }

    /** The API's record of its requests ({@code diag/cmds}). */
    RequestLog requests() {
        return requests;
    }

    /** Every option given or defaulted, under its first name (read-only). */
    Map<String, Object> options() {
        return java.util.Collections.unmodifiableMap(options);
    }

    /** The node the API serves. */
    public Node node() {
        return node;
    }

    /** The string arguments, in order. */
    public List<String> arguments() {
        return Collections.unmodifiableList(arguments);
    }

    /**
     * Adds the body's remaining lines to the {@link #arguments()}, as go-ipfs-cmds'
     * {@code ParseBodyArgs}: for a command that takes every line (Kubo's {@code pin add}), where
     * the others use only the one that stands for a missing argument. Nothing without such lines.
     *
     * @throws RpcError when the body breaks off, or holds more than the bound
     */
    public void parseBodyArguments() {
        if (body != null) {
            for (String line; (line = body.next()) != null; ) {
                arguments.add(line);
            }
        }
    }

    /** Whether the body holds lines of arguments (read or not). */
    boolean hasBodyArguments() {
        return body != null;
    }

    /**
     * The body's next line, for a command that reads them one by one as it goes (Kubo's
     * {@code cid format}).
     *
     * @return it, or empty after the last or without such lines
     * @throws RpcError when the body breaks off, or holds more than the bound
     */
    public Optional<String> nextBodyArgument() {
        return body == null ? Optional.empty() : Optional.ofNullable(body.next());
    }

    /** The {@code i}th string argument. */
    public String argument(int i) {
        return arguments.get(i);
    }

    /** Whether the option was given or has a default. */
    public boolean has(String name) {
        return options.containsKey(name);
    }

    /** A boolean option, false when absent. */
    public boolean bool(String name) {
        return options.get(name) instanceof Boolean b && b;
    }

    /** A string option. */
    public Optional<String> string(String name) {
        return Optional.ofNullable(options.get(name)).map(Object::toString);
    }

    /** A numeric option. */
    public Optional<Long> number(String name) {
        return options.get(name) instanceof Number n ? Optional.of(n.longValue()) : Optional.empty();
    }

    /** A repeatable option's values (empty when absent). */
    @SuppressWarnings("unchecked")
    public List<String> strings(String name) {
        return options.get(name) instanceof List<?> l ? (List<String>) l : List.of();
    }

    /** Whether Kubo's global {@code cid-base} was given (not empty). */
    public boolean cidBaseGiven() {
        return !string(RpcHandler.CID_BASE).orElse("").isEmpty();
    }

    /**
     * Kubo's {@code GetCidEncoder} over the global {@code cid-base} and
     * {@code upgrade-cidv0-in-output}: for the CIDs a command made or resolved.
     *
     * @throws RpcError the command's failure for a base go-multibase does not know
     */
    public CidEncoder cidEncoder() {
        return encoder(true);
    }

    /**
     * Kubo's {@code GetLowLevelCidEncoder}: the same, but a base alone does not upgrade CIDv0.
     *
     * @throws RpcError the command's failure for a base go-multibase does not know
     */
    public CidEncoder lowLevelCidEncoder() {
        return encoder(false);
    }

    private CidEncoder encoder(boolean baseUpgrades) {
        String base = string(RpcHandler.CID_BASE).orElse(null);
        Boolean upgrade = options.get(RpcHandler.UPGRADE_CIDV0) instanceof Boolean b ? b : null;
        try {
            return baseUpgrades ? CidEncoder.of(base, upgrade) : CidEncoder.lowLevel(base, upgrade);
        } catch (IllegalArgumentException e) {
            throw RpcError.failed(e.getMessage());
        }
    }

    /**
     * The uploaded files, for commands with a file argument.
     *
     * @throws RpcError when the body held none
     */
    public Uploads files() {
        if (files == null) {
            throw RpcError.client("expected a file argument");
        }
        return files;
    }
}
