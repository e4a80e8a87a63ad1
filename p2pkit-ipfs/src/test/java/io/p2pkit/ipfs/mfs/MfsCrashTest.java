package io.p2pkit.ipfs.mfs;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.codec.Codecs;
import io.p2pkit.ipfs.repo.OpenOptions;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.ipfs.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The MFS root survives {@code kill -9}: a child JVM writes files into a repository's MFS,
 * printing the root after each write returned; the test kills it after a random number of them,
 * reopens the repository and finds the last printed root (or the one of the write in flight) with
 * every acknowledged file readable; then a second child goes on in the same repository and is
 * killed too. The root is committed and synced after the blocks it names are stored.
 */
class MfsCrashTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void everyAcknowledgedWriteSurvivesKillNine() throws Exception {
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        Path repo = dir.resolve("repo");
        Repository.init(repo, RepoConfig.defaults());
        int written = 0;
        for (int round = 0; round < 2; round++) {
            int killAfter = random.nextInt(20, 120);
            String context = "seed " + seed + ", round " + round + ", kill after " + killAfter;
            List<String> roots = new ArrayList<>();
            try (ChildJvm child = ChildJvm.start(MfsWriter.class, dir.resolve("child.err"), repo.toString(),
                    Integer.toString(written), "100000")) {
                assertTrue("open".equals(child.nextLine(Duration.ofSeconds(60))), context);
                while (roots.size() < killAfter) {
                    roots.add(child.nextLine(Duration.ofSeconds(60)));
                }
                child.kill9();
                for (String line : child.remainingLines(Duration.ofSeconds(30))) {
                    if (line.startsWith("wrote ")) {
                        roots.add(line);
                    }
                }
            }
            written += roots.size();
            try (Repository r = Repository.open(repo, OpenOptions.of(Codecs.standard()))) {
                Mfs mfs = r.mfs();
                Cid last = Cid.parse(roots.getLast().split(" ")[2]);
                int landed = written;
                if (!mfs.root().equals(last)) {
                    landed++; // the write in flight recorded its root before the kill
                    try (InputStream in = mfs.read(MfsWriter.path(written), 0, -1)) {
                        assertArrayEquals(MfsWriter.content(written), in.readAllBytes(), context);
                    }
                }
                for (int i = 0; i < written; i++) {
                    try (InputStream in = mfs.read(MfsWriter.path(i), 0, -1)) {
                        assertArrayEquals(MfsWriter.content(i), in.readAllBytes(), context + ": file " + i);
                    }
                }
                System.out.printf("mfs crash round %d (%s): %d writes acknowledged, %d landed%n", round, context, written, landed);
                written = landed;
            }
        }
    }
}
