package io.p2pkit.node.cli.command.pin;

import io.p2pkit.ipfs.ipld.ListNode;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.pin.PinVerifyResult;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.cli.content.DaemonApi;
import io.p2pkit.node.cli.content.KuboJson;
import io.p2pkit.node.cli.options.CidBaseOption;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.RepoOption;
import io.p2pkit.node.multiformats.CidEncoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code p2pkit pin verify}: checks that every recursive pin's DAG is here and intact. */
@Command(name = "verify", description = {
        "Check that every recursively pinned DAG is complete and intact.",
        "",
        "For each recursive pin, every block below it must be in the repository, hash to its CID and have readable "
                + "links. Prints '<cid> broken' and the bad blocks under it ('  <cid>: why'), as Kubo; with --verbose "
                + "also '<cid> ok'. Unlike Kubo, the exit status is 1 when a pin is broken.",
        ""},
        footer = {"", "With --json: one {\"Cid\":…,\"Ok\":true} or {\"Cid\":…,\"BadNodes\":[{\"Cid\":…,\"Err\":…}]} per pin "
                + "reported (Kubo's shape)."})
final class PinVerifyCommand extends CliCommand {
    @Option(names = "--verbose", description = "also report the pins that are fine")
    private boolean verbose;

    @Option(names = {"-q", "--quiet"}, description = "print only the CIDs of broken pins")
    private boolean quiet;

    @Mixin
    private RepoOption repo;

    @Mixin
    private JsonOption output;

    @Mixin
    private CidBaseOption cids;

    @Override
    protected int run() throws Exception {
        if (verbose && quiet) {
            throw new UsageException("--verbose and --quiet cannot be used together");
        }
        CidEncoder enc = cids.encoder(); // the daemon's answer is read back and written so too
        List<PinVerifyResult> results = new ArrayList<>();
        boolean daemon = DaemonApi.use(repo.root(), api -> {
            Map<String, String> o = Map.of("verbose", Boolean.toString(verbose), "quiet", Boolean.toString(quiet));
            try (InputStream in = new BufferedInputStream(api.post("pin/verify", List.of(), o))) {
                for (MapNode m; (m = DaemonApi.nextObject(in)) != null; ) {
                    List<PinVerifyResult.BadNode> bad = new ArrayList<>();
                    if (m.get("BadNodes").orElse(null) instanceof ListNode list) {
                        for (var n : list.values()) {
                            if (n instanceof MapNode b) {
                                bad.add(new PinVerifyResult.BadNode(DaemonApi.cid(b, "Cid"), DaemonApi.text(b, "Err")));
                            }
                        }
                    } else if (m.get("Ok").isEmpty()) {
                        // --quiet: a broken pin without its bad blocks; keep it broken
                        bad.add(new PinVerifyResult.BadNode(DaemonApi.cid(m, "Cid"), "broken"));
                    }
                    results.add(new PinVerifyResult(DaemonApi.cid(m, "Cid"), bad));
                }
            }
        });
        if (!daemon) {
            try (Repository r = repo.open()) {
                results.addAll(r.pinner().verify());
            }
        }
        boolean broken = false;
        for (PinVerifyResult p : results) {
            broken |= !p.ok();
            if (p.ok() && !verbose) {
                continue;
            }
            if (output.json()) {
                console().json(KuboJson.pinVerify(p, quiet, enc));
            } else if (quiet) {
                console().println(enc.encode(p.root()));
            } else if (p.ok()) {
                console().println(enc.encode(p.root()) + " ok");
            } else {
                StringBuilder sb = new StringBuilder(enc.encode(p.root()) + " broken");
                for (PinVerifyResult.BadNode n : p.badNodes()) {
                    sb.append("\n  ").append(enc.encode(n.cid())).append(": ").append(n.error());
                }
                console().println(sb.toString());
            }
        }
        return broken ? 1 : 0;
    }
}
