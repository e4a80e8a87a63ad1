package io.p2pkit.ipfs.blockstore;

import io.p2pkit.core.DecodeException;

/**
 * A flatfs sharding function, as its {@code SHARDING} file names it:
 * {@code /repo/flatfs/shard/v1/<function>/<n>}. Kubo creates {@code next-to-last/2}; the other
 * two functions go-ds-flatfs knows are read too. Names shorter than the function needs are
 * padded with {@code _}, as go-ds-flatfs does.
 *
 * @param function which characters of the name pick the directory
 * @param length   how many
 */
record Sharding(Function function, int length) {
    static final String FILE = "SHARDING";
    static final String PREFIX = "/repo/flatfs/shard/";
    static final int MAX_LENGTH = 16;
    /** The longest SHARDING text accepted. */
    static final int MAX_TEXT = 256;
    static final Sharding KUBO_DEFAULT = new Sharding(Function.NEXT_TO_LAST, 2);

    /** The sharding functions of go-ds-flatfs. */
    enum Function {
        PREFIX("prefix"), SUFFIX("suffix"), NEXT_TO_LAST("next-to-last");

        final String id;

        Function(String id) {
            this.id = id;
        }
    }

    Sharding {
        if (length < 1 || length > MAX_LENGTH) {
            throw new IllegalArgumentException("shard length " + length + " not in 1.." + MAX_LENGTH);
        }
    }

    /**
     * Parses the SHARDING file's text (surrounding white space ignored).
     *
     * @throws DecodeException (field {@code "SHARDING"}) when it is not a v1 shard identifier
     */
    static Sharding parse(String text) {
        if (text.length() > MAX_TEXT) {
            throw new DecodeException(FILE, "over " + MAX_TEXT + " characters");
        }
        String s = text.strip();
        if (!s.startsWith(PREFIX)) {
            throw new DecodeException(FILE, "'" + s + "' does not start with " + PREFIX);
        }
        String[] parts = s.substring(PREFIX.length()).split("/", -1);
        if (parts.length != 3) {
            throw new DecodeException(FILE, "'" + s + "' is not " + PREFIX + "v1/<function>/<length>");
        }
        if (!parts[0].equals("v1")) {
            throw new DecodeException(FILE, "version '" + parts[0] + "', only v1 is known");
        }
        Function function = null;
        for (Function f : Function.values()) {
            if (f.id.equals(parts[1])) {
                function = f;
            }
        }
        if (function == null) {
            throw new DecodeException(FILE, "function '" + parts[1] + "', expected prefix, suffix or next-to-last");
        }
        String n = parts[2];
        if (n.isEmpty() || n.length() > 2 || !n.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new DecodeException(FILE, "length '" + n + "' is not a number from 1 to " + MAX_LENGTH);
        }
        int length = Integer.parseInt(n);
        if (length < 1 || length > MAX_LENGTH) {
            throw new DecodeException(FILE, "length " + length + " not in 1.." + MAX_LENGTH);
        }
        return new Sharding(function, length);
    }

    /** The directory name for a block's key (its file name without {@code .data}). */
    String directoryOf(String key) {
        return switch (function) {
            case PREFIX -> (key + "_".repeat(length)).substring(0, length);
            case SUFFIX -> {
                String padded = "_".repeat(length) + key;
                yield padded.substring(padded.length() - length);
            }
            case NEXT_TO_LAST -> {
                String padded = "_".repeat(length + 1) + key;
                int from = padded.length() - length - 1;
                yield padded.substring(from, from + length);
            }
        };
    }

    /** The SHARDING file's text, without the newline the file ends with. */
    @Override
    public String toString() {
        return PREFIX + "v1/" + function.id + "/" + length;
    }
}
