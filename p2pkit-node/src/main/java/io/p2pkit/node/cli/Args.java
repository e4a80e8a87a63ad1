package io.p2pkit.node.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parsed arguments of one command. Options are declared up front so that a misspelt option
 * is a usage error rather than silently ignored. Accepts {@code --name value}, {@code --name=value},
 * repeated options, and {@code --} to end options.
 */
public final class Args {
    private final Map<String, List<String>> values;
    private final List<String> positional;

    private Args(Map<String, List<String>> values, List<String> positional) {
        this.values = values;
        this.positional = positional;
    }

    /**
     * Parses {@code argv} against the declared options.
     *
     * @param flags  options without a value, for example {@code json}
     * @param valued options that take a value, for example {@code identity}
     * @throws UsageException on an unknown option or a missing value
     */
    public static Args parse(List<String> argv, List<String> flags, List<String> valued) {
        Map<String, List<String>> values = new HashMap<>();
        List<String> positional = new ArrayList<>();
        boolean optionsEnded = false;
        for (int i = 0; i < argv.size(); i++) {
            String a = argv.get(i);
            if (optionsEnded || !a.startsWith("--") || a.equals("-")) {
                if (!optionsEnded && a.startsWith("-") && a.length() > 1 && !a.equals("-")
                        && !a.equals("-h")) {
                    throw new UsageException("unknown option " + a);
                }
                if (a.equals("-h")) {
                    values.computeIfAbsent("help", k -> new ArrayList<>()).add("true");
                    continue;
                }
                positional.add(a);
                continue;
            }
            if (a.equals("--")) {
                optionsEnded = true;
                continue;
            }
            String name = a.substring(2);
            String inline = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                inline = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (flags.contains(name) || name.equals("help")) {
                if (inline != null) {
                    throw new UsageException("option --" + name + " takes no value");
                }
                values.computeIfAbsent(name, k -> new ArrayList<>()).add("true");
            } else if (valued.contains(name)) {
                String v = inline;
                if (v == null) {
                    if (i + 1 >= argv.size()) {
                        throw new UsageException("option --" + name + " needs a value");
                    }
                    v = argv.get(++i);
                }
                values.computeIfAbsent(name, k -> new ArrayList<>()).add(v);
            } else {
                throw new UsageException("unknown option --" + name);
            }
        }
        return new Args(values, positional);
    }

    /** Whether a flag was given. */
    public boolean flag(String name) {
        return values.containsKey(name);
    }

    /** The last value of an option, if given. */
    public Optional<String> value(String name) {
        List<String> v = values.get(name);
        return v == null ? Optional.empty() : Optional.of(v.get(v.size() - 1));
    }

    /** Every value of a repeatable option, in order. */
    public List<String> values(String name) {
        return List.copyOf(values.getOrDefault(name, List.of()));
    }

    /** The arguments that are not options. */
    public List<String> positional() {
        return List.copyOf(positional);
    }

    /** Fails with a usage error unless the number of positional arguments is within bounds. */
    public Args requirePositional(int min, int max, String what) {
        if (positional.size() < min) {
            throw new UsageException("missing " + what);
        }
        if (positional.size() > max) {
            throw new UsageException("unexpected argument " + positional.get(max));
        }
        return this;
    }

    /** A snapshot of the options, for diagnostics. */
    public Map<String, List<String>> options() {
        return new LinkedHashMap<>(values);
    }
}
