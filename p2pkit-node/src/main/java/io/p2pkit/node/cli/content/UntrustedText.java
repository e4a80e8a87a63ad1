package io.p2pkit.node.cli.content;

/**
 * Text that came from elsewhere (a peer's agent version, a configured suffix) made safe to show,
 * as Kubo's {@code CleanAndTrim}: control, format and surrogate characters become U+FFFD (replaced
 * rather than deleted, which could join what they separated), then it is trimmed and cut to 128
 * code points.
 */
public final class UntrustedText {
    /** Kubo's limit, in code points. */
    public static final int MAX_CODE_POINTS = 128;

    private UntrustedText() {
    }

    /** {@code s} made safe to show. */
    public static String cleanAndTrim(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            int type = Character.getType(c);
            b.appendCodePoint(type == Character.CONTROL || type == Character.FORMAT || type == Character.SURROGATE
                    ? 0xFFFD : c);
        });
        String trimmed = b.toString().strip();
        return trimmed.codePointCount(0, trimmed.length()) <= MAX_CODE_POINTS ? trimmed
                : trimmed.substring(0, trimmed.offsetByCodePoints(0, MAX_CODE_POINTS));
    }
}
