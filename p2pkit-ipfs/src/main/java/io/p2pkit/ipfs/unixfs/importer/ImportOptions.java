package io.p2pkit.ipfs.unixfs.importer;

import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.unixfs.chunker.ChunkerSpec;
import io.p2pkit.ipfs.unixfs.pb.Mtime;

import java.util.Objects;

/**
 * How content becomes a UnixFS DAG: the settings Kubo's {@code ipfs add} takes, named as its
 * options are, plus the directory-sharding rules that IPIP-499 made explicit. Immutable; make one
 * with {@link #builder()} or start from a profile ({@link #UNIXFS_V0_2015},
 * {@link #UNIXFS_V1_2025}, {@link #KUBO_0_39}) and {@link #toBuilder()}.
 *
 * <p>The same input with the same options gives the same CIDs as Kubo: see {@code docs/UNIXFS.md}
 * for what was compared and how.
 */
public final class ImportOptions {
    /** Kubo's default HAMT threshold, 256 KiB. */
    public static final int DEFAULT_HAMT_THRESHOLD = 256 * 1024;
    /** The largest block an inline (identity) CID may carry, as Kubo limits it. */
    public static final int MAX_INLINE_LIMIT = 128;

    /** How a file's chunks are arranged under its root. */
    public enum Layout {
        /** Every leaf at the same depth (Kubo's default). */
        BALANCED,
        /** Kubo's {@code --trickle}: leaves near the top first, for streaming. */
        TRICKLE
    }

    /** How a directory's size is estimated when deciding whether to shard it (IPIP-499). */
    public enum HamtSizeEstimation {
        /** {@code links-bytes}: the sum of each link's name length and CID length (Kubo's, Helia's). */
        LINKS,
        /** {@code block-bytes}: the exact size of the directory's DAG-PB block (unixfs-v1-2025). */
        BLOCK,
        /** Kubo's {@code disabled}: size never shards a directory; only {@link #maxDirectoryLinks()} does. */
        DISABLED
    }

    /** The comparison with the threshold that makes a directory a HAMT. */
    public enum HamtSwitch {
        /** Shard when the estimate is greater than the threshold (IPIP-499, Kubo ≥ 0.40, Helia). */
        GREATER_THAN,
        /** Shard when the estimate is at least the threshold (Kubo ≤ 0.39, boxo before #1088). */
        AT_LEAST;

        boolean shards(long estimate, long threshold) {
            return this == GREATER_THAN ? estimate > threshold : estimate >= threshold;
        }
    }

    /** IPIP-499's legacy profile: Kubo's CIDv0 defaults (256 KiB chunks, 174 links, dag-pb leaves), links-bytes, {@code >}. */
    public static final ImportOptions UNIXFS_V0_2015 = new Builder().profileName("unixfs-v0-2015").build();

    /** IPIP-499's modern profile: CIDv1, raw leaves, 1 MiB chunks, 1024 links, block-bytes, {@code >}. */
    public static final ImportOptions UNIXFS_V1_2025 = new Builder()
            .cidVersion(1).rawLeaves(true).chunker(ChunkerSpec.fixed(1024 * 1024)).maxLinks(1024)
            .hamtSizeEstimation(HamtSizeEstimation.BLOCK).profileName("unixfs-v1-2025").build();

    /** Kubo 0.39's defaults: {@link #UNIXFS_V0_2015} but sharding at {@code >=} the threshold, as boxo did before 0.40. */
    public static final ImportOptions KUBO_0_39 = new Builder()
            .hamtSwitch(HamtSwitch.AT_LEAST).profileName("kubo-0.39").build();

    private final String profile;
    // what was asked for, kept so that toBuilder() leaves Kubo's defaults to be worked out again
    private final int requestedCidVersion;
    private final Boolean requestedRawLeaves;
    private final int cidVersion;
    private final long hashFunction;
    private final boolean rawLeaves;
    private final ChunkerSpec chunker;
    private final Layout layout;
    private final int maxLinks;
    private final boolean inline;
    private final int inlineLimit;
    private final boolean wrapWithDirectory;
    private final boolean preserveMode;
    private final boolean preserveMtime;
    private final Integer mode;
    private final Mtime mtime;
    private final boolean hidden;
    private final int hamtThreshold;
    private final HamtSizeEstimation hamtSizeEstimation;
    private final HamtSwitch hamtSwitch;
    private final int hamtFanout;
    private final int maxDirectoryLinks;

