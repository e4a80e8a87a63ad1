package io.p2pkit.ipfs.repo;

import io.p2pkit.ipfs.blockstore.FlatfsBlockstore;
import io.p2pkit.ipfs.blockstore.TierPolicy;
import io.p2pkit.ipfs.pin.Pinner;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A repository's {@code config} file: Java properties text (UTF-8), one {@code key = value} a
 * line, {@code #} comments. The storage keys and their defaults:
 *
 * <pre>
 * blockstore.syncWrites        = true     fsync every block file and its directory
 * blockstore.hashOnRead        = true     re-hash every block read from disk (Kubo's HashOnRead)
 * blockstore.allowBigBlocks    = false    accept blocks over 2 MiB
 * blockstore.storageMax        = 10GB     disk quota for unpinned blocks from the network (Kubo's StorageMax)
 * blockstore.memory.maxBytes   = 64MiB    memory tier bound
 * blockstore.memory.maxBlocks  = 16384    memory tier bound
 * heat.halfLife                = 10m      heat halves in this time
 * heat.promoteAt               = 2        disk reads copy a block this hot into memory
 * heat.demoteBelow             = 0.5      maintenance drops colder blocks from memory
 * heat.writeDownAt             = 2        blocks from the network this hot are written to disk
 * heat.maxEntries              = 100000   most blocks whose heat is tracked
 * heat.maintainInterval        = 1m       how often reads run tier maintenance
 * heat.flushInterval           = 5m       how often heat is saved
 * remote.timeout               = 1m       how long a read waits for the network
 * pins.maxDagBlocks            = 10000000 most blocks one pin or GC walk may visit
 * </pre>
 *
 * <p>Sizes take B, KB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024);
 * durations ms, s, m, h or d. A key under {@code blockstore.}, {@code heat.}, {@code remote.} or
 * {@code pins.} that is not listed above is an error (a typo would otherwise be silently
 * ignored); keys outside those prefixes are kept as they are, in {@link #other()}, for the
 * parts of the node that own them. The file is at most {@link #MAX_BYTES} bytes.
 *
 * @param disk          how the disk tier writes and reads
 * @param tiers         the tiering policy
 * @param remoteTimeout how long a read waits for the network
 * @param maxDagBlocks  bound on one DAG walk
 * @param other         keys this class does not own, sorted
 */
public record RepoConfig(FlatfsBlockstore.Options disk, TierPolicy tiers, Duration remoteTimeout, int maxDagBlocks,
                         Map<String, String> other) {
    /** The largest config file read. */
    public static final int MAX_BYTES = 1 << 20;
    private static final List<String> OWNED_PREFIXES = List.of("blockstore.", "heat.", "remote.", "pins.");

    /** @param other copied, sorted */
    public RepoConfig {
        Objects.requireNonNull(disk, "disk");
        Objects.requireNonNull(tiers, "tiers");
        if (remoteTimeout.isNegative() || remoteTimeout.isZero()) {
            throw new IllegalArgumentException("remote timeout must be positive");
        }
        if (maxDagBlocks < 1) {
            throw new IllegalArgumentException("maxDagBlocks must be positive");
        }
        other = Collections.unmodifiableMap(new TreeMap<>(other));
        for (String key : other.keySet()) {
            if (owned(key)) {
                throw new IllegalArgumentException("'" + key + "' is a storage key, not an other key");
            }
        }
    }

    /** @return the defaults listed above */
    public static RepoConfig defaults() {
        return new RepoConfig(FlatfsBlockstore.Options.defaults(), TierPolicy.defaults(), Duration.ofMinutes(1),
                Pinner.DEFAULT_MAX_DAG_BLOCKS, Map.of());
    }

    private static boolean owned(String key) {
        return OWNED_PREFIXES.stream().anyMatch(key::startsWith);
    }

    /** One storage key: how to read it from a config and how to write it back. */
    private record Key(String name, Function<RepoConfig, String> format) {
    }

    private static final List<Key> KEYS = List.of(
            new Key("blockstore.syncWrites", c -> Boolean.toString(c.disk.syncWrites())),
            new Key("blockstore.hashOnRead", c -> Boolean.toString(c.disk.verifyOnRead())),
            new Key("blockstore.allowBigBlocks", c -> Boolean.toString(c.disk.allowBigBlocks())),
            new Key("blockstore.storageMax", c -> ConfigValues.formatSize(c.tiers.diskQuotaBytes())),
            new Key("blockstore.memory.maxBytes", c -> ConfigValues.formatSize(c.tiers.memoryMaxBytes())),
            new Key("blockstore.memory.maxBlocks", c -> Integer.toString(c.tiers.memoryMaxBlocks())),
            new Key("heat.halfLife", c -> ConfigValues.formatDuration(c.tiers.halfLife())),
            new Key("heat.promoteAt", c -> ConfigValues.formatDecimal(c.tiers.promoteAt())),
            new Key("heat.demoteBelow", c -> ConfigValues.formatDecimal(c.tiers.demoteBelow())),
            new Key("heat.writeDownAt", c -> ConfigValues.formatDecimal(c.tiers.writeDownAt())),
            new Key("heat.maxEntries", c -> Integer.toString(c.tiers.maxHeatEntries())),
            new Key("heat.maintainInterval", c -> ConfigValues.formatDuration(c.tiers.maintainInterval())),
            new Key("heat.flushInterval", c -> ConfigValues.formatDuration(c.tiers.heatFlushInterval())),
            new Key("remote.timeout", c -> ConfigValues.formatDuration(c.remoteTimeout)),
            new Key("pins.maxDagBlocks", c -> Integer.toString(c.maxDagBlocks)));

    /**
     * Reads a config file's bytes. Missing keys take their defaults.
     *
     * @param bytes the file's content
     * @return the config
     * @throws RepoConfigException naming the offending key when the text is not a valid config
     */
    public static RepoConfig parse(byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            throw new RepoConfigException("config", bytes.length + " bytes, over " + MAX_BYTES);
        }
        Properties p = new Properties();
        try {
            String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
            p.load(new StringReader(text));
        } catch (CharacterCodingException e) {
            throw new RepoConfigException("config", "not UTF-8 text", e);
        } catch (IllegalArgumentException | IOException e) {
            throw new RepoConfigException("config", "not properties text: " + e.getMessage(), e);
        }
        Map<String, String> values = new TreeMap<>();
        for (String name : p.stringPropertyNames()) {
            values.put(name, p.getProperty(name));
        }
        return of(values);
    }

    /** The config these key texts describe; missing storage keys take their defaults. */
    private static RepoConfig of(Map<String, String> values) {
        RepoConfig d = defaults();
        Map<String, String> other = new TreeMap<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (!owned(e.getKey())) {
                other.put(e.getKey(), e.getValue());
            } else if (KEYS.stream().noneMatch(k -> k.name.equals(e.getKey()))) {
                throw new RepoConfigException(e.getKey(), "not a known key (the storage keys are "
                        + KEYS.stream().map(Key::name).toList() + ")");
            }
        }
        FlatfsBlockstore.Options disk = new FlatfsBlockstore.Options(
                get(values, "blockstore.syncWrites", d.disk.syncWrites(), ConfigValues::bool),
                get(values, "blockstore.hashOnRead", d.disk.verifyOnRead(), ConfigValues::bool),
                get(values, "blockstore.allowBigBlocks", d.disk.allowBigBlocks(), ConfigValues::bool));
        TierPolicy t = d.tiers;
        TierPolicy tiers;
        try {
            tiers = new TierPolicy(
                    get(values, "blockstore.memory.maxBytes", t.memoryMaxBytes(), ConfigValues::size),
                    get(values, "blockstore.memory.maxBlocks", t.memoryMaxBlocks(), ConfigValues::positiveInt),
                    get(values, "blockstore.storageMax", t.diskQuotaBytes(), ConfigValues::size),
                    get(values, "heat.halfLife", t.halfLife(), ConfigValues::duration),
                    get(values, "heat.promoteAt", t.promoteAt(), ConfigValues::decimal),
                    get(values, "heat.demoteBelow", t.demoteBelow(), ConfigValues::decimal),
                    get(values, "heat.writeDownAt", t.writeDownAt(), ConfigValues::decimal),
                    get(values, "heat.maxEntries", t.maxHeatEntries(), ConfigValues::positiveInt),
                    get(values, "heat.maintainInterval", t.maintainInterval(), ConfigValues::duration),
                    get(values, "heat.flushInterval", t.heatFlushInterval(), ConfigValues::duration));
        } catch (IllegalArgumentException e) {
            if (e instanceof RepoConfigException rce) {
                throw rce;
            }
            throw new RepoConfigException("blockstore/heat", e.getMessage(), e);
        }
        Duration remoteTimeout = get(values, "remote.timeout", d.remoteTimeout, ConfigValues::duration);
        if (remoteTimeout.isZero()) {
            throw new RepoConfigException("remote.timeout", "must be positive");
        }
        int maxDagBlocks = get(values, "pins.maxDagBlocks", d.maxDagBlocks, ConfigValues::positiveInt);
        return new RepoConfig(disk, tiers, remoteTimeout, maxDagBlocks, other);
    }

    /**
     * One key's text as the file holds it: a storage key's value (always there, its default when
     * the file leaves it out) or an other key's.
     *
     * @param key a storage key or an other key
     * @return its text, or empty when an other key is not set
     */
    public java.util.Optional<String> get(String key) {
        for (Key k : KEYS) {
            if (k.name.equals(key)) {
                return java.util.Optional.of(k.format.apply(this));
            }
        }
        return java.util.Optional.ofNullable(other.get(key));
    }

    /**
     * This config with one key changed, checked as {@link #parse} checks the file.
     *
     * @param key   a storage key or an other key
     * @param value its new text; null removes it (a storage key goes back to its default)
     * @return the changed config
     * @throws RepoConfigException naming the key when it is not a storage key it should be, or the value is wrong
     */
    public RepoConfig with(String key, String value) {
        Map<String, String> values = new TreeMap<>(other);
        for (Key k : KEYS) {
            values.put(k.name, k.format.apply(this));
        }
        if (value == null) {
            values.remove(key);
        } else {
            values.put(key, value);
        }
        if (owned(key) && KEYS.stream().noneMatch(k -> k.name.equals(key))) {
            throw new RepoConfigException(key, "not a known key (the storage keys are "
                    + KEYS.stream().map(Key::name).toList() + ")");
        }
        return of(values);
    }

    private interface Reader<T> {
        T read(String key, String text);
    }

    private static <T> T get(Map<String, String> values, String key, T fallback, Reader<T> reader) {
        String text = values.get(key);
        return text == null ? fallback : reader.read(key, text.strip());
    }

    /**
     * Writes the config as properties text: the storage keys (all of them, defaults included),
     * then the other keys, sorted. {@code parse(format())} gives back an equal config.
     *
     * @return the file's bytes (UTF-8)
     */
    public byte[] format() {
        StringBuilder out = new StringBuilder();
        out.append("# p2pkit repository configuration (Java properties, UTF-8); see docs/STORAGE.md\n");
        for (Key k : KEYS) {
            out.append(k.name).append(" = ").append(k.format.apply(this)).append('\n');
        }
        for (Map.Entry<String, String> e : other.entrySet()) {
            out.append(escape(e.getKey(), true)).append(" = ").append(escape(e.getValue(), false)).append('\n');
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Escapes text the way Properties.load reads it back; everything outside printable ASCII is
     * written as a backslash-u escape, which keeps even unpaired surrogates exactly.
     */
    private static String escape(String s, boolean key) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\f' -> b.append("\\f");
                case '=', ':', '#', '!' -> b.append('\\').append(c);
                case ' ' -> b.append(key || i == 0 ? "\\ " : " ");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
