package io.p2pkit.node.cli.command;

import io.p2pkit.ipfs.path.IpfsPath;
import io.p2pkit.ipfs.path.IpfsUri;
import io.p2pkit.ipfs.path.ResolvedPath;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.CommandFailedException;
import io.p2pkit.node.cli.content.ContentPath;
import io.p2pkit.node.cli.content.DaemonApi;
import io.p2pkit.node.cli.content.ResolvedText;
import io.p2pkit.node.cli.options.CidBaseOption;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.RepoOption;
import io.p2pkit.node.multiformats.CidEncoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/** {@code p2pkit resolve}: where a path leads, as Kubo's {@code ipfs resolve}. */
@Command(name = "resolve", description = {
        "Resolve a name or a path to the block it ends in.",
        "",
        "Prints /ipfs/<cid> of the block a path leads to, with what is left of the path inside that block "
                + "(a DAG-CBOR node's fields), as Kubo 0.39's 'ipfs resolve'. The CID takes the multibase of the "
                + "argument's CID. /ipns/ names (keys and DNSLink) are resolved by the daemon that holds the "
                + "repository; --recursive=false then resolves one step and prints the name's value as it is. "
                + "Without a daemon, paths resolve offline over the repository.",
        ""},
        footer = {"", "With --json: {\"Path\":…} (Kubo's shape)."})
public final class ResolveCommand extends CliCommand {
    @Parameters(index = "0", paramLabel = "PATH", description = "an /ipfs/, /ipld/ or /ipns/ path, or a CID")
    private String arg;

    @Option(names = {"-r", "--recursive"}, arity = "0..1", fallbackValue = "true", defaultValue = "true",
            paramLabel = "BOOL", description = "resolve names until the result is an /ipfs/ path (default true)")
    private boolean recursive;

    @Mixin
    private RepoOption repo;

    @Mixin
    private JsonOption output;

    @Mixin
    private CidBaseOption cids;

    @Override
    protected int run() throws Exception {
        AtomicReference<String> path = new AtomicReference<>();
        Map<String, String> options = cids.options();
        options.put("recursive", Boolean.toString(recursive));
        boolean daemon = DaemonApi.use(repo.root(), api -> path.set(DaemonApi.text(api.object("resolve", List.of(arg),
                options), "Path")));
        if (!daemon) {
            if (IpfsUri.toPath(arg).startsWith("/ipns/")) {
                throw new CommandFailedException("resolving " + arg + " needs the daemon's routing: start 'p2pkit daemon' "
                        + "on the repository, or use 'p2pkit name resolve --bootstrap …'");
            }
            CidEncoder enc = ResolvedText.encoder(arg, cids.baseGiven(), cids::encoder);
            try (Repository r = repo.open()) {
                IpfsPath p = ContentPath.parse(arg);
                ResolvedPath resolved = p.segments().isEmpty() ? ResolvedText.unread(p) : ContentPath.resolve(r, p);
                path.set(ResolvedText.of(resolved, enc));
            }
        }
        output.print(console(), Map.of("Path", path.get()), path.get());
        return 0;
    }
}
