package io.p2pkit.node.cli.command.repo;

import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.CommandFailedException;
import io.p2pkit.node.cli.ProgressBar;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.cli.content.DaemonApi;
import io.p2pkit.node.cli.content.RepoVerification;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.ProgressOption;
import io.p2pkit.node.cli.options.RepoOption;
import io.p2pkit.ipfs.ipld.MapNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/** {@code p2pkit repo verify}: re-hashes every block; exit status 1 when any is damaged. */
@Command(name = "verify", description = {
        "Check every block in the repository against its CID.",
        "",
        "Reads and re-hashes every block file and prints one line per damaged one, naming the block and its file: "
                + "'block <cid> was corrupt (why): <file>' (Kubo's words). Ends with 'verify complete, all blocks "
                + "validated.' and exit status 0, or 'verify complete, N blocks corrupt' and exit status 1. Read-only "
                + "unless --drop, which removes the damaged files (then the exit status is 0 if all were removed), or "
                + "--heal, which also fetches them again from the network (needs a running daemon). With a daemon "
                + "running, the daemon does the work.",
        ""},
        footer = {"", "With --json: {\"Msg\":…,\"Progress\":0} per damaged block and a last {\"Msg\":…,\"Progress\":<blocks "
                + "checked>} (Kubo's fields; Kubo also streams one object per block checked)."})
final class RepoVerifyCommand extends CliCommand {
    @Option(names = "--drop", description = "remove the damaged block files (destructive: fetch them again later)")
    private boolean drop;

    @Option(names = "--heal", description = "remove the damaged blocks and fetch them again from the network "
            + "(destructive; needs a running daemon)")
    private boolean heal;

    @Option(names = "--heal-timeout", paramLabel = "DURATION", description = "how long each fetch may take (default 30s)")
    private String healTimeout;

    @Mixin
    private ProgressOption progress;

    @Mixin
    private RepoOption repo;

    @Mixin
    private JsonOption output;

    @Override
    protected int run() throws Exception {
        AtomicReference<RepoVerification.Outcome> outcome = new AtomicReference<>();
        boolean daemon = DaemonApi.use(repo.root(), api -> {
            try (ProgressBar bar = progress.bar(console(), "verifying", -1, ProgressBar.Unit.COUNT, "blocks")) {
                outcome.set(throughDaemon(api, bar));
            }
        });
        if (!daemon) {
            if (heal) {
                throw new UsageException("--heal fetches the blocks from the network: start 'p2pkit daemon' first");
            }
            try (Repository r = repo.open();
                 ProgressBar bar = progress.bar(console(), "verifying", r.stat().numObjects(), ProgressBar.Unit.COUNT,
                         "blocks")) {
                outcome.set(RepoVerification.run(r, drop, Optional.empty(), bar::set, msg -> print(msg, 0)));
            }
        }
        RepoVerification.Outcome o = outcome.get();
        print(o.summary(), o.checked());
        return o.failed() ? 1 : 0;
    }

    private RepoVerification.Outcome throughDaemon(DaemonApi api, ProgressBar bar) throws java.io.IOException {
        Map<String, String> options = new LinkedHashMap<>();
        if (drop) {
            options.put("drop", "true");
        }
        if (heal) {
            options.put("heal", "true");
        }
        if (healTimeout != null) {
            options.put("heal-timeout", healTimeout);
        }
        long checked = 0;
        String summary = null;
        try (InputStream in = new BufferedInputStream(api.post("repo/verify", List.of(), options))) {
            for (MapNode e; (e = DaemonApi.nextObject(in)) != null; ) {
                String msg = DaemonApi.text(e, "Msg");
                if (msg.startsWith("verify complete")) {
                    summary = msg.strip();
                } else if (!msg.isEmpty()) {
                    print(msg, 0);
                } else {
                    checked = DaemonApi.number(e, "Progress");
                    bar.set(checked);
                }
            }
        } catch (CommandFailedException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("verify complete")) {
                return new RepoVerification.Outcome(e.getMessage(), true, checked); // Kubo's error for damage found
            }
            throw e;
        }
        if (summary == null) {
            throw new CommandFailedException("the daemon's repo/verify ended without its summary");
        }
        return new RepoVerification.Outcome(summary, false, checked);
    }

    private void print(String msg, long progressCount) {
        if (output.json()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("Msg", msg);
            o.put("Progress", progressCount);
            console().json(o);
        } else {
            console().println(msg);
        }
    }
}
