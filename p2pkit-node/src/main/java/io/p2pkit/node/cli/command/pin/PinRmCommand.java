package io.p2pkit.node.cli.command.pin;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.content.ContentPath;
import io.p2pkit.node.cli.content.DaemonApi;
import io.p2pkit.node.cli.options.CidBaseOption;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.RepoOption;
import io.p2pkit.node.multiformats.CidEncoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code p2pkit pin rm}: removes pins; the blocks stay until {@code repo gc}. */
@Command(name = "rm", description = {
        "Remove pins, so that garbage collection may take the content.",
        "",
        "Takes CIDs or paths. The blocks stay until 'p2pkit repo gc'. A CID that is not pinned, or pinned only "
                + "indirectly (below another recursive pin), is an error ('pin ls --type=indirect CID' shows which). "
                + "Prints 'unpinned <cid>'.",
        ""},
        footer = {"", "With --json: {\"Pins\":[<cid>…]} (Kubo's shape)"})
final class PinRmCommand extends CliCommand {
    @Parameters(paramLabel = "CID|PATH", arity = "1..*", description = "the pins to remove")
    private List<String> args;

    @Option(names = {"-r", "--recursive"}, arity = "0..1", fallbackValue = "true", defaultValue = "true",
            paramLabel = "BOOL", description = "remove recursive pins too (default true; --recursive=false: direct pins only)")
    private boolean recursive;

    @Mixin
    private RepoOption repo;

    @Mixin
    private JsonOption output;

    @Mixin
    private CidBaseOption cids;

    @Override
    protected int run() throws Exception {
        CidEncoder enc = cids.encoder();
        List<String> unpinned = new ArrayList<>();
        Map<String, String> options = cids.options();
        options.put("recursive", Boolean.toString(recursive));
        boolean daemon = DaemonApi.use(repo.root(), api -> {
            try (InputStream in = api.post("pin/rm", args, options)) {
                unpinned.addAll(DaemonApi.strings(in, "Pins"));
            }
        });
        if (!daemon) {
            try (Repository r = repo.open()) {
                for (String arg : args) {
                    Cid cid = ContentPath.resolveCid(r, arg);
                    r.pinner().unpin(cid, recursive);
                    unpinned.add(enc.encode(cid));
                }
            }
        }
        if (output.json()) {
            console().json(Map.of("Pins", unpinned));
        } else {
            for (String cid : unpinned) {
                console().println("unpinned " + cid);
            }
        }
        return 0;
    }
}
