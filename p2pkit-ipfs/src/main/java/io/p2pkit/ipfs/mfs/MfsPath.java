package io.p2pkit.ipfs.mfs;

import java.util.ArrayList;
import java.util.List;

/** MFS paths as Kubo checks and cleans them: absolute, with {@code .} and {@code ..} resolved. */
final class MfsPath {
    private MfsPath() {
    }

    /**
     * @return the path's names, root first
     * @throws MfsException for an empty or relative path
     */
    static List<String> parts(String path) throws MfsException {
        if (path == null || path.isEmpty()) {
            throw new MfsException("paths must not be empty");
        }
        if (path.charAt(0) != '/') {
            throw new MfsException("paths must start with a leading slash");
        }
        List<String> out = new ArrayList<>();
        for (String p : path.split("/")) {
            if (p.isEmpty() || p.equals(".")) {
                continue;
            }
            if (p.equals("..")) {
                if (!out.isEmpty()) {
                    out.remove(out.size() - 1);
                }
                continue;
            }
            out.add(p);
        }
        return out;
    }

    /** @return the path cleaned as Go's path.Clean cleans it, or the text itself when it is not a path */
    static String clean(String path) {
        try {
            return join(parts(path));
        } catch (MfsException e) {
            return path;
        }
    }

    /** @return the path as Kubo's {@code checkPath} gives it back: cleaned, keeping a trailing slash */
    static String asGiven(String path) {
        String c = clean(path);
        return path.endsWith("/") && !c.equals("/") ? c + "/" : c;
    }

    static String join(List<String> parts) {
        return "/" + String.join("/", parts);
    }
}
