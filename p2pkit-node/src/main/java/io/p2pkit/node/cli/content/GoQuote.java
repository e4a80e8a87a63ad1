package io.p2pkit.node.cli.content;

/**
 * Kubo's {@code EscNonPrint}: a name holding a backslash or a character Go does not print is
 * written as a Go string literal without its quotes ({@code strconv.Quote}), so that a name
 * cannot break a line of output.
 */
public final class GoQuote {
    private GoQuote() {
    }

    /** @return the name as Kubo prints it in {@code ls} and {@code add} */
    public static String escNonPrint(String s) {
        if (s.indexOf('\\') < 0 && s.codePoints().allMatch(GoQuote::printable)) {
            return s;
        }
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(c -> escape(b, c, '"'));
        return b.toString();
    }

    /** @return Go's {@code strconv.Quote} (what {@code %q} prints for a string): quoted, escaped */
    public static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        s.codePoints().forEach(c -> escape(b, c, '"'));
        return b.append('"').toString();
    }

    /**
     * @return Go's {@code %q} of an integer: a quoted character literal ({@code '\x00'}), with
     * values that are no code point written as U+FFFD, as Go writes them
     */
    public static String quoteRune(long value) {
        int c = value < 0 || value > Character.MAX_CODE_POINT || (value >= 0xD800 && value <= 0xDFFF) ? 0xFFFD : (int) value;
        StringBuilder b = new StringBuilder("'");
        escape(b, c, '\'');
        return b.append('\'').toString();
    }

    private static void escape(StringBuilder b, int c, char quote) {
        switch (c) {
            case 0x07 -> b.append("\\a");
            case '\b' -> b.append("\\b");
            case '\f' -> b.append("\\f");
            case '\n' -> b.append("\\n");
            case '\r' -> b.append("\\r");
            case '\t' -> b.append("\\t");
            case 0x0b -> b.append("\\v");
            case '\\' -> b.append("\\\\");
            default -> {
                if (c == quote) {
                    b.append('\\').append(quote);
                } else if (printable(c)) {
                    b.appendCodePoint(c);
                } else if (c < 0x80) {
                    b.append(String.format("\\x%02x", c));
                } else if (c < 0x10000) {
                    b.append(String.format("\\u%04x", c));
                } else {
                    b.append(String.format("\\U%08x", c));
                }
            }
        }
    }

    /** Go's strconv.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
    static boolean printable(int c) {
        if (c == ' ') {
            return true;
        }
        return switch (Character.getType(c)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                 Character.MODIFIER_LETTER, Character.OTHER_LETTER, Character.NON_SPACING_MARK,
                 Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK, Character.DECIMAL_DIGIT_NUMBER,
                 Character.LETTER_NUMBER, Character.OTHER_NUMBER, Character.CONNECTOR_PUNCTUATION,
                 Character.DASH_PUNCTUATION, Character.START_PUNCTUATION, Character.END_PUNCTUATION,
                 Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                 Character.OTHER_PUNCTUATION, Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL,
                 Character.MODIFIER_SYMBOL, Character.OTHER_SYMBOL -> true;
            default -> false;
        };
    }
}
