package io.p2pkit.ipfs.repo;

import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.blockstore.Blockstore;
import io.p2pkit.ipfs.unixfs.chunker.ChunkerSpec;
import io.p2pkit.ipfs.unixfs.importer.BlockSink;
import io.p2pkit.ipfs.unixfs.importer.ImportOptions;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Kubo's {@code Import.*} settings in a repository's config file: what {@code add}, MFS,
 * {@code block put} and {@code dag put} start from before their own options. The base is the
 * import profile ({@code import.profile}, default {@code unixfs-v0-2015}); each key the file sets
 * goes over it, as each of Kubo's does over its defaults.
 *
 * <p>The checks and their messages are Kubo's ({@code config.ValidateImportConfig}), so that a
 * value Kubo refuses is refused here with the same words.
 */
public final class ImportSettings {
    /** The file key of the profile the keys below go over. */
    public static final String PROFILE = "import.profile";
    /** {@code Import.CidVersion}: 0 or 1. */
    public static final String CID_VERSION = "import.cidVersion";
    /** {@code Import.UnixFSRawLeaves}: true or false (by default, true with CIDv1). */
    public static final String RAW_LEAVES = "import.unixfsRawLeaves";
    /** {@code Import.UnixFSChunker}: size-N, rabin-MIN-AVG-MAX or buzhash. */
    public static final String CHUNKER = "import.unixfsChunker";
    /** {@code Import.HashFunction}: a multihash name. */
    public static final String HASH_FUNCTION = "import.hashFunction";
    /** {@code Import.UnixFSFileMaxLinks}: links per file node, positive. */
    public static final String FILE_MAX_LINKS = "import.unixfsFileMaxLinks";
    /** {@code Import.UnixFSDirectoryMaxLinks}: links of a basic directory before it is sharded, 0 for no limit. */
    public static final String DIRECTORY_MAX_LINKS = "import.unixfsDirectoryMaxLinks";
    /** {@code Import.UnixFSHAMTDirectoryMaxFanout}: a power of two from 8 to 1024. */
    public static final String HAMT_FANOUT = "import.unixfsHamtDirectoryMaxFanout";
    /** {@code Import.UnixFSHAMTDirectorySizeThreshold}: a size ({@code 256KiB}). */
    public static final String HAMT_THRESHOLD = "import.unixfsHamtDirectorySizeThreshold";
    /** {@code Import.UnixFSHAMTDirectorySizeEstimation}: links, block or disabled. */
    public static final String HAMT_ESTIMATION = "import.unixfsHamtDirectorySizeEstimation";
    /** {@code Import.UnixFSDAGLayout}: balanced or trickle. */
    public static final String DAG_LAYOUT = "import.unixfsDagLayout";
    /** {@code Import.BatchMaxNodes}: blocks per write batch of {@code dag import}, positive. */
    public static final String BATCH_MAX_NODES = "import.batchMaxNodes";
    /** {@code Import.BatchMaxSize}: bytes per write batch of {@code dag import}, positive. */
    public static final String BATCH_MAX_SIZE = "import.batchMaxSize";

    /** Kubo's {@code DefaultBatchMaxNodes}. */
    public static final int DEFAULT_BATCH_MAX_NODES = 128;
    /** Kubo's {@code DefaultBatchMaxSize} (100 MiB in its code, though its comment and docs say 20 MiB). */
    public static final long DEFAULT_BATCH_MAX_SIZE = 100L << 20;

    /** The file keys above with Kubo's names, in Kubo's order. */
    public static final Map<String, String> KUBO_NAMES = orderedNames();

    /** The words {@link #HAMT_ESTIMATION} takes. */
    public static final List<String> ESTIMATIONS = List.of("links", "block", "disabled");
    /** The words {@link #DAG_LAYOUT} takes. */
    public static final List<String> LAYOUTS = List.of("balanced", "trickle");

    private ImportSettings() {
    }

