package io.p2pkit.core.version;

import java.util.List;
import java.util.Objects;

/**
 * A semantic version ({@code major.minor.patch}, optionally {@code -pre.release}) as semver 2.0.0
 * writes it, parsed strictly and ordered by semver precedence.
 *
 * <p>Strict means: three numeric parts, no leading zeros, no leading {@code v}, no surrounding
 * spaces, at most {@link #MAX_LENGTH} characters; pre-release identifiers are non-empty, of
 * {@code [0-9A-Za-z-]}, and numeric ones have no leading zeros. Build metadata ({@code +build}) is
 * refused: it takes no part in precedence, so it would give two protocol IDs to one version.
 *
 * <pre>{@code
 * SemanticVersion v = SemanticVersion.parse("1.4.2");
 * v.compareTo(SemanticVersion.parse("1.10.0")) < 0;         // numeric, not textual
 * SemanticVersion.parse("2.0.0-rc.1").isPreRelease();       // true, and it sorts before 2.0.0
 * }</pre>
 *
 * @param major      incompatible changes
 * @param minor      compatible additions
 * @param patch      fixes that change nothing on the wire
 * @param preRelease the pre-release identifiers joined by dots, empty for a release
 */
public record SemanticVersion(int major, int minor, int patch, String preRelease)
        implements Comparable<SemanticVersion> {
    /** Longer text is refused before parsing (protocol IDs come from the network). */
    public static final int MAX_LENGTH = 128;

    /** Checks the parts; use {@link #parse} or {@link #of} rather than this. */
    public SemanticVersion {
        if (major < 0 || minor < 0 || patch < 0) {
            throw new IllegalArgumentException("negative version part in " + major + "." + minor + "." + patch);
        }
        Objects.requireNonNull(preRelease, "preRelease");
        if (!preRelease.isEmpty()) {
            for (String id : preRelease.split("\\.", -1)) {
                checkPreReleaseIdentifier(id, preRelease);
            }
        }
    }

    /** The release {@code major.minor.patch}. */
    public static SemanticVersion of(int major, int minor, int patch) {
        return new SemanticVersion(major, minor, patch, "");
    }

    /**
     * Parses {@code 1.4.2} or {@code 1.4.2-beta.1}.
     *
     * @throws IllegalArgumentException saying what is wrong, for anything else
     */
    public static SemanticVersion parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("version longer than " + MAX_LENGTH + " characters");
        }
        if (text.indexOf('+') >= 0) {
            throw new IllegalArgumentException("build metadata (+...) is not allowed in a version: " + quote(text));
        }
        int dash = text.indexOf('-');
        String core = dash < 0 ? text : text.substring(0, dash);
        String pre = dash < 0 ? "" : text.substring(dash + 1);
        if (dash >= 0 && pre.isEmpty()) {
            throw new IllegalArgumentException("empty pre-release after '-' in " + quote(text));
        }
        String[] parts = core.split("\\.", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("a version is major.minor.patch, not " + quote(text));
        }
        int major = number(parts[0], "major", text);
        int minor = number(parts[1], "minor", text);
        int patch = number(parts[2], "patch", text);
        return new SemanticVersion(major, minor, patch, pre);
    }

    /** Whether this is a pre-release ({@code 1.0.0-rc.1}): unstable, compatible only with itself. */
    public boolean isPreRelease() {
        return !preRelease.isEmpty();
    }

    /** Semver precedence: numeric parts, then a pre-release before its release, then the identifiers. */
    @Override
    public int compareTo(SemanticVersion o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) {
            c = Integer.compare(minor, o.minor);
        }
        if (c == 0) {
            c = Integer.compare(patch, o.patch);
        }
        if (c != 0 || preRelease.equals(o.preRelease)) {
            return c;
        }
        if (preRelease.isEmpty() || o.preRelease.isEmpty()) {
            return preRelease.isEmpty() ? 1 : -1;
        }
        List<String> a = List.of(preRelease.split("\\."));
        List<String> b = List.of(o.preRelease.split("\\."));
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            c = compareIdentifiers(a.get(i), b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    /** {@code 1.4.2} or {@code 1.4.2-beta.1}, the form {@link #parse} reads. */
    @Override
    public String toString() {
        String release = major + "." + minor + "." + patch;
        return preRelease.isEmpty() ? release : release + "-" + preRelease;
    }

    /** Numeric identifiers sort numerically (no leading zeros, so by length first) and before alphanumeric ones. */
    private static int compareIdentifiers(String x, String y) {
        boolean xn = isDigits(x);
        boolean yn = isDigits(y);
        if (xn && yn) {
            int c = Integer.compare(x.length(), y.length());
            return c != 0 ? c : x.compareTo(y);
        }
        if (xn != yn) {
            return xn ? -1 : 1;
        }
        return x.compareTo(y);
    }

    private static int number(String part, String name, String text) {
        if (part.isEmpty() || !isDigits(part)) {
            throw new IllegalArgumentException("the " + name + " part of " + quote(text) + " is not a number");
        }
        if (part.length() > 1 && part.charAt(0) == '0') {
            throw new IllegalArgumentException("the " + name + " part of " + quote(text) + " has a leading zero");
        }
        try {
            return Integer.parseInt(part);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the " + name + " part of " + quote(text) + " is too large", e);
        }
    }

    private static void checkPreReleaseIdentifier(String id, String pre) {
        if (id.isEmpty()) {
            throw new IllegalArgumentException("empty pre-release identifier in " + quote(pre));
        }
        for (int i = 0; i < id.length(); i++) {
            char ch = id.charAt(i);
            boolean ok = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '-';
            if (!ok) {
                throw new IllegalArgumentException("pre-release identifiers are [0-9A-Za-z-], not " + quote(pre));
            }
        }
        if (id.length() > 1 && id.charAt(0) == '0' && isDigits(id)) {
            throw new IllegalArgumentException("numeric pre-release identifier with a leading zero in " + quote(pre));
        }
    }

    private static boolean isDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch < '0' || ch > '9') {
                return false;
            }
        }
        return !s.isEmpty();
    }

    /** Quotes untrusted text for an error message, control characters escaped. */
    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        s.codePoints().forEach(cp -> {
            if (cp < 0x20 || cp == 0x7f) {
                b.append(String.format("\\u%04x", cp));
            } else {
                b.appendCodePoint(cp);
            }
        });
        return b.append('"').toString();
    }
}
