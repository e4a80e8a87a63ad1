package io.p2pkit.node.cli.command;

import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.cli.content.DaemonApi;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.RepoOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code p2pkit object diff|patch}: what Kubo 0.39 keeps of {@code ipfs object} (deprecated there), through the daemon. */
@Command(name = "object", description = {
        "Compare and patch DAG-PB nodes, as Kubo 0.39's deprecated 'ipfs object diff|patch'.",
        "",
        "These ask the daemon that holds the repository ($P2PKIT_HOME or --repo-dir). Kubo's other 'object' "
                + "commands are removed there; use 'dag' or 'files' instead.",
        ""},
        subcommands = {ObjectCommand.Diff.class, ObjectCommand.Patch.class})
public final class ObjectCommand extends CliCommand {
    @Override
    protected int run() {
        throw new UsageException("missing subcommand: diff or patch");
    }

    /** The daemon's answer to print: Kubo's text, or with {@code --json} its JSON line. */
    private static String answer(RepoOption repo, JsonOption output, String path, List<String> args,
                                 Map<String, String> options) throws IOException {
        Map<String, String> all = new LinkedHashMap<>(options);
        all.put("encoding", output.json() ? "json" : "text"); // the daemon writes Kubo's text itself
        String answer = new String(DaemonApi.answerBytes(repo.root(), path, args, all), StandardCharsets.UTF_8);
        return output.json() ? answer.strip() + "\n" : answer;
    }

    @Command(name = "diff", description = {"Show the differences between two DAG-PB DAGs.", "",
            "Kubo's lines: '+ <cid> \"path\"' added, '- <cid> \"path\"' removed, '~ <before> <after> \"path\"' "
                    + "changed; links of the same name are compared below. At most 100000 blocks are read and "
                    + "100000 changes listed.", ""},
            footer = {"", "With --json: {\"Changes\":[{\"Type\":0|1|2,\"Path\",\"Before\",\"After\"}…]} (Kubo's shape: "
                    + "0 added, 1 removed, 2 changed; Before and After are {\"/\":cid} or null)."})
    static final class Diff extends CliCommand {
        @Parameters(index = "0", paramLabel = "A", description = "the DAG to compare against (a CID or a path)")
        private String a;

        @Parameters(index = "1", paramLabel = "B", description = "the DAG to compare (a CID or a path)")
        private String b;

        @Option(names = {"-v", "--verbose"}, description = "say each change in a sentence")
        private boolean verbose;

        @Mixin
        private RepoOption repo;

        @Mixin
        private JsonOption output;

        @Override
        protected int run() throws Exception {
            console().out().print(answer(repo, output, "object/diff", List.of(a, b),
                    Map.of("verbose", Boolean.toString(verbose))));
            console().out().flush();
            return 0;
        }
    }

    @Command(name = "patch", description = {"Make a new DAG-PB node from an existing one.", "",
            "Deprecated in Kubo: 'files cp' and 'files rm' do this in MFS.", ""},
            subcommands = {AddLink.class, RmLink.class})
    static final class Patch extends CliCommand {
        @Override
        protected int run() {
            throw new UsageException("missing subcommand: add-link or rm-link");
        }
    }

    @Command(name = "add-link", description = {"Add a link to a DAG-PB node and print the new node's CID.", "",
            "NAME may be a path (a/b/c): the nodes on the way are written again; with --create, names that are "
                    + "not there become empty directories. A link of that name is replaced. As Kubo, a result "
                    + "whose cumulative size is over 1 MiB fails without --allow-big-block.", ""},
            footer = {"", "With --json: {\"Hash\":…} (Kubo's shape)."})
    static final class AddLink extends CliCommand {
        @Parameters(index = "0", paramLabel = "ROOT", description = "the node to change (a CID or a path)")
        private String root;

        @Parameters(index = "1", paramLabel = "NAME", description = "the link's name, or a path of names")
        private String name;

        @Parameters(index = "2", paramLabel = "REF", description = "what the link points to (a CID or a path)")
        private String ref;

        @Option(names = {"-p", "--create"}, description = "create the missing nodes on the way")
        private boolean create;

        @Option(names = "--allow-big-block", description = "allow a result over 1 MiB")
        private boolean allowBigBlock;

        @Mixin
        private RepoOption repo;

        @Mixin
        private JsonOption output;

        @Override
        protected int run() throws Exception {
            console().out().print(answer(repo, output, "object/patch/add-link", List.of(root, name, ref),
                    Map.of("create", Boolean.toString(create), "allow-big-block", Boolean.toString(allowBigBlock))));
            console().out().flush();
            return 0;
        }
    }

    @Command(name = "rm-link", description = {"Remove a link from a DAG-PB node and print the new node's CID.", "",
            "NAME may be a path (a/b/c); every link of that name goes.", ""},
            footer = {"", "With --json: {\"Hash\":…} (Kubo's shape)."})
    static final class RmLink extends CliCommand {
        @Parameters(index = "0", paramLabel = "ROOT", description = "the node to change (a CID or a path)")
        private String root;

        @Parameters(index = "1", paramLabel = "NAME", description = "the link's name, or a path of names")
        private String name;

        @Option(names = "--allow-big-block", description = "allow a result over 1 MiB")
        private boolean allowBigBlock;

        @Mixin
        private RepoOption repo;

        @Mixin
        private JsonOption output;

        @Override
        protected int run() throws Exception {
            console().out().print(answer(repo, output, "object/patch/rm-link", List.of(root, name),
                    Map.of("allow-big-block", Boolean.toString(allowBigBlock))));
            console().out().flush();
            return 0;
        }
    }
}