    private static Map<String, String> orderedNames() {
        LinkedHashMap<String, String> m = new LinkedHashMap<>();
        m.put(CID_VERSION, "Import.CidVersion");
        m.put(RAW_LEAVES, "Import.UnixFSRawLeaves");
        m.put(CHUNKER, "Import.UnixFSChunker");
        m.put(HASH_FUNCTION, "Import.HashFunction");
        m.put(FILE_MAX_LINKS, "Import.UnixFSFileMaxLinks");
        m.put(DIRECTORY_MAX_LINKS, "Import.UnixFSDirectoryMaxLinks");
        m.put(HAMT_FANOUT, "Import.UnixFSHAMTDirectoryMaxFanout");
        m.put(HAMT_THRESHOLD, "Import.UnixFSHAMTDirectorySizeThreshold");
        m.put(HAMT_ESTIMATION, "Import.UnixFSHAMTDirectorySizeEstimation");
        m.put(DAG_LAYOUT, "Import.UnixFSDAGLayout");
        m.put(BATCH_MAX_NODES, "Import.BatchMaxNodes");
        m.put(BATCH_MAX_SIZE, "Import.BatchMaxSize");
        return Collections.unmodifiableMap(m);
    }

    /**
     * The keys a Kubo import profile sets, with their values as the file keeps them: Kubo's
     * {@code unixfs-v0-2015} (alias {@code legacy-cid-v0}) and {@code unixfs-v1-2025}, Kubo 0.39's
     * {@code test-cid-v1} and {@code test-cid-v1-wide}, and p2pkit's {@code kubo-0.39} (the first's
     * keys: the threshold comparison it changes is no key of Kubo's).
     *
     * @param name the profile
     * @return file key to value, in Kubo's order; empty for a name that is not one of these
     */
    public static Map<String, String> profileKeys(String name) {
        return switch (name) {
            case "unixfs-v0-2015", "legacy-cid-v0", "kubo-0.39" ->
                    keys("0", "false", "size-262144", "174", "0", "256", "256KiB", "links", "balanced");
            case "unixfs-v1-2025" -> keys("1", "true", "size-1048576", "1024", "0", "256", "256KiB", "block", "balanced");
            case "test-cid-v1" -> keys("1", "true", "size-1048576", "174", "0", "256", "256KiB", null, null);
            case "test-cid-v1-wide" -> keys("1", "true", "size-1048576", "1024", "0", "1024", "1MiB", null, null);
            default -> Map.of();
        };
    }

    private static Map<String, String> keys(String cidVersion, String rawLeaves, String chunker, String fileLinks,
                                            String directoryLinks, String fanout, String threshold, String estimation,
                                            String layout) {
        LinkedHashMap<String, String> m = new LinkedHashMap<>();
        m.put(CID_VERSION, cidVersion);
        m.put(RAW_LEAVES, rawLeaves);
        m.put(CHUNKER, chunker);
        m.put(HASH_FUNCTION, "sha2-256");
        m.put(FILE_MAX_LINKS, fileLinks);
        m.put(DIRECTORY_MAX_LINKS, directoryLinks);
        m.put(HAMT_FANOUT, fanout);
        m.put(HAMT_THRESHOLD, threshold);
        if (estimation != null) { // Kubo 0.39's profiles predate these two keys
            m.put(HAMT_ESTIMATION, estimation);
            m.put(DAG_LAYOUT, layout);
        }
        return Collections.unmodifiableMap(m);
    }

    /**
     * The import settings a config gives.
     *
     * @param config the repository's config
     * @return the profile with the set keys over it (the profile itself when none is set)
     * @throws IllegalArgumentException with Kubo's message when a value is not one Kubo takes
     */
    public static ImportOptions options(RepoConfig config) {
        return options(config.other());
    }

