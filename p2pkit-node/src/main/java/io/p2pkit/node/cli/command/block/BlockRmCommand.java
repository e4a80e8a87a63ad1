package io.p2pkit.node.cli.command.block;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.pin.GcLock;
import io.p2pkit.ipfs.pin.PinStatus;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.CommandFailedException;
import io.p2pkit.node.cli.content.ContentPath;
import io.p2pkit.node.cli.content.DaemonApi;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.RepoOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** {@code p2pkit block rm}: removes blocks, never a pinned one; Kubo's {@code ipfs block rm}. */
@Command(name = "rm", description = {
        "Remove blocks from the repository.",
        "",
        "A pinned block (recursively, directly or below a recursive pin) is not removed: unpin it first. A block "
                + "that is not here is an error unless --force. Each removed block is reported ('removed <cid>'), "
                + "each failure on stderr ('cannot remove <cid>: why'); any failure makes the exit status 1.",
        ""},
        footer = {"", "With --json: one {\"Hash\":…} per removed block, {\"Hash\":…,\"Error\":…} per failure (Kubo's shape)."})
final class BlockRmCommand extends CliCommand {
    @Parameters(paramLabel = "CID", arity = "1..*", description = "the blocks to remove (CIDs or paths)")
    private List<String> args;

    @Option(names = {"-f", "--force"}, description = "ignore blocks that are not here")
    private boolean force;

    @Option(names = {"-q", "--quiet"}, description = "print nothing for removed blocks, only failures")
    private boolean quiet;

    @Mixin
    private RepoOption repo;

    @Mixin
    private JsonOption output;

    @Override
    protected int run() throws Exception {
        AtomicInteger failed = new AtomicInteger();
        boolean daemon = DaemonApi.use(repo.root(), api -> {
            Map<String, String> o = Map.of("force", Boolean.toString(force), "quiet", Boolean.toString(quiet));
            try (InputStream in = new BufferedInputStream(api.post("block/rm", args, o))) {
                for (MapNode m; (m = DaemonApi.nextObject(in)) != null; ) {
                    String error = DaemonApi.text(m, "Error");
                    if (!error.isEmpty()) {
                        failed.incrementAndGet();
                    }
                    report(DaemonApi.cid(m, "Hash"), error.isEmpty() ? null : error);
                }
            } catch (CommandFailedException e) {
                if (failed.get() == 0) {
                    throw e;    // not the "some blocks not removed" that ends a listing with failures
                }
            }
        });
        int failures = failed.get();
        if (daemon) {
            return done(failures);
        }
        try (Repository r = repo.open()) {
            GcLock.Held held = r.gcLock().gcLock(); // as Kubo: no add may pin what is being removed
            try {
                for (String arg : args) {
                    Cid cid = ContentPath.resolveCid(r, arg);
                    Optional<PinStatus> pin = r.pinner().status(cid);
                    String error = null;
                    if (pin.isPresent()) {
                        error = pin.get().kuboRemovalError();
                    } else if (!r.blocks().delete(cid.multihash()) && !force) {
                        error = "block not found in the repository";
                    }
                    if (error != null) {
                        failures++;
                        report(cid, error);
                    } else if (!quiet) {
                        report(cid, null);
                    }
                }
            } finally {
                held.close();
            }
        }
        return done(failures);
    }

    private int done(int failures) {
        if (failures > 0) {
            console().info("p2pkit block rm: error: " + failures + (failures == 1 ? " block was" : " blocks were")
                    + " not removed");
            return 1;
        }
        return 0;
    }

    /** Every pinned block's multihash and how it is pinned, the strongest way first. */
    private void report(Cid cid, String error) {
        if (output.json()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("Hash", cid.toString());
            if (error != null) {
                o.put("Error", error);
            }
            console().json(o);
        } else if (error == null) {
            console().println("removed " + cid);
        } else {
            console().info("cannot remove " + cid + ": " + error);
        }
    }
}
