package io.p2pkit.node.cli.command.repo;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.blockstore.BadBlock;
import io.p2pkit.ipfs.blockstore.VerifyReport;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.ProgressBar;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.ProgressOption;
import io.p2pkit.node.cli.options.RepoOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code p2pkit repo verify}: re-hashes every block; exit status 1 when any is damaged. */
@Command(name = "verify", description = {
        "Check every block in the repository against its CID.",
        "",
        "Reads and re-hashes every block file and prints one line per damaged one, naming the block and its file: "
                + "'block <cid> was corrupt (why): <file>' (Kubo's words). Ends with 'verify complete, all blocks "
                + "validated.' and exit status 0, or 'verify complete, N blocks corrupt' and exit status 1. Read-only "
                + "unless --drop, which removes the damaged files (then the exit status is 0 if all were removed).",
        ""},
        footer = {"", "With --json: {\"Msg\":…,\"Progress\":0} per damaged block and a last {\"Msg\":…,\"Progress\":<blocks "
                + "checked>} (Kubo's fields; Kubo also streams one object per block checked)."})
final class RepoVerifyCommand extends CliCommand {
    @Option(names = "--drop", description = "remove the damaged block files (destructive: fetch them again later)")
    private boolean drop;

    @Mixin
    private ProgressOption progress;

    @Mixin
    private RepoOption repo;

    @Mixin
    private JsonOption output;

    @Override
    protected int run() throws Exception {
        VerifyReport report;
        int removed = 0;
        int removeFailed = 0;
        try (Repository r = repo.open()) {
            try (ProgressBar bar = progress.bar(console(), "verifying", r.stat().numObjects(), ProgressBar.Unit.COUNT,
                    "blocks")) {
                report = r.verify(bar::set);
            }
            for (BadBlock bad : report.badBlocks()) {
                String msg = message(bad);
                if (drop) {
                    if (remove(r, bad)) {
                        removed++;
                        msg += ", removed";
                    } else {
                        removeFailed++;
                        msg += ", failed to remove";
                    }
                }
                print(msg, 0);
            }
        }
        long checked = report.checked() + report.unverifiable() + report.bad();
        if (report.ok()) {
            print("verify complete, all blocks validated." + unverifiable(report), checked);
            return 0;
        }
        String summary = "verify complete, " + report.bad() + (report.bad() == 1 ? " block" : " blocks") + " corrupt"
                + (drop ? ", " + removed + " removed" : "") + (removeFailed > 0 ? ", " + removeFailed + " failed to remove" : "")
                + (report.bad() > report.badBlocks().size() ? " (the first " + report.badBlocks().size() + " listed)" : "")
                + unverifiable(report);
        print(summary, checked);
        return drop && removeFailed == 0 && report.bad() == report.badBlocks().size() ? 0 : 1;
    }

    /** Removes a damaged file: through the store (which keeps its counts) and, if misplaced, where it is. */
    private static boolean remove(Repository r, BadBlock bad) {
        try {
            if (bad.key().isPresent()) {
                r.blocks().delete(bad.key().get());
            }
            Files.deleteIfExists(bad.file());
            return !Files.exists(bad.file());
        } catch (IOException e) {
            return false;
        }
    }

    private static String message(BadBlock bad) {
        if (bad.key().isEmpty()) {
            return "file " + bad.file() + " is not a block (" + bad.reason() + ")";
        }
        return "block " + Cid.v1(Multicodec.RAW, bad.key().get()) + " was corrupt (" + bad.reason() + "): " + bad.file();
    }

    private static String unverifiable(VerifyReport report) {
        return report.unverifiable() == 0 ? "" : " (" + report.unverifiable()
                + " blocks use hash functions p2pkit cannot compute and were not checked)";
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
