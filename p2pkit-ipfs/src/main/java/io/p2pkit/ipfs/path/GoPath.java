package io.p2pkit.ipfs.path;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/** Go's {@code path.Clean} of a rooted path, as Kubo and boxo clean the paths they are given. */
public final class GoPath {
    private GoPath() {
    }

    /**
     * @param path a path, with or without its leading '/' (read as rooted either way)
     * @return its names once cleaned: no empty ones or {@code .}, each {@code ..} taking the name
     *         before it, never going above the root
     */
    public static List<String> cleanNames(String path) {
        Deque<String> names = new ArrayDeque<>();
        for (String name : path.split("/")) {
            if (name.isEmpty() || name.equals(".")) {
                continue;
            }
            if (name.equals("..")) {
                names.pollLast();
            } else {
                names.addLast(name);
            }
        }
        return List.copyOf(names);
    }
}
