package io.p2pkit.kad.record;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/** Keys of the form {@code /<namespace>/<rest>}, as the DHT's value records use. */
public final class NamespacedKey {
    private NamespacedKey() {
    }

    /** {@code prefix} (like {@code /pk/}) followed by {@code rest}. */
    public static byte[] of(String prefix, byte[] rest) {
        byte[] p = prefix.getBytes(StandardCharsets.US_ASCII);
        byte[] out = Arrays.copyOf(p, p.length + rest.length);
        System.arraycopy(rest, 0, out, p.length, rest.length);
        return out;
    }

    /** The namespace of {@code key} ({@code pk} for {@code /pk/…}), if it has one. */
    public static Optional<String> namespace(byte[] key) {
        if (key.length < 3 || key[0] != '/') {
            return Optional.empty();
        }
        for (int i = 1; i < key.length && i <= 64; i++) {
            if (key[i] == '/') {
                return i == 1 ? Optional.empty() : Optional.of(new String(key, 1, i - 1, StandardCharsets.UTF_8));
            }
        }
        return Optional.empty();
    }

    /** What follows {@code /<namespace>/}. */
    public static byte[] rest(byte[] key) {
        Optional<String> ns = namespace(key);
        if (ns.isEmpty()) {
            throw new InvalidRecordException("key", "the key has no /namespace/ prefix");
        }
        int skip = ns.get().getBytes(StandardCharsets.UTF_8).length + 2;
        return Arrays.copyOfRange(key, skip, key.length);
    }
}
