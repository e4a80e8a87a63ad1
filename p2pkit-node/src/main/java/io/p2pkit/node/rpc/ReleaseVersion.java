package io.p2pkit.node.rpc;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A version number as hashicorp's go-version reads it, which Kubo's {@code version check} uses:
 * {@code v?N(.N)*}, then a pre-release ({@code -rc1}, {@code -SNAPSHOT}) and metadata
 * ({@code +abc}). Only the first three numbers (the core, missing ones 0) are compared.
 *
 * @param major      the first number
 * @param minor      the second
 * @param patch      the third
 * @param preRelease what follows the numbers ({@code rc1}), empty for none
 * @param metadata   what follows {@code +}, empty for none
 */
record ReleaseVersion(long major, long minor, long patch, String preRelease, String metadata)
        implements Comparable<ReleaseVersion> {
    /** go-version's pattern, anchored as its NewVersion anchors it. */
    private static final Pattern VERSION = Pattern.compile("v?([0-9]+(\\.[0-9]+)*?)"
            + "(-([0-9]+[0-9A-Za-z\\-~]*(\\.[0-9A-Za-z\\-~]+)*)|(-?([A-Za-z\\-~]+[0-9A-Za-z\\-~]*(\\.[0-9A-Za-z\\-~]+)*)))?"
            + "(\\+([0-9A-Za-z\\-~]+(\\.[0-9A-Za-z\\-~]+)*))?");

    /** The version in {@code text}, or empty when go-version would refuse it. */
    static Optional<ReleaseVersion> parse(String text) {
        Matcher m = VERSION.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        String[] numbers = m.group(1).split("\\.");
        long[] core = new long[3];
        try {
            for (int i = 0; i < Math.min(3, numbers.length); i++) {
                core[i] = Long.parseLong(numbers[i]);
            }
        } catch (NumberFormatException e) {
            return Optional.empty(); // beyond int64, which go-version refuses too
        }
        String pre = m.group(4) != null ? m.group(4) : m.group(7) != null ? m.group(7) : "";
        String meta = m.group(10) != null ? m.group(10) : "";
        return Optional.of(new ReleaseVersion(core[0], core[1], core[2], pre, meta));
    }

    /** A release: neither a pre-release nor a build with metadata (Kubo samples only those). */
    boolean release() {
        return preRelease.isEmpty() && metadata.isEmpty();
    }

    /** {@code MAJOR.MINOR.PATCH} alone. */
    ReleaseVersion core() {
        return new ReleaseVersion(major, minor, patch, "", "");
    }

    /** Compares the cores. */
    @Override
    public int compareTo(ReleaseVersion o) {
        int c = Long.compare(major, o.major);
        if (c == 0) {
            c = Long.compare(minor, o.minor);
        }
        return c != 0 ? c : Long.compare(patch, o.patch);
    }

    /** {@code 0.39.0}, and the pre-release and metadata when there are some. */
    @Override
    public String toString() {
        return major + "." + minor + "." + patch + (preRelease.isEmpty() ? "" : "-" + preRelease)
                + (metadata.isEmpty() ? "" : "+" + metadata);
    }
}
