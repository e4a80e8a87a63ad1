package io.p2pkit.ipfs.repo;

import io.p2pkit.ipfs.testing.ChildJvm;
import io.p2pkit.ipfs.testing.TestDag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RepoLockTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void anotherProcessIsToldWhoHoldsTheRepositoryAndAKilledHolderReleasesIt() throws Exception {
        Repository.init(dir, RepoConfig.defaults());
        try (ChildJvm holder = ChildJvm.start(RepoHolder.class, dir.resolve("holder.err"), dir.toString())) {
            assertEquals("open " + holder.pid() + " with 0 blocks", holder.nextLine(Duration.ofSeconds(60)));
            RepoLockedException e = assertThrows(RepoLockedException.class,
                    () -> Repository.open(dir, OpenOptions.of(TestDag.LINKS)));
            assertEquals(OptionalLong.of(holder.pid()), e.holderPid());
            assertTrue(e.getMessage().contains("locked by process " + holder.pid()), e.getMessage());
            assertEquals(dir.toAbsolutePath(), e.root());
            holder.kill9(); // the OS drops the lock with the process; the file with its PID stays
            assertTrue(Files.exists(dir.resolve(RepoLock.FILE)));
        }
        try (Repository repo = Repository.open(dir, OpenOptions.of(TestDag.LINKS))) {
            assertEquals(Long.toString(ProcessHandle.current().pid()),
                    Files.readString(repo.root().resolve(RepoLock.FILE)).strip());
        }
    }

    @Test
    void aSecondOpenInThisProcessIsRefusedAndTheFirstKeepsItsLock() throws Exception {
        Repository.init(dir, RepoConfig.defaults());
        try (Repository first = Repository.open(dir, OpenOptions.of(TestDag.LINKS))) {
            RepoLockedException e = assertThrows(RepoLockedException.class,
                    () -> Repository.open(dir, OpenOptions.of(TestDag.LINKS)));
            assertEquals(OptionalLong.of(ProcessHandle.current().pid()), e.holderPid());
            assertTrue(e.getMessage().contains("already open in this process"), e.getMessage());
            // still usable, still locked
            first.blocks().put(TestDag.leaf(new java.util.SplittableRandom(1), 10));
            assertThrows(RepoLockedException.class, () -> Repository.open(dir.resolve("."), OpenOptions.of(TestDag.LINKS)));
        }
        Repository.open(dir, OpenOptions.of(TestDag.LINKS)).close();
    }

    @Test
    void pidsAreReadStrictly() {
        assertEquals(OptionalLong.of(1234), RepoLock.parsePid("1234\n"));
        assertEquals(OptionalLong.of(7), RepoLock.parsePid("  7 "));
        assertEquals(OptionalLong.empty(), RepoLock.parsePid(""));
        assertEquals(OptionalLong.empty(), RepoLock.parsePid("0"));
        assertEquals(OptionalLong.empty(), RepoLock.parsePid("-3"));
        assertEquals(OptionalLong.empty(), RepoLock.parsePid("12a"));
        assertEquals(OptionalLong.empty(), RepoLock.parsePid("9".repeat(19)));
    }
}
