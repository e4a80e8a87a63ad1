package io.p2pkit.node.rpc;

/** Go's {@code strings} functions where Kubo's answers depend on their exact rules. */
final class GoStrings {
    private GoStrings() {
    }

    /**
     * Go's {@code strings.TrimSpace}: without the leading and trailing characters Go's
     * {@code unicode.IsSpace} calls space (the ASCII ones, U+0085, U+00A0 and Unicode's space
     * separators; not the controls U+001C to U+001F that Java's {@code isWhitespace} takes).
     */
    static String trimSpace(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isSpace(s.codePointAt(start))) {
            start += Character.charCount(s.codePointAt(start));
        }
        while (end > start && isSpace(s.codePointBefore(end))) {
            end -= Character.charCount(s.codePointBefore(end));
        }
        return s.substring(start, end);
    }

    /** Go's {@code unicode.IsSpace}. */
    static boolean isSpace(int cp) {
        return switch (cp) {
            case '\t', '\n', 0x0b, '\f', '\r', ' ', 0x85, 0xa0 -> true;
            default -> cp > 0xff && Character.isSpaceChar(cp);
        };
    }
}
