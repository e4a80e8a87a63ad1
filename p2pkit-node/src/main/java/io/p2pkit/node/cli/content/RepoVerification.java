package io.p2pkit.node.cli.content;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.blockstore.BadBlock;
import io.p2pkit.ipfs.blockstore.VerifyReport;
import io.p2pkit.ipfs.repo.Repository;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * {@code repo verify}'s work, the same for the CLI on a repository and for the daemon's RPC:
 * re-hash every block, then for each damaged one Kubo's line ({@code block <cid> was corrupt
 * (why)}, with {@code , removed}, {@code , healed} …), and Kubo's summary and outcome.
 */
public final class RepoVerification {
    /** Fetches a block again from the network after its damaged copy was removed. */
    @FunctionalInterface
    public interface Healer {
        /** @throws IOException saying why the block could not be fetched */
        void heal(Cid cid) throws IOException, InterruptedException;
    }

    /**
     * How it ended.
     *
     * @param summary Kubo's last line: {@code verify complete, …}
     * @param failed  whether the command fails (damage found and not remedied)
     * @param checked how many block files were examined
     */
    public record Outcome(String summary, boolean failed, long checked) {
    }

    private RepoVerification() {
    }

    /**
     * @param drop     remove each damaged block's file
     * @param healer   fetch each removed block again (Kubo's {@code --heal}, which implies drop)
     * @param progress told how many block files were examined so far
     * @param damaged  given one line per damaged block (or file that is not a block)
     */
    public static Outcome run(Repository r, boolean drop, Optional<Healer> healer, LongConsumer progress,
                              Consumer<String> damaged) throws IOException, InterruptedException {
        boolean remove = drop || healer.isPresent();
        VerifyReport report = r.verify(progress);
        int removed = 0;
        int removeFailed = 0;
        int healed = 0;
        int healFailed = 0;
        for (BadBlock bad : report.badBlocks()) {
            StringBuilder msg = new StringBuilder(message(bad));
            if (remove) {
                String failure = remove(r, bad);
                if (failure == null) {
                    removed++;
                    msg.append(", removed");
                    if (healer.isPresent() && bad.key().isPresent()) {
                        try {
                            healer.get().heal(Cid.v1(Multicodec.RAW, bad.key().get()));
                            healed++;
                            msg.append(", healed");
                        } catch (IOException e) {
                            healFailed++;
                            msg.append(", failed to heal (").append(e.getMessage()).append(')');
                        }
                    }
                } else {
                    removeFailed++;
                    msg.append(", failed to remove (").append(failure).append(')');
                }
            }
            damaged.accept(msg.toString());
        }
        long checked = report.checked() + report.unverifiable() + report.bad();
        if (report.ok()) {
            return new Outcome("verify complete, all blocks validated." + unverifiable(report), false, checked);
        }
        String summary = "verify complete, " + report.bad() + (report.bad() == 1 ? " block" : " blocks") + " corrupt"
                + (removed > 0 ? ", " + removed + " removed" : "")
                + (removeFailed > 0 ? ", " + removeFailed + " failed to remove" : "")
                + (healed > 0 ? ", " + healed + " healed" : "")
                + (healFailed > 0 ? ", " + healFailed + " failed to heal" : "")
                + (report.bad() > report.badBlocks().size() ? " (the first " + report.badBlocks().size() + " listed)" : "")
                + unverifiable(report);
        boolean unlisted = report.bad() > report.badBlocks().size();
        boolean failed = !remove || removeFailed > 0 || healFailed > 0 || unlisted;
        return new Outcome(summary, failed, checked);
    }

    /** Removes a damaged file through the store (which keeps its counts) and where it is; null, or why not. */
    private static String remove(Repository r, BadBlock bad) {
        try {
            if (bad.key().isPresent()) {
                r.blocks().delete(bad.key().get());
            }
            Files.deleteIfExists(bad.file());
            return Files.exists(bad.file()) ? "the file is still there" : null;
        } catch (IOException e) {
            return e.getMessage();
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
}