    private ImportOptions(Builder b) {
        this.profile = b.profile;
        this.requestedCidVersion = b.cidVersion;
        this.requestedRawLeaves = b.rawLeaves;
        this.hashFunction = b.hashFunction;
        int version = b.cidVersion;
        if (hashFunction != Multicodec.SHA2_256) {
            if (version == 0) {
                throw new IllegalArgumentException("CIDv0 only supports sha2-256, not " + Multicodec.nameOf(hashFunction));
            }
            version = 1;
        } else if (version < 0) {
            version = 0;
        }
        this.cidVersion = version;
        boolean metadata = b.preserveMode || b.preserveMtime || b.mode != null || b.mtime != null;
        if (metadata && Boolean.TRUE.equals(b.rawLeaves)) {
            // Kubo: mode and mtime live in the root's Data, which a raw leaf does not have.
            throw new IllegalArgumentException("raw-leaves can't be used with UnixFS metadata like mode or modification time");
        }
        this.rawLeaves = metadata ? false : b.rawLeaves != null ? b.rawLeaves : version == 1;
        this.chunker = b.chunker;
        this.layout = b.layout;
        this.maxLinks = b.maxLinks;
        this.inline = b.inline;
        this.inlineLimit = b.inlineLimit;
        this.wrapWithDirectory = b.wrapWithDirectory;
        // An explicit mode or mtime wins over preserving the file's own (Kubo's rule).
        this.preserveMode = b.preserveMode && b.mode == null;
        this.preserveMtime = b.preserveMtime && b.mtime == null;
        this.mode = b.mode;
        this.mtime = b.mtime;
        this.hidden = b.hidden;
        this.hamtThreshold = b.hamtThreshold;
        this.hamtSizeEstimation = b.hamtSizeEstimation;
        this.hamtSwitch = b.hamtSwitch;
        this.hamtFanout = b.hamtFanout;
        this.maxDirectoryLinks = b.maxDirectoryLinks;
    }

    /** @return a builder with Kubo's defaults ({@link #UNIXFS_V0_2015}) */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param name {@code unixfs-v0-2015}, {@code unixfs-v1-2025} or {@code kubo-0.39}
     * @return that profile
     * @throws IllegalArgumentException for another name
     */
    public static ImportOptions profile(String name) {
        return switch (name) {
            case "unixfs-v0-2015", "legacy-cid-v0" -> UNIXFS_V0_2015;
            case "unixfs-v1-2025" -> UNIXFS_V1_2025;
            case "kubo-0.39" -> KUBO_0_39;
            default -> throw new IllegalArgumentException("unknown UnixFS profile " + name
                    + " (known: unixfs-v0-2015, unixfs-v1-2025, kubo-0.39)");
        };
    }

