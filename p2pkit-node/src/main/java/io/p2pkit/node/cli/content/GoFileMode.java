package io.p2pkit.node.cli.content;

import io.p2pkit.ipfs.unixfs.exporter.EntryType;

/**
 * Go's {@code os.FileMode}, which Kubo's API carries where UnixFS stores Unix permission bits: in
 * {@code ls}'s JSON, in the form names of an upload; and its column in {@code ls --long}.
 */
public final class GoFileMode {
    private static final long MODE_DIR = 1L << 31;
    private static final long MODE_SYMLINK = 1L << 27;
    private static final long MODE_SETUID = 1L << 23;
    private static final long MODE_SETGID = 1L << 22;
    private static final long MODE_STICKY = 1L << 20;
    /** The bit that takes each execute place in ls -l: owner's, group's, others'. */
    private static final long[] SPECIAL = {MODE_SETUID, MODE_SETGID, MODE_STICKY};

    private GoFileMode() {
    }

    /**
     * Go's {@code os.FileMode} of a UnixFS entry, as boxo's {@code FSNode.Mode()} gives it: 0 when
     * no permission bits are stored, else the permissions with Go's setuid, setgid and sticky bits
     * and the directory or symlink bit.
     *
     * @param type  the entry's type
     * @param perms the Unix permission bits stored (0 to 0o7777), or null when none are
     * @return the mode, an unsigned 32-bit value
     */
    public static long of(EntryType type, Integer perms) {
        int p = perms == null ? 0 : perms & 0xFFF;
        if (p == 0) {
            return 0;
        }
        long m = p & 0x1FF;
        m |= (p & 0x800) != 0 ? MODE_SETUID : 0;
        m |= (p & 0x400) != 0 ? MODE_SETGID : 0;
        m |= (p & 0x200) != 0 ? MODE_STICKY : 0;
        return m | switch (type) {
            case DIRECTORY -> MODE_DIR;
            case SYMLINK -> MODE_SYMLINK;
            case FILE -> 0;
        };
    }

    /**
     * The Unix permission bits of a Go mode, as boxo's {@code ModePermsToUnixPerms}: rwx three
     * times, and Go's setuid, setgid and sticky bits moved to 0o4000, 0o2000 and 0o1000; the type
     * bits dropped.
     *
     * @param goMode Go's {@code os.FileMode}
     * @return the bits, 0 to 0o7777
     */
    public static int unixPerms(long goMode) {
        return (int) (((goMode & (MODE_SETUID | MODE_SETGID)) >> 12) | ((goMode & MODE_STICKY) >> 11) | (goMode & 0x1FF));
    }

    /**
     * Kubo's {@code ls --long} mode column: {@code -} when none is stored, else ten characters as
     * {@code ls -l} writes them (type, then rwx three times, setuid, setgid and sticky in the
     * execute places, in capitals when that execute bit is not set).
     *
     * @param goMode Go's {@code os.FileMode}
     * @return the column
     */
    public static String lsText(long goMode) {
        if (goMode == 0) {
            return "-";
        }
        StringBuilder b = new StringBuilder(10);
        b.append((goMode & MODE_DIR) != 0 ? 'd' : (goMode & MODE_SYMLINK) != 0 ? 'l' : '-');
        for (int who = 0; who < 3; who++) {
            int shift = 6 - 3 * who;
            b.append((goMode & (4L << shift)) != 0 ? 'r' : '-');
            b.append((goMode & (2L << shift)) != 0 ? 'w' : '-');
            boolean x = (goMode & (1L << shift)) != 0;
            if ((goMode & SPECIAL[who]) != 0) {
                char c = who == 2 ? 't' : 's';
                b.append(x ? c : Character.toUpperCase(c));
            } else {
                b.append(x ? 'x' : '-');
            }
        }
        return b.toString();
    }
}
