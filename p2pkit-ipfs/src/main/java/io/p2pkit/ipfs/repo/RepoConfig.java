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

    /**
     * Reads a size as the storage keys take it, for other parts' keys of the same kind.
     *
     * @param key  the key, named in the error
     * @param text digits and an optional unit: B, KB, MB, GB, TB (powers of 1000), KiB, MiB, GiB, TiB (of 1024)
     * @return the bytes
     * @throws RepoConfigException naming the key when the text is not a size
     */
    public static long size(String key, String text) {
        return ConfigValues.size(key, text.strip());
    }

    /** @return the defaults listed above */
    public static RepoConfig defaults() {
        return new RepoConfig(FlatfsBlockstore.Options.defaults(), TierPolicy.defaults(), Duration.ofMinutes(1),
                Pinner.DEFAULT_MAX_DAG_BLOCKS, Map.of());
    }

    private static boolean owned(String key) {
        for (String prefix : OWNED_PREFIXES) {
            if (key.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    // The storage keys, in the file's order. Written with a switch and plain loops rather than a
    // table of lambdas: every repository command reads this class in a fresh JVM, where each
    // lambda is a class spun at run time (32 of them cost about 10 ms).
    private static final List<String> KEYS = List.of("blockstore.syncWrites", "blockstore.hashOnRead",
            "blockstore.allowBigBlocks", "blockstore.storageMax", "blockstore.memory.maxBytes",
            "blockstore.memory.maxBlocks", "heat.halfLife", "heat.promoteAt", "heat.demoteBelow", "heat.writeDownAt",
            "heat.maxEntries", "heat.maintainInterval", "heat.flushInterval", "remote.timeout", "pins.maxDagBlocks");

    /** A storage key's text in this config. */
    private String format(String key) {
        return switch (key) {
            case "blockstore.syncWrites" -> Boolean.toString(disk.syncWrites());
            case "blockstore.hashOnRead" -> Boolean.toString(disk.verifyOnRead());
            case "blockstore.allowBigBlocks" -> Boolean.toString(disk.allowBigBlocks());
            case "blockstore.storageMax" -> ConfigValues.formatSize(tiers.diskQuotaBytes());
            case "blockstore.memory.maxBytes" -> ConfigValues.formatSize(tiers.memoryMaxBytes());
            case "blockstore.memory.maxBlocks" -> Integer.toString(tiers.memoryMaxBlocks());
            case "heat.halfLife" -> ConfigValues.formatDuration(tiers.halfLife());
            case "heat.promoteAt" -> ConfigValues.formatDecimal(tiers.promoteAt());
            case "heat.demoteBelow" -> ConfigValues.formatDecimal(tiers.demoteBelow());
            case "heat.writeDownAt" -> ConfigValues.formatDecimal(tiers.writeDownAt());
            case "heat.maxEntries" -> Integer.toString(tiers.maxHeatEntries());
            case "heat.maintainInterval" -> ConfigValues.formatDuration(tiers.maintainInterval());
            case "heat.flushInterval" -> ConfigValues.formatDuration(tiers.heatFlushInterval());
            case "remote.timeout" -> ConfigValues.formatDuration(remoteTimeout);
            case "pins.maxDagBlocks" -> Integer.toString(maxDagBlocks);
            default -> throw new IllegalArgumentException("not a storage key: " + key);
        };
    }

    private static RepoConfigException unknownKey(String key) {
        return new RepoConfigException(key, "not a known key (the storage keys are " + KEYS + ")");
    }

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
            } else if (!KEYS.contains(e.getKey())) {
                throw unknownKey(e.getKey());
            }
        }
        FlatfsBlockstore.Options disk = new FlatfsBlockstore.Options(
                bool(values, "blockstore.syncWrites", d.disk.syncWrites()),
                bool(values, "blockstore.hashOnRead", d.disk.verifyOnRead()),
                bool(values, "blockstore.allowBigBlocks", d.disk.allowBigBlocks()));
        TierPolicy t = d.tiers;
        TierPolicy tiers;
        try {
            tiers = new TierPolicy(
                    size(values, "blockstore.memory.maxBytes", t.memoryMaxBytes()),
                    positiveInt(values, "blockstore.memory.maxBlocks", t.memoryMaxBlocks()),
                    size(values, "blockstore.storageMax", t.diskQuotaBytes()),
                    duration(values, "heat.halfLife", t.halfLife()),
                    decimal(values, "heat.promoteAt", t.promoteAt()),
                    decimal(values, "heat.demoteBelow", t.demoteBelow()),
                    decimal(values, "heat.writeDownAt", t.writeDownAt()),
                    positiveInt(values, "heat.maxEntries", t.maxHeatEntries()),
                    duration(values, "heat.maintainInterval", t.maintainInterval()),
                    duration(values, "heat.flushInterval", t.heatFlushInterval()));
        } catch (IllegalArgumentException e) {
            if (e instanceof RepoConfigException rce) {
                throw rce;
            }
            throw new RepoConfigException("blockstore/heat", e.getMessage(), e);
        }
        Duration remoteTimeout = duration(values, "remote.timeout", d.remoteTimeout);
        if (remoteTimeout.isZero()) {
            throw new RepoConfigException("remote.timeout", "must be positive");
        }
        int maxDagBlocks = positiveInt(values, "pins.maxDagBlocks", d.maxDagBlocks);
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
        return KEYS.contains(key) ? java.util.Optional.of(format(key)) : java.util.Optional.ofNullable(other.get(key));
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
        for (String k : KEYS) {
            values.put(k, format(k));
        }
        if (value == null) {
            values.remove(key);
        } else {
            values.put(key, value);
        }
        if (owned(key) && !KEYS.contains(key)) {
            throw unknownKey(key);
        }
        return of(values);
    }

    // One reader per kind of value (methods, not lambdas: see KEYS); a missing key takes the fallback.
    private static boolean bool(Map<String, String> values, String key, boolean fallback) {
        return values.containsKey(key) ? ConfigValues.bool(key, text(values, key)) : fallback;
    }

    private static long size(Map<String, String> values, String key, long fallback) {
        return values.containsKey(key) ? ConfigValues.size(key, text(values, key)) : fallback;
    }

    private static int positiveInt(Map<String, String> values, String key, int fallback) {
        return values.containsKey(key) ? ConfigValues.positiveInt(key, text(values, key)) : fallback;
    }

    private static Duration duration(Map<String, String> values, String key, Duration fallback) {
        return values.containsKey(key) ? ConfigValues.duration(key, text(values, key)) : fallback;
    }

    private static double decimal(Map<String, String> values, String key, double fallback) {
        return values.containsKey(key) ? ConfigValues.decimal(key, text(values, key)) : fallback;
    }

    private static String text(Map<String, String> values, String key) {
        return values.get(key).strip();
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
        for (String k : KEYS) {
            out.append(k).append(" = ").append(format(k)).append('\n');
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
