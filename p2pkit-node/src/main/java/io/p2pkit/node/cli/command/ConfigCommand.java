package io.p2pkit.node.cli.command;

import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.CommandFailedException;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.cli.content.DaemonApi;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.RepoOption;
import io.p2pkit.node.config.KuboConfig;
import io.p2pkit.node.cli.Console;
import io.p2pkit.node.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** {@code p2pkit config}: reads and edits the repository's config file in Kubo's key names and JSON shape. */
@Command(name = "config", description = {
        "Get and set the repository's config, as Kubo's 'ipfs config'.",
        "",
        "Works on the repository's config file ($P2PKIT_HOME/config or --repo-dir), with or without a running "
                + "daemon: a change takes effect when the daemon starts next, and the daemon's options win over "
                + "the file. Keys are Kubo's (Addresses.Gateway, Swarm.ConnMgr.HighWater…); the ones p2pkit has "
                + "are listed in docs/CLI.md. Without a value, prints the key's value (a string as it is, anything "
                + "else as JSON); with one, sets it: a string, or with --json any JSON, or with --bool true/false.",
        "",
        "  p2pkit config Addresses.Gateway /ip4/127.0.0.1/tcp/8081",
        "  p2pkit config --json Swarm.ConnMgr.HighWater 200",
        "  p2pkit config --bool Discovery.MDNS.Enabled false",
        ""},
        subcommands = {ConfigCommand.Show.class, ConfigCommand.Edit.class, ConfigCommand.Replace.class,
                ConfigCommand.Profile.class})
public final class ConfigCommand extends CliCommand {
    @Parameters(index = "0", paramLabel = "KEY", arity = "0..1", description = "the key, dotted: Swarm.ConnMgr.HighWater")
    private String key;

    @Parameters(index = "1", paramLabel = "VALUE", arity = "0..1", description = "the value to set")
    private String value;

    @Option(names = "--json", description = "the value is JSON (a number, true, an array…)")
    private boolean json;

    @Option(names = "--bool", description = "the value is a boolean: true, anything else is false (as Kubo)")
    private boolean bool;

    @Option(names = "--expand-auto", description = "show \"auto\" in Bootstrap, DNS.Resolvers, "
            + "Routing.DelegatedRouters and Ipns.DelegatedPublishers replaced by the kept AutoConf document's values "
            + "(nothing is fetched; none without AutoConf.URL)")
    private boolean expandAuto;

    @Mixin
    private RepoOption repo;

    @Override
    protected int run() throws Exception {
        if (key == null) {
            throw new UsageException("missing KEY (or a subcommand: show, edit, replace, profile apply)");
        }
        if (key.equals("Identity") || key.startsWith("Identity.")) {
            throw new CommandFailedException("the identity is not in the config file: see 'p2pkit id' and "
                    + "'p2pkit key'");
        }
        Path root = repo.root();
        try {
            if (value == null) {
                RepoConfig config = Repository.readConfig(root);
                print(KuboConfig.lookup(expandAuto ? expanded(root, config) : fileView(config), key));
                return 0;
            }
            if (expandAuto) {
                throw new UsageException("--expand-auto can only be used for reading config values, not for setting them");
            }
            Object parsed = json ? KuboConfig.parseJson(value) : bool ? (Object) value.equals("true") : value;
            edit(console(), root, c -> KuboConfig.set(c, key, parsed), false);
        } catch (KuboConfig.EditException e) {
            throw new CommandFailedException(e.getMessage());
        }
        return 0;
    }

    /** {@link #fileView} with AutoConf's "auto" replaced as the daemon would, from the kept document. */
    static Map<String, Object> expanded(Path root, RepoConfig config) {
        return io.p2pkit.node.config.AutoConf.expand(fileView(config),
                io.p2pkit.node.config.AutoConfClient.kept(root, config).orElse(null));
    }

    /** Kubo's defaults the daemon uses, overlaid by the file. */
    static Map<String, Object> fileView(RepoConfig config) {
        return KuboConfig.merge(KuboConfig.defaults(), KuboConfig.show(config));
    }

    /** Prints as Kubo's CLI: a string as it is, anything else as JSON indented by two spaces. */
    private void print(Object v) {
        console().println(v instanceof String s ? s : indented(v, ""));
    }

