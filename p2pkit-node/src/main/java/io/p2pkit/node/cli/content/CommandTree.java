package io.p2pkit.node.cli.content;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tree of commands with their options, as Kubo's {@code ipfs commands} describes its own: the
 * RPC API's {@code commands} builds it from the commands it serves, {@code p2pkit commands} from
 * the command line's.
 *
 * @param name        the command's name (the root's is the program's)
 * @param subcommands its subcommands, by name
 * @param options     its options, each by its names without dashes (long name first)
 */
public record CommandTree(String name, List<CommandTree> subcommands, List<List<String>> options) {
    /** Copies the lists. */
    public CommandTree {
        subcommands = List.copyOf(subcommands);
        options = options.stream().map(List::copyOf).toList();
    }

    /** Kubo's {@code {"Name","Subcommands":[…],"Options":[{"Names":[…]}]}}, recursively. */
    public Map<String, Object> json() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("Name", name);
        o.put("Subcommands", subcommands.stream().map(CommandTree::json).toList());
        o.put("Options", options.stream().map(names -> Map.of("Names", names)).toList());
        return o;
    }

    /**
     * Kubo's text: every command's path ({@code ipfs swarm peers}) and, with {@code flags}, a
     * line per option of each command below the root ({@code ipfs add --chunker / ipfs add -s}),
     * all sorted.
     */
    public List<String> lines(boolean flags) {
        List<String> out = new ArrayList<>();
        collect("", flags, out);
        out.sort(null);
        return out;
    }

    private void collect(String prefix, boolean flags, List<String> out) {
        String path = prefix + name;
        out.add(path);
        if (flags && !prefix.isEmpty()) {
            for (List<String> names : options) {
                out.add(String.join(" / ", names.stream()
                        .map(n -> path + " " + (n.length() == 1 ? "-" : "--") + n).toList()));
            }
        }
        subcommands.forEach(s -> s.collect(path + " ", flags, out));
    }
}