    /**
     * The import settings a config's keys give.
     *
     * @param other the config's other keys ({@link RepoConfig#other()})
     * @return the profile with the set keys over it (the profile itself when none is set)
     * @throws IllegalArgumentException with Kubo's message when a value is not one Kubo takes
     */
    public static ImportOptions options(Map<String, String> other) {
        ImportOptions profile = ImportOptions.profile(other.getOrDefault(PROFILE, "unixfs-v0-2015").strip());
        List<String> set = KUBO_NAMES.keySet().stream().filter(other::containsKey).toList();
        ImportOptions.Builder b = profile.toBuilder();
        boolean dagChanged = false;
        for (String key : set) {
            apply(b, key, other.get(key).strip()); // every key checked, as Kubo checks them all
            dagChanged |= !key.equals(BATCH_MAX_NODES) && !key.equals(BATCH_MAX_SIZE);
        }
        if (!dagChanged) {
            return profile;
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) { // CIDv0 with another hash, raw leaves with metadata
            throw new IllegalArgumentException("the Import settings contradict each other: " + e.getMessage(), e);
        }
    }

    /**
     * Checks one value as the config file would keep it.
     *
     * @param key  one of the file keys above
     * @param text its value
     * @throws IllegalArgumentException with Kubo's message when Kubo would refuse it
     */
    public static void check(String key, String text) {
        apply(ImportOptions.builder(), key, text.strip());
    }

    /**
     * How {@code dag import} batches its writes, as Kubo's {@code Import.BatchMaxNodes} and
     * {@code Import.BatchMaxSize}: a batch is stored once it holds that many blocks or bytes.
     *
     * @param maxNodes blocks per batch
     * @param maxBytes bytes per batch
     */
    public record WriteBatch(int maxNodes, long maxBytes) {
        /** The least a batch may hold before it is stored: one block of the largest size. */
        private static final long MIN_HELD = 2L << 20;

        /**
         * A sink that stores blocks in such batches, each holding at most a sixteenth of the
         * heap (at least 2 MiB): a batch waits in memory, and Kubo's default 100 MiB would not fit
         * a small heap, let alone several imports at once.
         *
         * @param store where the blocks go
         * @return the sink; flush it to store the last batch
         */
        public BlockSink sink(Blockstore store) {
            return BlockSink.batching(store, maxNodes, heldAtMost(maxBytes, Runtime.getRuntime().maxMemory()));
        }

        /** The bytes a batch holds: the configured size, bounded by the heap. */
        static long heldAtMost(long maxBytes, long maxHeap) {
            return Math.min(maxBytes, Math.max(MIN_HELD, maxHeap / 16));
        }
    }

    /**
     * The write batches a config asks for.
     *
     * @param config the repository's config
     * @return Kubo's defaults (128 blocks, 100 MiB) with the set keys over them
     * @throws IllegalArgumentException with Kubo's message when a value is not positive
     */
    public static WriteBatch writeBatch(RepoConfig config) {
        Map<String, String> other = config.other();
        String nodes = other.get(BATCH_MAX_NODES);
        String size = other.get(BATCH_MAX_SIZE);
        long n = nodes == null ? DEFAULT_BATCH_MAX_NODES : positive(KUBO_NAMES.get(BATCH_MAX_NODES), nodes.strip());
        long bytes = size == null ? DEFAULT_BATCH_MAX_SIZE : positive(KUBO_NAMES.get(BATCH_MAX_SIZE), size.strip());
        // Kubo's option is an int; more blocks than that never fit a batch's bytes anyway
        return new WriteBatch((int) Math.min(n, Integer.MAX_VALUE), bytes);
    }

    /**
     * The hash function {@code block put} and {@code dag put} use when not told: Kubo's
     * {@code Import.HashFunction}, default sha2-256.
     *
     * @param config the repository's config
     * @return the multihash name
     */
    public static String hashFunctionName(RepoConfig config) {
        return config.other().getOrDefault(HASH_FUNCTION, "sha2-256").strip();
    }

