package io.p2pkit.node.rpc;

import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The commands served, by path, and how a request's path picks one (go-ipfs-cmds' way). */
public final class RpcCommands {
    /**
     * A command found for a path.
     *
     * @param command      the command
     * @param pathArgument the last path segment when it was not a subcommand (go-ipfs-cmds takes
     *                     it as the first argument), else null
     */
    public record Resolved(RpcCommand command, String pathArgument) {
    }

    private final Map<String, RpcCommand> commands = new LinkedHashMap<>();
    private final Set<String> groups = new HashSet<>();

    /** Adds commands; a path may be given once. */
    public RpcCommands add(RpcCommand... more) {
        for (RpcCommand c : more) {
            if (commands.putIfAbsent(c.path(), c) != null) {
                throw new IllegalArgumentException("two commands at " + c.path());
            }
            String p = c.path();
            groups.add("");
            for (int slash = p.indexOf('/'); slash >= 0; slash = p.indexOf('/', slash + 1)) {
                groups.add(p.substring(0, slash));
            }
        }
        return this;
    }

    /** Every command. */
    public Collection<RpcCommand> all() {
        return commands.values();
    }

    /**
     * Finds the command for a path after {@code /api/v0/}: every segment but the last must name a
     * command or group; the last is a subcommand, or else an argument of a command that runs.
     *
     * @return the command, or null (a 404)
     */
    public Resolved resolve(String path) {
        int slash = path.lastIndexOf('/');
        String parent = slash < 0 ? "" : path.substring(0, slash);
        String last = path.substring(slash + 1);
        if (!parent.isEmpty() && !commands.containsKey(parent) && !groups.contains(parent)) {
            return null;
        }
        String full = parent.isEmpty() ? last : parent + "/" + last;
        RpcCommand sub = commands.get(full);
        if (sub != null) {
            return new Resolved(sub, null);
        }
        if (groups.contains(full)) {
            return null; // a group has no Run of its own
        }
        RpcCommand self = commands.get(parent);
        return self == null ? null : new Resolved(self, last);
    }
}