    static String indented(Object v, String indent) {
        String inner = indent + "  ";
        if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                return "{}";
            }
            StringBuilder b = new StringBuilder("{\n");
            int i = 0;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                b.append(inner).append(Json.write(String.valueOf(e.getKey()))).append(": ")
                        .append(indented(e.getValue(), inner)).append(++i < m.size() ? ",\n" : "\n");
            }
            return b.append(indent).append('}').toString();
        }
        if (v instanceof List<?> l) {
            if (l.isEmpty()) {
                return "[]";
            }
            StringBuilder b = new StringBuilder("[\n");
            for (int i = 0; i < l.size(); i++) {
                b.append(inner).append(indented(l.get(i), inner)).append(i + 1 < l.size() ? ",\n" : "\n");
            }
            return b.append(indent).append(']').toString();
        }
        return Json.write(v);
    }

    /** Changes the file (unless a dry run) and says when a running daemon has yet to take it. */
    private static KuboConfig.Edit edit(Console console, Path root, UnaryOperator<RepoConfig> change, boolean dryRun)
            throws IOException {
        KuboConfig.Edit e;
        try {
            e = KuboConfig.edit(root, change, dryRun);
        } catch (IllegalArgumentException x) { // KuboConfig.EditException, RepoConfigException
            throw new CommandFailedException(x.getMessage());
        }
        if (!dryRun) {
            noteRunningDaemon(console, root, "p2pkit config");
        }
        return e;
    }

    /** Says on stderr, for {@code command}, that a daemon running on {@code root} takes a config change at its next start. */
    static void noteRunningDaemon(Console console, Path root, String command) {
        DaemonApi.find(root).ifPresent(a -> {
            a.close();
            console.info(command + ": a daemon is running on " + root + ": the change takes effect when it starts again");
        });
    }

    /** {@code p2pkit config show}. */
    @Command(name = "show", description = {"Print the config, as Kubo's JSON.", "",
            "The keys p2pkit has, from the repository's config file, with the daemon's defaults for those it does not "
                    + "set (Swarm.ConnMgr's depend on the resource limits and show only when set).", ""})
    static final class Show extends CliCommand {
        @Mixin
        private RepoOption repo;

        @Mixin
        private JsonOption output;

        @Option(names = "--expand-auto", description = "show AutoConf's \"auto\" replaced by the kept document's "
                + "values (nothing is fetched)")
        private boolean expandAuto;

        @Override
        protected int run() throws Exception {
            RepoConfig config = Repository.readConfig(repo.root());
            Map<String, Object> view = KuboConfig.withoutSecrets(expandAuto ? expanded(repo.root(), config)
                    : fileView(config));
            output.print(console(), view, indented(view, ""));
            return 0;
        }
    }

    /** {@code p2pkit config edit}. */
    @Command(name = "edit", description = {"Edit the config in $EDITOR, as Kubo's JSON.", "",
            "Writes what 'config show' prints to a file beside the config, opens it with $EDITOR (split as a shell "
                    + "would: 'code --wait' works), and when the editor exits with status 0 and the text changed, "
                    + "takes it as 'config replace' would: every value checked, nothing written when one is refused, "
                    + "the edited file kept and named then. Keys p2pkit does not have are named on stderr.", ""},
            footer = {"", "With --json: {\"Changed\":true|false,\"Ignored\":[…]}"})
    static final class Edit extends CliCommand {
        @Mixin
        private RepoOption repo;

        @Mixin
        private JsonOption output;

        @Override
        protected int run() throws Exception {
            String editor = System.getenv("EDITOR");
            if (editor == null || editor.isBlank()) {
                throw new CommandFailedException("ENV variable $EDITOR not set"); // Kubo's words
            }
            List<String> command = new ArrayList<>(EditorCommand.split(editor));
            Path root = repo.root();
            String before = indented(fileView(Repository.readConfig(root)), "") + "\n";
            Path file = Files.createTempFile(root, "config-edit-", ".json");
            boolean keep = false;
            try {
                Files.writeString(file, before);
                command.add(file.toString());
                int status = new ProcessBuilder(command).inheritIO().start().waitFor();
                if (status != 0) {
                    throw new CommandFailedException("the editor (" + editor + ") exited with status " + status
                            + ": the config is unchanged");
                }
                String after = Files.readString(file);
                if (after.equals(before)) {
                    report(false, List.of());
                    return 0;
                }
                keep = true;
                Object doc = KuboConfig.parseJson(after);
                if (!(doc instanceof Map<?, ?> m)) {
                    throw new CommandFailedException("failed to decode config: the edited text is not a JSON object");
                }
                List<String> ignored = new ArrayList<>();
                edit(console(), root, c -> KuboConfig.replace(c, m, ignored), false);
                keep = false;
                report(true, ignored);
                return 0;
            } catch (CommandFailedException | IllegalArgumentException e) {
                throw new CommandFailedException(e.getMessage() + (keep ? " (your edit is kept in " + file + ")" : ""));
            } finally {
                if (!keep) {
                    Files.deleteIfExists(file);
                }
            }
        }

        private void report(boolean changed, List<String> ignored) {
            if (output.json()) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("Changed", changed);
                o.put("Ignored", ignored);
                console().json(o);
            } else if (!changed) {
                console().info("p2pkit config edit: no change");
            } else if (!ignored.isEmpty()) {
                console().info("p2pkit config edit: left out (p2pkit has no such settings): " + String.join(", ", ignored));
            }
        }
    }

    /** {@code p2pkit config replace FILE}. */
    @Command(name = "replace", description = {"Replace the config with a Kubo config JSON file.", "",
            "Every key p2pkit has takes the file's value, or its default when the file leaves it out; keys p2pkit does "
                    + "not have are named on stderr and left out. The identity stays (it is not in the config file). "
                    + "'-' reads standard input.", ""})
    static final class Replace extends CliCommand {
        @Parameters(paramLabel = "FILE", description = "a Kubo config JSON file, as 'config show' prints")
        private String file;

        @Mixin
        private RepoOption repo;

        @Mixin
        private JsonOption output;

        @Override
        protected int run() throws Exception {
            byte[] bytes = file.equals("-") ? console().in().readNBytes(RepoConfig.MAX_BYTES + 1)
                    : Files.readAllBytes(Path.of(file));
            if (bytes.length > RepoConfig.MAX_BYTES) {
                throw new CommandFailedException(file + ": over " + RepoConfig.MAX_BYTES + " bytes");
            }
            Object doc = KuboConfig.parseJson(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
            if (!(doc instanceof Map<?, ?> m)) {
                throw new CommandFailedException("failed to decode config: " + file + " is not a JSON object");
            }
            List<String> ignored = new ArrayList<>();
            edit(console(), repo.root(), c -> KuboConfig.replace(c, m, ignored), false);
            if (output.json()) {
                console().json(Map.of("Ignored", ignored));
            } else if (!ignored.isEmpty()) {
                console().info("p2pkit config replace: left out (p2pkit has no such settings): "
                        + String.join(", ", ignored));
            }
            return 0;
        }
    }

    /** {@code p2pkit config profile}. */
    @Command(name = "profile", description = {"Apply profiles to the config.", ""},
            subcommands = {ConfigCommand.Apply.class})
    static final class Profile extends CliCommand {
        @Override
        protected int run() {
            throw new UsageException("missing subcommand: apply");
        }
    }

    /** {@code p2pkit config profile apply NAME}. */
    @Command(name = "apply", description = {"Apply a profile to the config.", "",
            "The profiles of 'p2pkit init --profile' (test, server, local-discovery, default-networking, "
                    + "randomports, lowpower, flatfs, unixfs-v0-2015, legacy-cid-v0, unixfs-v1-2025, test-cid-v1, "
                    + "test-cid-v1-wide, announce-off, announce-on); "
                    + "prints the keys of the file it changes, old and new.", ""},
            footer = {"", "With --json: {\"DryRun\":…,\"Changed\":[{\"Key\":…,\"Old\":…,\"New\":…}]}"})
    static final class Apply extends CliCommand {
        @Parameters(paramLabel = "NAME", description = "the profile")
        private String name;

        @Option(names = "--dry-run", description = "print what would change, change nothing")
        private boolean dryRun;

        @Mixin
        private RepoOption repo;

        @Mixin
        private JsonOption output;

        @Override
        protected int run() throws Exception {
            KuboConfig.Edit e = edit(console(), repo.root(), c -> {
                RepoConfig out = c;
                for (String n : name.split(",")) {
                    out = KuboConfig.applyProfile(out, n);
                }
                return out;
            }, dryRun);
            Map<String, String> before = lines(e.before());
            Map<String, String> after = lines(e.after());
            StringBuilder out = new StringBuilder();
            List<Map<String, Object>> changed = new ArrayList<>();
            for (String k : new java.util.TreeSet<>(after.keySet())) {
                if (!after.get(k).equals(before.get(k))) {
                    out.append(k).append(": ").append(before.getOrDefault(k, "(not set)")).append(" -> ")
                            .append(after.get(k)).append('\n');
                    Map<String, Object> c = new LinkedHashMap<>();
                    c.put("Key", k);
                    c.put("Old", before.get(k));
                    c.put("New", after.get(k));
                    changed.add(c);
                }
            }
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("DryRun", dryRun);
            o.put("Changed", changed);
            output.print(console(), o, out.isEmpty() ? "no change" : (dryRun ? "would change:\n" : "changed:\n")
                    + out.toString().stripTrailing());
            return 0;
        }

        private static Map<String, String> lines(RepoConfig c) {
            Map<String, String> out = new LinkedHashMap<>();
            for (String line : new String(c.format(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                int eq = line.indexOf(" = ");
                if (!line.startsWith("#") && eq > 0) {
                    out.put(line.substring(0, eq), line.substring(eq + 3));
                }
            }
            return out;
        }
    }
}