    /** @return a builder holding these settings */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.profile = null;
        b.cidVersion = requestedCidVersion;
        b.hashFunction = hashFunction;
        b.rawLeaves = requestedRawLeaves;
        b.chunker = chunker;
        b.layout = layout;
        b.maxLinks = maxLinks;
        b.inline = inline;
        b.inlineLimit = inlineLimit;
        b.wrapWithDirectory = wrapWithDirectory;
        b.preserveMode = preserveMode;
        b.preserveMtime = preserveMtime;
        b.mode = mode;
        b.mtime = mtime;
        b.hidden = hidden;
        b.hamtThreshold = hamtThreshold;
        b.hamtSizeEstimation = hamtSizeEstimation;
        b.hamtSwitch = hamtSwitch;
        b.hamtFanout = hamtFanout;
        b.maxDirectoryLinks = maxDirectoryLinks;
        return b;
    }

    /** @return the profile these options are, or null when they were changed from one */
    public String profileName() {
        return profile;
    }

    /** @return 0 or 1 */
    public int cidVersion() {
        return cidVersion;
    }

    /** @return the multihash code every block is hashed with ({@code --hash}) */
    public long hashFunction() {
        return hashFunction;
    }

    /** @return whether leaves are raw blocks ({@code --raw-leaves}; resolved: true by default for CIDv1) */
    public boolean rawLeaves() {
        return rawLeaves;
    }

    /** @return the chunking strategy ({@code --chunker}) */
    public ChunkerSpec chunker() {
        return chunker;
    }

    /** @return the file layout ({@code --trickle}) */
    public Layout layout() {
        return layout;
    }

    /** @return the most links a file node holds ({@code --max-file-links}) */
    public int maxLinks() {
        return maxLinks;
    }

    /** @return whether small blocks are inlined into identity CIDs ({@code --inline}) */
    public boolean inline() {
        return inline;
    }

    /** @return the largest block inlined ({@code --inline-limit}) */
    public int inlineLimit() {
        return inlineLimit;
    }

    /** @return whether the content is wrapped in a directory that keeps its name ({@code -w}) */
    public boolean wrapWithDirectory() {
        return wrapWithDirectory;
    }

    /** @return whether each file's and directory's permissions are stored ({@code --preserve-mode}) */
    public boolean preserveMode() {
        return preserveMode;
    }

    /** @return whether each entry's modification time is stored ({@code --preserve-mtime}) */
    public boolean preserveMtime() {
        return preserveMtime;
    }

    /** @return the mode stored in every entry ({@code --mode}), or null */
    public Integer mode() {
        return mode;
    }

    /** @return the modification time stored in every entry ({@code --mtime}), or null */
    public Mtime mtime() {
        return mtime;
    }

    /** @return whether names starting with a dot are imported ({@code --hidden}) */
    public boolean hidden() {
        return hidden;
    }

    /** @return the directory size past which a directory is sharded */
    public int hamtThreshold() {
        return hamtThreshold;
    }

    /** @return how a directory's size is estimated for sharding */
    public HamtSizeEstimation hamtSizeEstimation() {
        return hamtSizeEstimation;
    }

    /** @return the comparison with the threshold */
    public HamtSwitch hamtSwitch() {
        return hamtSwitch;
    }

    /** @return the width of HAMT shards ({@code --max-hamt-fanout}) */
    public int hamtFanout() {
        return hamtFanout;
    }

    /** @return the most links a basic directory may hold before it is sharded, 0 for no limit ({@code --max-directory-links}) */
    public int maxDirectoryLinks() {
        return maxDirectoryLinks;
    }

    /** @return whether entries carry mode or mtime, which keeps them DAG-PB */
    boolean hasMetadata() {
        return preserveMode || preserveMtime || mode != null || mtime != null;
    }

    @Override
    public String toString() {
        return (profile != null ? profile + ": " : "") + "cid-version " + cidVersion + ", hash " + Multicodec.nameOf(hashFunction)
                + ", raw-leaves " + rawLeaves + ", chunker " + chunker + ", " + layout.name().toLowerCase() + ", max-links " + maxLinks
                + (inline ? ", inline ≤ " + inlineLimit : "") + (wrapWithDirectory ? ", wrapped" : "")
                + (preserveMode ? ", preserve-mode" : "") + (preserveMtime ? ", preserve-mtime" : "")
                + ", HAMT " + (hamtSwitch == HamtSwitch.GREATER_THAN ? ">" : ">=") + " " + hamtThreshold + " ("
                + (hamtSizeEstimation == HamtSizeEstimation.DISABLED ? "size disabled"
                : hamtSizeEstimation.name().toLowerCase() + "-bytes") + "), fanout " + hamtFanout;
    }

    /** Builds {@link ImportOptions}; starts from Kubo's defaults. */
    public static final class Builder {
        private String profile = "unixfs-v0-2015";
        private int cidVersion = -1;
        private long hashFunction = Multicodec.SHA2_256;
        private Boolean rawLeaves;
        private ChunkerSpec chunker = ChunkerSpec.DEFAULT;
        private Layout layout = Layout.BALANCED;
        private int maxLinks = 174;
        private boolean inline;
        private int inlineLimit = 32;
        private boolean wrapWithDirectory;
        private boolean preserveMode;
        private boolean preserveMtime;
        private Integer mode;
        private Mtime mtime;
        private boolean hidden;
        private int hamtThreshold = DEFAULT_HAMT_THRESHOLD;
        private HamtSizeEstimation hamtSizeEstimation = HamtSizeEstimation.LINKS;
        private HamtSwitch hamtSwitch = HamtSwitch.GREATER_THAN;
        private int hamtFanout = 256;
        private int maxDirectoryLinks;

        private Builder() {
        }

        /** Names the profile these settings are; any later change clears the name. */
        private Builder profileName(String name) {
            profile = name;
            return this;
        }

        private Builder changed() {
            profile = null;
            return this;
        }

        /**
         * @param version 0 or 1 ({@code --cid-version}); a hash other than sha2-256 needs 1
         * @return this builder
         */
        public Builder cidVersion(int version) {
            if (version != 0 && version != 1) {
                throw new IllegalArgumentException("CID version must be 0 or 1: " + version);
            }
            cidVersion = version;
            return changed();
        }

        /**
         * @param code a multihash code p2pkit can compute ({@code --hash})
         * @return this builder
         */
        public Builder hashFunction(long code) {
            if (code == Multicodec.IDENTITY || !Multihash.isSupported(code)) {
                throw new IllegalArgumentException("unsupported hash function " + Multicodec.nameOf(code));
            }
            hashFunction = code;
            return changed();
        }

        /**
         * @param raw whether leaves are raw blocks ({@code --raw-leaves}); null for Kubo's default (raw with CIDv1)
         * @return this builder
         */
        public Builder rawLeaves(Boolean raw) {
            rawLeaves = raw;
            return changed();
        }

        /** @return this builder, chunking with {@code spec} ({@code --chunker}) */
        public Builder chunker(ChunkerSpec spec) {
            chunker = Objects.requireNonNull(spec, "spec");
            return changed();
        }

        /** @return this builder, chunking as {@code text} says ({@code size-N}, {@code rabin-…}, {@code buzhash}) */
        public Builder chunker(String text) {
            return chunker(ChunkerSpec.parse(text));
        }

        /** @return this builder with the file layout ({@code --trickle} is {@link Layout#TRICKLE}) */
        public Builder layout(Layout layout) {
            this.layout = Objects.requireNonNull(layout, "layout");
            return changed();
        }

        /** @return this builder with at most {@code n} links per file node ({@code --max-file-links}, at least 2) */
        public Builder maxLinks(int n) {
            if (n < 2) {
                throw new IllegalArgumentException("max links must be at least 2: " + n);
            }
            maxLinks = n;
            return changed();
        }

        /** @return this builder, inlining blocks of at most the inline limit into identity CIDs ({@code --inline}) */
        public Builder inline(boolean inline) {
            this.inline = inline;
            return changed();
        }

        /** @return this builder with the largest inlined block ({@code --inline-limit}, 1 to 128) */
        public Builder inlineLimit(int limit) {
            if (limit < 1 || limit > MAX_INLINE_LIMIT) {
                throw new IllegalArgumentException("inline-limit must be between 1 and " + MAX_INLINE_LIMIT + ": " + limit);
            }
            inlineLimit = limit;
            return changed();
        }

        /** @return this builder, wrapping the content in a directory ({@code -w}) */
        public Builder wrapWithDirectory(boolean wrap) {
            wrapWithDirectory = wrap;
            return changed();
        }

        /** @return this builder, storing permissions from the file system ({@code --preserve-mode}) */
        public Builder preserveMode(boolean preserve) {
            preserveMode = preserve;
            return changed();
        }

        /** @return this builder, storing modification times from the file system ({@code --preserve-mtime}) */
        public Builder preserveMtime(boolean preserve) {
            preserveMtime = preserve;
            return changed();
        }

        /** @return this builder, storing {@code mode} (permission bits, 0o7777 at most) in every entry ({@code --mode}) */
        public Builder mode(Integer mode) {
            if (mode != null && (mode & ~07777) != 0) {
                throw new IllegalArgumentException("mode has bits outside 07777: 0" + Integer.toOctalString(mode));
            }
            this.mode = mode == null || mode == 0 ? null : mode;
            return changed();
        }

        /** @return this builder, storing {@code mtime} in every entry ({@code --mtime}, {@code --mtime-nsecs}) */
        public Builder mtime(Mtime mtime) {
            this.mtime = mtime;
            return changed();
        }

        /** @return this builder, importing names that start with a dot ({@code --hidden}) */
        public Builder hidden(boolean hidden) {
            this.hidden = hidden;
            return changed();
        }

        /** @return this builder with the sharding threshold in bytes (0 never shards by size) */
        public Builder hamtThreshold(int bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("negative HAMT threshold");
            }
            hamtThreshold = bytes;
            return changed();
        }

        /** @return this builder with the size estimation for sharding */
        public Builder hamtSizeEstimation(HamtSizeEstimation estimation) {
            hamtSizeEstimation = Objects.requireNonNull(estimation, "estimation");
            return changed();
        }

        /** @return this builder with the threshold comparison */
        public Builder hamtSwitch(HamtSwitch comparison) {
            hamtSwitch = Objects.requireNonNull(comparison, "comparison");
            return changed();
        }

        /** @return this builder with the HAMT width ({@code --max-hamt-fanout}: a power of two, multiple of 8, at most 1024) */
        public Builder hamtFanout(int fanout) {
            if (fanout < 8 || fanout > 1024 || Integer.bitCount(fanout) != 1) {
                throw new IllegalArgumentException("HAMT fanout must be a power of two from 8 to 1024: " + fanout);
            }
            hamtFanout = fanout;
            return changed();
        }

        /** @return this builder with the most links of a basic directory, 0 for no limit ({@code --max-directory-links}) */
        public Builder maxDirectoryLinks(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("negative max directory links");
            }
            maxDirectoryLinks = n;
            return changed();
        }

        /**
         * @return the options
         * @throws IllegalArgumentException when they contradict each other (CIDv0 with another hash,
         *                                  raw leaves with mode or mtime)
         */
        public ImportOptions build() {
            return new ImportOptions(this);
        }
    }
}
