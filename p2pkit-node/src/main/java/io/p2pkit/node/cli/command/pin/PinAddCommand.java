package io.p2pkit.node.cli.command.pin;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.pin.PinType;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.cli.content.ContentPath;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.RepoOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code p2pkit pin add}: pins CIDs or paths, recursively by default. */
@Command(name = "add", description = {
        "Pin content: keep it (and, recursively, everything below it) from garbage collection.",
        "",
        "Takes CIDs or paths (/ipfs/<cid>/a/b pins the block the path leads to). A recursive pin needs every block "
                + "below it in the repository (offline: nothing is fetched); a missing one is an error naming it, and "
                + "nothing is pinned. Pinning again with another --name renames the pin. Prints 'pinned <cid> "
                + "recursively' (or 'directly').",
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
    private JsonOption output;

    @Override
    protected int run() throws Exception {
        if (name.getBytes(StandardCharsets.UTF_8).length > 255) {
            throw new UsageException("--name: pin names are at most 255 bytes");
        }
        List<String> pinned = new ArrayList<>();
        try (Repository r = repo.open()) {
            for (String arg : args) {
                Cid cid = ContentPath.resolveCid(r, arg);
                r.pinner().pin(cid, recursive ? PinType.RECURSIVE : PinType.DIRECT, name);
                pinned.add(cid.toString());
            }
        }
        if (output.json()) {
            console().json(Map.of("Pins", pinned));
        } else {
            for (String cid : pinned) {
                console().println("pinned " + cid + (recursive ? " recursively" : " directly"));
            }
        }
        return 0;
    }
}
