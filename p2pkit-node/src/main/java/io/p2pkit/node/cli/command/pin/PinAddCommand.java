package io.p2pkit.node.cli.command.pin;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.pin.PinType;
import io.p2pkit.ipfs.pin.Pinner;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.cli.content.DaemonApi;
import io.p2pkit.node.cli.content.OnlineRepository;
import io.p2pkit.node.cli.options.CidBaseOption;
import io.p2pkit.node.cli.options.FetchOption;
import io.p2pkit.node.cli.options.FastProvideOption;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.ProgressOption;
import io.p2pkit.node.cli.options.RepoOption;
import io.p2pkit.node.multiformats.CidEncoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code p2pkit pin add}: pins CIDs or paths, recursively by default. */
@Command(name = "add", description = {
        "Pin content: keep it (and, recursively, everything below it) from garbage collection.",
        "",
        "Takes CIDs or paths (/ipfs/<cid>/a/b pins the block the path leads to). A recursive pin needs every block "
                + "below it in the repository (offline unless --bootstrap is given); a missing one is an error naming it, and "
                + "nothing is pinned. Pinning again with another --name renames the pin. Prints 'pinned <cid> "
                + "recursively' (or 'directly'). With --progress (or when stderr is a terminal) a recursive pin prints "
                + "'Fetched/Processed N nodes' on stderr as it walks, as Kubo's --progress does (not through a running daemon).",
        "",
        "With --bootstrap MADDR (repeatable), what the repository lacks is first fetched over Bitswap by a "
                + "short-lived node connected to those peers and to the providers the DHT names; "
                + "--fetch-timeout gives up when no block arrives for that long (default 60s).",
        ""},
        footer = {"", "With --json: {\"Pins\":[<cid>…]} (Kubo's shape)"})
final class PinAddCommand extends CliCommand {
    @Parameters(paramLabel = "CID|PATH", arity = "1..*", description = "what to pin")
    private List<String> args;

    @Option(names = {"-r", "--recursive"}, arity = "0..1", fallbackValue = "true", defaultValue = "true",
            paramLabel = "BOOL", description = "pin everything below too (default true; --recursive=false pins directly)")
    private boolean recursive;

    @Option(names = {"-n", "--name"}, paramLabel = "NAME", description = "a name for the pins (pin ls --names shows it)")
    private String name = "";

    @Mixin
    private RepoOption repo;

    @Mixin
    private FetchOption fetch;

    @Mixin
    private ProgressOption progress;

    @Mixin
    private JsonOption output;

    @Mixin
    private FastProvideOption fastProvide;

    @Mixin
    private CidBaseOption cids;

    @Override
    protected int run() throws Exception {
        if (name.getBytes(StandardCharsets.UTF_8).length > 255) {
            throw new UsageException("--name: pin names are at most 255 bytes");
        }
        CidEncoder enc = cids.encoder();
        List<String> pinned = new ArrayList<>();
        Optional<DaemonApi> daemon = fetch.daemon(repo);
        if (daemon.isPresent()) {
            // The daemon holds the repository and fetches what it lacks itself.
            try (DaemonApi api = daemon.get()) {
                fetch.fetchThroughDaemon(api, args);
                Map<String, String> options = new LinkedHashMap<>(Map.of("recursive", Boolean.toString(recursive),
                        "name", name, "progress", "false"));
                cids.addTo(options);
                fastProvide.addTo(options);
                try (InputStream in = api.post("pin/add", args, options)) {
                    pinned.addAll(DaemonApi.strings(in, "Pins"));
                }
            }
        } else {
            pinLocally(pinned, enc);
        }
        print(pinned);
        return 0;
    }

    private void pinLocally(List<String> pinned, CidEncoder enc) throws Exception {
        NodeCount count = new NodeCount(recursive && progress.enabled());
        try (OnlineRepository online = fetch.open(repo, console())) {
            Repository r = online.repo();
            for (String arg : args) {
                Cid cid = online.resolveCid(arg, recursive, progress, console());
                Pinner.DagSource source = recursive ? online.pinSource(progress, console()) : null;
                r.pinner().pin(cid, recursive ? PinType.RECURSIVE : PinType.DIRECT, name, count::visited, source);
                count.next();
                pinned.add(enc.encode(cid));
            }
        }
        count.finish();
    }

    /**
     * Kubo's {@code pin add --progress}: 'Fetched/Processed N nodes' on stderr, redrawn in place at
     * most every 500 ms and once at the end, N counting the nodes walked over every argument.
     */
    private final class NodeCount {
        private static final long EVERY_NANOS = 500_000_000L;
        private final boolean shown;
        private long before;
        private long current;
        private long printed = System.nanoTime();

        NodeCount(boolean shown) {
            this.shown = shown;
        }

        void visited(long inThisPin) {
            current = inThisPin;
            long now = System.nanoTime();
            if (shown && now - printed >= EVERY_NANOS) {
                printed = now;
                print();
            }
        }

        void next() {
            before += current;
            current = 0;
        }

        void finish() {
            if (shown && before != 0) {
                print();
            }
        }

        private void print() {
            console().err().print("Fetched/Processed " + (before + current) + " nodes\r");
            console().err().flush();
        }
    }

    private void print(List<String> pinned) {
        if (output.json()) {
            console().json(Map.of("Pins", pinned));
        } else {
            for (String cid : pinned) {
                console().println("pinned " + cid + (recursive ? " recursively" : " directly"));
            }
        }
    }
}