    private static void apply(ImportOptions.Builder b, String key, String text) {
        String name = KUBO_NAMES.get(key);
        if (name == null) {
            throw new IllegalArgumentException("not an Import key: " + key);
        }
        switch (key) {
            case CID_VERSION -> {
                long v = number(name, text);
                if (v != 0 && v != 1) {
                    throw new IllegalArgumentException(name + " must be 0 or 1, got " + v);
                }
                b.cidVersion((int) v);
            }
            case RAW_LEAVES -> {
                if (!text.equals("true") && !text.equals("false")) {
                    throw new IllegalArgumentException(name + " must be true or false, got " + quote(text));
                }
                b.rawLeaves(Boolean.parseBoolean(text));
            }
            case CHUNKER -> {
                try {
                    b.chunker(ChunkerSpec.parse(text));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(name + " invalid format: " + quote(text)
                            + " (expected \"size-<bytes>\", \"rabin-<min>-<avg>-<max>\", or \"buzhash\"): " + e.getMessage(), e);
                }
            }
            case HASH_FUNCTION -> b.hashFunction(hashFunction(name, text));
            case FILE_MAX_LINKS -> {
                long n = number(name, text);
                if (n <= 0) {
                    throw new IllegalArgumentException(name + " must be positive, got " + n);
                }
                if (n < 2 || n > Integer.MAX_VALUE) { // a file node of one link never ends
                    throw new IllegalArgumentException(name + " must be from 2 to " + Integer.MAX_VALUE + ", got " + n);
                }
                b.maxLinks((int) n);
            }
            case DIRECTORY_MAX_LINKS -> {
                long n = number(name, text);
                if (n < 0 || n > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException(name + " must be non-negative, got " + n);
                }
                b.maxDirectoryLinks((int) n);
            }
            case HAMT_FANOUT -> {
                long n = number(name, text);
                if (n < 8 || n > 1024 || Long.bitCount(n) != 1) {
                    throw new IllegalArgumentException(name + " must be a power of 2, between 8 and 1024 (got " + n + ")");
                }
                b.hamtFanout((int) n);
            }
            case HAMT_THRESHOLD -> {
                long bytes;
                try {
                    bytes = RepoConfig.size(key, text);
                } catch (RepoConfigException e) {
                    throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
                }
                if (bytes > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException(name + " must be at most " + Integer.MAX_VALUE + " bytes, got " + bytes);
                }
                b.hamtThreshold((int) bytes);
            }
            case HAMT_ESTIMATION -> {
                if (!ESTIMATIONS.contains(text)) {
                    throw new IllegalArgumentException(name + " must be \"links\", \"block\", or \"disabled\", got " + quote(text));
                }
                b.hamtSizeEstimation(ImportOptions.HamtSizeEstimation.valueOf(text.toUpperCase(Locale.ROOT)));
            }
            case BATCH_MAX_NODES, BATCH_MAX_SIZE -> positive(name, text); // how dag import writes, not the DAG
            case DAG_LAYOUT -> {
                if (!LAYOUTS.contains(text)) {
                    throw new IllegalArgumentException(name + " must be \"balanced\" or \"trickle\", got " + quote(text));
                }
                b.layout(ImportOptions.Layout.valueOf(text.toUpperCase(Locale.ROOT)));
            }
            default -> throw new IllegalStateException(key);
        }
    }

    /** A multihash name Kubo takes for Import.HashFunction and p2pkit can compute. */
    private static long hashFunction(String name, String text) {
        long code = Multicodec.byName(text.toLowerCase(Locale.ROOT)).filter(c -> c.tag().equals("multihash"))
                .map(Multicodec.Codec::code)
                .orElseThrow(() -> new IllegalArgumentException(name + " unrecognized: " + quote(text)));
        if (code == Multicodec.IDENTITY || !Multihash.isSupported(code)) { // identity: a block would be its own CID
            throw new IllegalArgumentException(name + " " + quote(text) + ": p2pkit cannot hash blocks with " + text);
        }
        return code;
    }

    private static long positive(String name, String text) {
        long n = number(name, text);
        if (n <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + n);
        }
        return n;
    }

    private static long number(String name, String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer, got " + quote(text), e);
        }
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
