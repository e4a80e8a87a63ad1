package io.p2pkit.core.multiaddr;

/** Shortens and quotes untrusted text for error messages, so that they stay readable and bounded. */
final class Printable {
    private static final int MAX = 80;

    private Printable() {
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), MAX) + 8).append('"');
        int n = Math.min(s.length(), MAX);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        if (s.length() > MAX) {
            b.append("...");
        }
        return b.append('"').toString();
    }
}
