package io.p2pkit.ipfs.unixfs.chunker;

import java.io.InputStream;

/**
 * A chunking strategy named as Kubo's {@code --chunker} names it: {@code size-N} (fixed-size
 * chunks of N bytes), {@code rabin} (Rabin fingerprints, average 256 KiB, min avg/3, max avg×1.5),
 * {@code rabin-AVG}, {@code rabin-MIN-AVG-MAX} (labels {@code min:}, {@code avg:}, {@code max:}
 * allowed), or {@code buzhash}. Immutable.
 *
 * @param kind the algorithm
 * @param min  the smallest chunk (rabin, buzhash), or the size (fixed)
 * @param avg  the average chunk (rabin), else the size or the buzhash average
 * @param max  the largest chunk
 */
public record ChunkerSpec(Kind kind, int min, int avg, int max) {
    /** The largest chunk any strategy may make (1 MiB, Kubo's limit). */
    public static final int MAX_CHUNK = 1024 * 1024;
    /** Kubo's default: {@code size-262144}. */
    public static final ChunkerSpec DEFAULT = fixed(256 * 1024);

    /** The chunking algorithms. */
    public enum Kind {
        /** Fixed-size chunks. */
        FIXED,
        /** Rabin fingerprints. */
        RABIN,
        /** Buzhash (128 KiB to 512 KiB chunks). */
        BUZHASH
    }

    /** @throws IllegalArgumentException when the sizes are out of range or out of order */
    public ChunkerSpec {
        switch (kind) {
            case FIXED -> {
                if (min <= 0 || min > MAX_CHUNK || avg != min || max != min) {
                    throw new IllegalArgumentException("a fixed chunk size must be between 1 and " + MAX_CHUNK + ": " + min);
                }
            }
            case RABIN -> {
                if (min < 16) {
                    throw new IllegalArgumentException("rabin min must be at least 16: " + min);
                }
                if (min >= avg || avg >= max) {
                    throw new IllegalArgumentException("rabin needs min < avg < max: " + min + ", " + avg + ", " + max);
                }
                if (max > MAX_CHUNK) {
                    throw new IllegalArgumentException("rabin max may not exceed " + MAX_CHUNK + ": " + max);
                }
            }
            case BUZHASH -> {
                if (min != BuzhashChunker.MIN || max != BuzhashChunker.MAX) {
                    throw new IllegalArgumentException("buzhash has fixed sizes");
                }
            }
        }
    }

    /** @return fixed-size chunks of {@code size} bytes */
    public static ChunkerSpec fixed(int size) {
        return new ChunkerSpec(Kind.FIXED, size, size, size);
    }

    /** @return Rabin chunks with an average of {@code avg} bytes, min avg/3, max avg + avg/2 (Kubo's {@code rabin-AVG}) */
    public static ChunkerSpec rabin(int avg) {
        return new ChunkerSpec(Kind.RABIN, avg / 3, avg, avg + avg / 2);
    }

    /** @return Rabin chunks between {@code min} and {@code max} bytes averaging {@code avg} */
    public static ChunkerSpec rabin(int min, int avg, int max) {
        return new ChunkerSpec(Kind.RABIN, min, avg, max);
    }

    /** @return Kubo's buzhash chunks */
    public static ChunkerSpec buzhash() {
        return new ChunkerSpec(Kind.BUZHASH, BuzhashChunker.MIN, 1 << 17, BuzhashChunker.MAX);
    }

    /**
     * Parses Kubo's {@code --chunker} syntax.
     *
     * @param text {@code size-N}, {@code rabin}, {@code rabin-AVG}, {@code rabin-MIN-AVG-MAX}, {@code buzhash},
     *             or {@code default} / empty for {@link #DEFAULT}
     * @return the strategy
     * @throws IllegalArgumentException naming what is wrong
     */
    public static ChunkerSpec parse(String text) {
        if (text == null || text.isEmpty() || text.equals("default")) {
            return DEFAULT;
        }
        if (text.startsWith("size-")) {
            String[] parts = text.split("-", -1);
            if (parts.length != 2) {
                throw new IllegalArgumentException("chunker " + text + ": expected size-N");
            }
            return fixed(number(text, parts[1], null));
        }
        if (text.equals("buzhash")) {
            return buzhash();
        }
        if (text.startsWith("rabin")) {
            String[] parts = text.split("-", -1);
            if (!parts[0].equals("rabin")) {
                throw new IllegalArgumentException("unrecognized chunker " + text);
            }
            return switch (parts.length) {
                case 1 -> rabin(256 * 1024);
                case 2 -> {
                    int avg = number(text, parts[1], null);
                    if ((long) avg * 3 / 2 > MAX_CHUNK) {
                        throw new IllegalArgumentException("chunker " + text + ": rabin max may not exceed " + MAX_CHUNK);
                    }
                    yield rabin(avg);
                }
                case 4 -> rabin(number(text, parts[1], "min"), number(text, parts[2], "avg"), number(text, parts[3], "max"));
                default -> throw new IllegalArgumentException("chunker " + text + ": expected rabin, rabin-AVG or rabin-MIN-AVG-MAX");
            };
        }
        throw new IllegalArgumentException("unrecognized chunker " + text + " (expected size-N, rabin[-MIN-AVG-MAX] or buzhash)");
    }

    private static int number(String text, String part, String label) {
        String digits = part;
        int colon = part.indexOf(':');
        if (colon >= 0) {
            if (label == null || !part.substring(0, colon).equals(label)) {
                throw new IllegalArgumentException("chunker " + text + ": bad label in " + part);
            }
            digits = part.substring(colon + 1);
        }
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("chunker " + text + ": " + digits + " is not a number");
        }
    }

    /**
     * @param in the data to chunk (read as chunks are asked for; not closed)
     * @return a chunker over it
     */
    public Chunker open(InputStream in) {
        return open(in, -1);
    }

    /**
     * @param in       the data to chunk (read as chunks are asked for; not closed)
     * @param expected how many bytes it is expected to hold (a file's size when it was listed), or
     *                 -1 when not known: only a hint for sizing the chunks' arrays, which follow
     *                 what the stream holds
     * @return a chunker over it
     */
    public Chunker open(InputStream in, long expected) {
        return switch (kind) {
            case FIXED -> new FixedSizeChunker(in, min, expected);
            case RABIN -> new RabinChunker(in, min, avg, max);
            case BUZHASH -> new BuzhashChunker(in);
        };
    }

    /** @return Kubo's name for this strategy, which {@link #parse} reads back */
    @Override
    public String toString() {
        return switch (kind) {
            case FIXED -> "size-" + min;
            case RABIN -> "rabin-" + min + "-" + avg + "-" + max;
            case BUZHASH -> "buzhash";
        };
    }
}
