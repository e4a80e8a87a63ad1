package io.p2pkit.node.cli.command;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.CommandFailedException;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.cli.content.ContentPath;
import io.p2pkit.node.cli.content.DagRefs;
import io.p2pkit.node.cli.content.DaemonApi;
import io.p2pkit.node.cli.content.KuboJson;
import io.p2pkit.node.cli.options.CidBaseOption;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.RepoOption;
import io.p2pkit.node.multiformats.CidEncoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code p2pkit refs}: the links of DAGs, as Kubo's {@code ipfs refs}. */
@Command(name = "refs", description = {
        "List the links (references) of DAGs.",
        "",
        "Prints the CID each link of the given blocks leads to, one a line, in the blocks' link order, as Kubo "
                + "0.39's 'ipfs refs'. -r follows the links down (depth first), --max-depth N stops N links below "
                + "the roots (only with -r; without it, only the roots' own links), -u prints each CID once. "
                + "--format replaces <src>, <dst> and <linkname> (a DAG-PB link's name); -e is --format "
                + "'<src> -> <dst>'. Works for DAG-PB (UnixFS, HAMT shards included), DAG-CBOR, DAG-JSON and raw "
                + "blocks (no links). Offline on the repository, or through the daemon that holds it (which fetches "
                + "what it lacks).",
        ""},
        footer = {"", "With --json, one line per link: {\"Ref\":…,\"Err\":\"\"} (Kubo's shape)."},
        subcommands = {RefsLocalCommand.class})
public final class RefsCommand extends CliCommand {
    @Parameters(paramLabel = "CID|PATH", arity = "0..*", description = "the roots")
    private List<String> args = new ArrayList<>();

    @Option(names = {"-r", "--recursive"}, description = "follow links down to the leaves")
    private boolean recursive;

    @Option(names = {"-u", "--unique"}, description = "print each CID once")
    private boolean unique;

    @Option(names = {"-e", "--edges"}, description = "print '<src> -> <dst>'")
    private boolean edges;

    @Option(names = "--format", defaultValue = "<dst>", paramLabel = "FORMAT",
            description = "what to print per link, with <src>, <dst> and <linkname> (default <dst>)")
    private String format;

    @Option(names = "--max-depth", defaultValue = "-1", paramLabel = "N",
            description = "with -r, how many links down to go (default -1: all)")
    private int maxDepth;

    @Mixin
    private RepoOption repo;

    @Mixin
    private JsonOption output;

    @Mixin
    private CidBaseOption cids;

    @Override
    protected int run() throws Exception {
        if (args.isEmpty()) {
            throw new UsageException("argument \"ipfs-path\" is required");
        }
        CidEncoder enc = cids.encoder(); // before the options' checks, as Kubo
        if (edges && !format.equals("<dst>")) {
            throw new UsageException("using format argument with edges is not allowed");
        }
        String shape = edges ? "<src> -> <dst>" : format;
        Map<String, String> options = new LinkedHashMap<>();
        options.put("format", format);
        options.put("edges", Boolean.toString(edges));
        options.put("unique", Boolean.toString(unique));
        options.put("recursive", Boolean.toString(recursive));
        options.put("max-depth", Integer.toString(maxDepth));
        cids.addTo(options);
        boolean daemon = DaemonApi.use(repo.root(), api -> {
            try (InputStream in = new BufferedInputStream(api.post("refs", args, options))) {
                printAll(console(), output, in);
            }
        });
        if (daemon) {
            return 0;
        }
        try (Repository r = repo.open()) {
            List<Cid> roots = new ArrayList<>();
            for (String arg : args) {
                roots.add(ContentPath.resolveCid(r, arg));
            }
            DagRefs refs = new DagRefs(r.blocks().local(), unique, recursive ? maxDepth : 1, DagRefs.Prefetch.NONE);
            for (Cid root : roots) {
                refs.walk(root, edge -> print(console(), output, edge.format(shape, enc)));
            }
        }
        return 0;
    }

    /** Prints a daemon's stream of refs; its first error ends the command with it, as Kubo's CLI. */
    static void printAll(io.p2pkit.node.cli.Console console, JsonOption output, InputStream in) throws java.io.IOException {
        for (MapNode m; (m = DaemonApi.nextObject(in)) != null; ) {
            String error = DaemonApi.text(m, "Err");
            if (!error.isEmpty()) {
                throw new CommandFailedException(error);
            }
            print(console, output, DaemonApi.text(m, "Ref"));
        }
    }

    /** One ref: the line, or Kubo's {@code {"Ref","Err"}} with --json. */
    static void print(io.p2pkit.node.cli.Console console, JsonOption output, String ref) {
        output.print(console, KuboJson.ref(ref, ""), ref);
    }
}
