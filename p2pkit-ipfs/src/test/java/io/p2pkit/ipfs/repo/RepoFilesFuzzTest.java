package io.p2pkit.ipfs.repo;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a repository decodes from its own small files: config, version, lock. */
class RepoFilesFuzzTest {
    /** Any config text is read (and then written and read back to an equal config) or refused with a RepoConfigException. */
    @FuzzTest(maxDuration = "90s") // a fuzzing session fits in the default 2-minute test timeout
    void config(byte[] input) {
        RepoConfig c;
        try {
            c = RepoConfig.parse(input);
        } catch (RepoConfigException refused) {
            return;
        }
        assertEquals(c, RepoConfig.parse(c.format()));
    }

    /** Any version file text is a non-negative number or a RepoException. */
    @FuzzTest(maxDuration = "90s") // a fuzzing session fits in the default 2-minute test timeout
    void version(byte[] input) {
        try {
            assertTrue(Repository.parseVersion(Path.of("repo"), input) >= 0);
        } catch (RepoException refused) {
            // clean rejection
        }
    }

    /** Any lock file text gives a positive PID or none. */
    @FuzzTest(maxDuration = "90s") // a fuzzing session fits in the default 2-minute test timeout
    void lockPid(byte[] input) {
        OptionalLong pid = RepoLock.parsePid(new String(input, StandardCharsets.ISO_8859_1));
        assertTrue(pid.isEmpty() || pid.getAsLong() > 0);
    }
}
