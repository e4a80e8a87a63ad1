package io.p2pkit.node.cli.command.pin;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.content.DaemonApi;
import io.p2pkit.node.cli.content.OnlineRepository;
import io.p2pkit.node.cli.options.CidBaseOption;
import io.p2pkit.node.cli.options.FetchOption;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.ProgressOption;
import io.p2pkit.node.cli.options.RepoOption;
import io.p2pkit.node.multiformats.CidEncoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code p2pkit pin update}: Kubo's {@code ipfs pin update}. */
@Command(name = "update", description = {
        "Move a recursive pin to a new version of its content.",
        "",
        "FROM must be pinned recursively and TO not yet. TO is pinned recursively under FROM's name, then FROM's pin "
                + "is removed (--unpin=false keeps it). What the two share is not walked again: only TO's other blocks "
                + "are read, and fetched when the repository lacks them (through a running daemon, or with --bootstrap). "
                + "Prints 'updated FROM to TO'.",
        ""},
        footer = {"", "With --json: {\"Pins\":[<from>,<to>]} (Kubo's shape)"})
final class PinUpdateCommand extends CliCommand {
    @Parameters(index = "0", paramLabel = "FROM", description = "the pinned CID or path")
    private String from;

    @Parameters(index = "1", paramLabel = "TO", description = "the new CID or path")
    private String to;

    @Option(names = "--unpin", arity = "0..1", fallbackValue = "true", defaultValue = "true", paramLabel = "BOOL",
            description = "remove the old pin (default true; --unpin=false keeps it)")
    private boolean unpin;

    @Mixin
    private RepoOption repo;

    @Mixin
    private FetchOption fetch;

    @Mixin
    private ProgressOption progress;

    @Mixin
    private JsonOption output;

    @Mixin
    private CidBaseOption cids;

    @Override
    protected int run() throws Exception {
        CidEncoder enc = cids.encoder();
        List<String> pins;
        Optional<DaemonApi> daemon = fetch.daemon(repo);
        if (daemon.isPresent()) {
            try (DaemonApi api = daemon.get()) {
                fetch.fetchThroughDaemon(api, List.of(to));
                Map<String, String> options = cids.options();
                options.put("unpin", Boolean.toString(unpin));
                try (InputStream in = api.post("pin/update", List.of(from, to), options)) {
                    pins = DaemonApi.strings(in, "Pins");
                }
            }
        } else {
            try (OnlineRepository online = fetch.open(repo, console())) {
                Cid old = online.resolveCid(from, false, progress, console());
                Cid next = online.resolveCid(to, true, progress, console());
                online.repo().pinner().update(old, next, unpin, online.pinSource(progress, console()));
                pins = List.of(enc.encode(old), enc.encode(next));
            }
        }
        if (output.json()) {
            console().json(Map.of("Pins", pins));
        } else {
            console().println("updated " + pins.getFirst() + " to " + pins.getLast());
        }
        return 0;
    }
}
