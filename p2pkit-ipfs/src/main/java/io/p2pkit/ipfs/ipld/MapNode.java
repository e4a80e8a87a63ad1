package io.p2pkit.ipfs.ipld;

import java.nio.charset.StandardCharsets;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * A map from string keys to nodes, without duplicate keys.
 *
 * <p>Entries are kept in DAG-CBOR's canonical order: shorter UTF-8 keys first, keys of equal length
 * by their bytes. Two maps with the same entries are therefore equal however they were built, and
 * the DAG-CBOR encoder writes them as they are. (DAG-JSON sorts by bytes alone; its encoder
 * re-sorts.)
 */
public final class MapNode implements Node {
    /** The empty map. */
    public static final MapNode EMPTY = new MapNode(new String[0], new byte[0][], new Node[0]);

    /** DAG-CBOR's key order on UTF-8 bytes: length first, then unsigned bytewise. */
    private static final Comparator<byte[]> CANONICAL = (a, b) ->
            a.length != b.length ? Integer.compare(a.length, b.length) : Arrays.compareUnsigned(a, b);

    private final String[] keys;
    private final byte[][] utf8Keys;
    private final Node[] values;

    private MapNode(String[] keys, byte[][] utf8Keys, Node[] values) {
        this.keys = keys;
        this.utf8Keys = utf8Keys;
        this.values = values;
    }

    /**
     * @param entries the entries, in any order
     * @return a map of them
     * @throws IllegalArgumentException if a key is not valid Unicode text (an unpaired surrogate)
     */
    public static MapNode of(Map<String, ? extends Node> entries) {
        Builder b = builder();
        entries.forEach(b::put);
        return b.build();
    }

    /** @return a map with one entry */
    public static MapNode of(String key, Node value) {
        return builder().put(key, value).build();
    }

    /** @return a map with two entries */
    public static MapNode of(String k1, Node v1, String k2, Node v2) {
        return builder().put(k1, v1).put(k2, v2).build();
    }

    /** @return a builder, for entries added one at a time */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the number of entries */
    public int size() {
        return keys.length;
    }

    /** @return whether there are no entries */
    public boolean isEmpty() {
        return keys.length == 0;
    }

    /**
     * @param key a key
     * @return the value under {@code key}, or empty when there is none
     */
    public Optional<Node> get(String key) {
        int i = indexOf(key);
        return i < 0 ? Optional.empty() : Optional.of(values[i]);
    }

    /** @return whether {@code key} has a value */
    public boolean containsKey(String key) {
        return indexOf(key) >= 0;
    }

    private int indexOf(String key) {
        if (keys.length <= 8) {
            for (int i = 0; i < keys.length; i++) {
                if (keys[i].equals(key)) {
                    return i;
                }
            }
            return -1;
        }
        int i = Arrays.binarySearch(utf8Keys, key.getBytes(StandardCharsets.UTF_8), CANONICAL);
        return i >= 0 ? i : -1;
    }

    /** @return the keys, in canonical order */
    public List<String> keys() {
        return List.of(keys);
    }

    /** @return the key of entry {@code i} in canonical order */
    public String keyAt(int i) {
        return keys[i];
    }

    /** @return the value of entry {@code i} in canonical order */
    public Node valueAt(int i) {
        return values[i];
    }

    /** @return the entries, in canonical order */
    public List<Map.Entry<String, Node>> entries() {
        List<Map.Entry<String, Node>> out = new ArrayList<>(keys.length);
        for (int i = 0; i < keys.length; i++) {
            out.add(new SimpleImmutableEntry<>(keys[i], values[i]));
        }
        return List.copyOf(out);
    }

    /** Calls {@code action} for every entry, in canonical order. */
    public void forEach(BiConsumer<String, Node> action) {
        for (int i = 0; i < keys.length; i++) {
            action.accept(keys[i], values[i]);
        }
    }

    @Override
    public Kind kind() {
        return Kind.MAP;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MapNode other && Arrays.equals(keys, other.keys) && Arrays.equals(values, other.values);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(keys) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < keys.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append('"').append(keys[i]).append("\": ").append(values[i]);
        }
        return sb.append('}').toString();
    }

    /** Collects entries for a {@link MapNode}; refuses a key given twice. Not thread-safe. */
    public static final class Builder {
        private final List<String> keys = new ArrayList<>();
        private final List<Node> values = new ArrayList<>();

        private Builder() {
        }

        /**
         * Adds an entry.
         *
         * @return this builder
         * @throws IllegalArgumentException if the key is not valid Unicode text; a repeated key
         *                                  is refused by {@link #build()}
         */
        public Builder put(String key, Node value) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            int bad = StringNode.firstUnpairedSurrogate(key);
            if (bad >= 0) {
                throw new IllegalArgumentException("map key has an unpaired surrogate at index " + bad);
            }
            keys.add(key);
            values.add(value);
            return this;
        }

        /**
         * @return the map
         * @throws IllegalArgumentException if a key was given twice
         */
        public MapNode build() {
            int n = keys.size();
            if (n == 0) {
                return EMPTY;
            }
            Entry[] entries = new Entry[n];
            for (int i = 0; i < n; i++) {
                entries[i] = new Entry(keys.get(i), keys.get(i).getBytes(StandardCharsets.UTF_8), values.get(i));
            }
            // Decoders hand entries over already sorted, which this sort checks in one pass.
            Arrays.sort(entries, (a, b) -> CANONICAL.compare(a.utf8, b.utf8));
            String[] k = new String[n];
            byte[][] u = new byte[n][];
            Node[] v = new Node[n];
            for (int i = 0; i < n; i++) {
                if (i > 0 && Arrays.equals(entries[i - 1].utf8, entries[i].utf8)) {
                    throw new IllegalArgumentException("duplicate map key \"" + entries[i].key + "\"");
                }
                k[i] = entries[i].key;
                u[i] = entries[i].utf8;
                v[i] = entries[i].value;
            }
            return new MapNode(k, u, v);
        }
    }

    private record Entry(String key, byte[] utf8, Node value) {
    }
}
