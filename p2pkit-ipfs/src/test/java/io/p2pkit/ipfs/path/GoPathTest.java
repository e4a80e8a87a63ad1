package io.p2pkit.ipfs.path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Go's path.Clean of a rooted path, by its names; the cases are Go's own (path/path_test.go). */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class GoPathTest {
    @Test
    void namesAreCleanedAsGoCleansARootedPath() {
        assertEquals(List.of(), GoPath.cleanNames(""));
        assertEquals(List.of(), GoPath.cleanNames("/"));
        assertEquals(List.of("abc", "def"), GoPath.cleanNames("/abc//def/"));
        assertEquals(List.of("abc"), GoPath.cleanNames("abc/./"));
        assertEquals(List.of("abc", "ghi"), GoPath.cleanNames("/abc/def/../ghi/./"));
        assertEquals(List.of(), GoPath.cleanNames("/../.."), "never above the root");
        assertEquals(List.of("b"), GoPath.cleanNames("../../b"));
    }
}
