package io.p2pkit.node.rpc;

/**
 * {@code files chmod}'s mode as Kubo reads it: Go's {@code strconv.ParseInt(s, 8, 32)}, with its
 * error texts, then boxo's {@code ModePermsToUnixPerms} of the value taken as an {@code os.FileMode}.
 */
final class GoOctal {
    private GoOctal() {
    }

    /**
     * @param s the text, an optional sign and octal digits
     * @return its value
     * @throws RpcError Go's {@code invalid syntax} or {@code value out of range}
     */
    static int parseInt32(String s) {
        int at = 0;
        boolean negative = false;
        if (!s.isEmpty() && (s.charAt(0) == '+' || s.charAt(0) == '-')) {
            negative = s.charAt(0) == '-';
            at = 1;
        }
        if (at == s.length()) {
            throw error(s, "invalid syntax");
        }
        long n = 0;
        for (; at < s.length(); at++) {
            char c = s.charAt(at);
            if (c < '0' || c > '7') {
                throw error(s, "invalid syntax");
            }
            n = n * 8 + (c - '0');
            if (n > 0xFFFFFFFFL) {
                throw error(s, "value out of range"); // Go's ParseUint stops at the first digit that overflows 32 bits
            }
        }
        if (negative ? n > 1L << 31 : n >= 1L << 31) {
            throw error(s, "value out of range");
        }
        return (int) (negative ? -n : n);
    }

    /**
     * @param fileMode a Go {@code os.FileMode}'s bits
     * @return the Unix permission bits: the lower nine, and setuid, setgid and sticky from Go's flags
     */
    static int unixPermissions(int fileMode) {
        return ((fileMode & 0xC00000) >>> 12) | ((fileMode & 0x100000) >>> 11) | (fileMode & 0x1FF);
    }

    private static RpcError error(String s, String what) {
        StringBuilder q = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                q.append('\\');
            }
            q.append(c);
        }
        return RpcError.failed("strconv.ParseInt: parsing " + q.append('"') + ": " + what);
    }
}
