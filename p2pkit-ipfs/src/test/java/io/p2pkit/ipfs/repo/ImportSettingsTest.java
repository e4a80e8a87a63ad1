package io.p2pkit.ipfs.repo;

import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.codec.dagpb.PBNode;
import io.p2pkit.ipfs.unixfs.importer.ImportOptions;
import io.p2pkit.ipfs.unixfs.importer.Importer;
import io.p2pkit.ipfs.unixfs.pb.DataType;
import io.p2pkit.ipfs.unixfs.pb.UnixfsData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Kubo's Import.* keys over the import profile, checked with Kubo's words. */
@Timeout(60)
class ImportSettingsTest {
    private static RepoConfig with(String... keyValues) {
        RepoConfig c = RepoConfig.defaults();
        for (int i = 0; i < keyValues.length; i += 2) {
            c = c.with(keyValues[i], keyValues[i + 1]);
        }
        return c;
    }

    private static RepoConfig withProfile(String profile) {
        RepoConfig c = RepoConfig.defaults();
        for (Map.Entry<String, String> e : ImportSettings.profileKeys(profile).entrySet()) {
            c = c.with(e.getKey(), e.getValue());
        }
        return c;
    }

    @Test
    void noKeysIsTheProfile() {
        assertSame(ImportOptions.UNIXFS_V0_2015, ImportSettings.options(RepoConfig.defaults()));
        assertSame(ImportOptions.UNIXFS_V1_2025, ImportSettings.options(with(ImportSettings.PROFILE, "unixfs-v1-2025")));
        assertEquals("sha2-256", ImportSettings.hashFunctionName(RepoConfig.defaults()));
    }

    @Test
    void kubosProfilesGiveTheSettingsOfTheSameName() {
        // the keys Kubo's unixfs-v1-2025 sets, over Kubo's defaults, are IPIP-499's profile
        ImportOptions v1 = ImportSettings.options(withProfile("unixfs-v1-2025"));
        assertEquals(ImportOptions.UNIXFS_V1_2025.toString().replace("unixfs-v1-2025: ", ""), v1.toString());
        ImportOptions v0 = ImportSettings.options(withProfile("unixfs-v0-2015"));
        assertEquals(ImportOptions.UNIXFS_V0_2015.toString().replace("unixfs-v0-2015: ", ""), v0.toString());
        ImportOptions wide = ImportSettings.options(withProfile("test-cid-v1-wide"));
        assertEquals(1, wide.cidVersion());
        assertTrue(wide.rawLeaves());
        assertEquals(1024, wide.maxLinks());
        assertEquals(1024, wide.hamtFanout());
        assertEquals(1 << 20, wide.hamtThreshold());
        assertEquals(ImportOptions.HamtSizeEstimation.LINKS, wide.hamtSizeEstimation(), "Kubo 0.39's profile leaves it");
        assertEquals(Map.of(), ImportSettings.profileKeys("announce-off"));
    }

    @Test
    void eachKeyGoesOverTheProfile() {
        ImportOptions o = ImportSettings.options(with(ImportSettings.CID_VERSION, "1", ImportSettings.CHUNKER, "size-1000",
                ImportSettings.FILE_MAX_LINKS, "50", ImportSettings.DIRECTORY_MAX_LINKS, "20",
                ImportSettings.HAMT_FANOUT, "64", ImportSettings.HAMT_THRESHOLD, "1KiB",
                ImportSettings.HAMT_ESTIMATION, "block", ImportSettings.DAG_LAYOUT, "trickle",
                ImportSettings.HASH_FUNCTION, "blake2b-256"));
        assertEquals(1, o.cidVersion());
        assertTrue(o.rawLeaves(), "CIDv1 implies raw leaves unless the key says otherwise");
        assertEquals("size-1000", o.chunker().toString());
        assertEquals(50, o.maxLinks());
        assertEquals(20, o.maxDirectoryLinks());
        assertEquals(64, o.hamtFanout());
        assertEquals(1024, o.hamtThreshold());
        assertEquals(ImportOptions.HamtSizeEstimation.BLOCK, o.hamtSizeEstimation());
        assertEquals(ImportOptions.Layout.TRICKLE, o.layout());
        assertEquals(Multicodec.BLAKE2B_256, o.hashFunction());
        assertEquals(false, ImportSettings.options(with(ImportSettings.CID_VERSION, "1",
                ImportSettings.RAW_LEAVES, "false")).rawLeaves());
        // the threshold comparison of p2pkit's kubo-0.39 profile survives the keys
        assertEquals(ImportOptions.HamtSwitch.AT_LEAST, ImportSettings.options(with(ImportSettings.PROFILE, "kubo-0.39",
                ImportSettings.CID_VERSION, "1")).hamtSwitch());
        assertEquals("blake3", ImportSettings.hashFunctionName(with(ImportSettings.HASH_FUNCTION, "blake3")));
    }

    @Test
    void badValuesGetKubosMessages() {
        assertRefused("Import.CidVersion must be 0 or 1, got 2", ImportSettings.CID_VERSION, "2");
        assertRefused("Import.UnixFSFileMaxLinks must be positive, got 0", ImportSettings.FILE_MAX_LINKS, "0");
        assertRefused("Import.UnixFSDirectoryMaxLinks must be non-negative, got -1", ImportSettings.DIRECTORY_MAX_LINKS, "-1");
        assertRefused("Import.UnixFSHAMTDirectoryMaxFanout must be a power of 2, between 8 and 1024 (got 100)",
                ImportSettings.HAMT_FANOUT, "100");
        assertRefused("Import.UnixFSHAMTDirectoryMaxFanout must be a power of 2, between 8 and 1024 (got 2048)",
                ImportSettings.HAMT_FANOUT, "2048");
        assertRefused("Import.UnixFSChunker invalid format: \"size-0\" (expected \"size-<bytes>\", "
                + "\"rabin-<min>-<avg>-<max>\", or \"buzhash\"): a fixed chunk size must be between 1 and 1048576: 0",
                ImportSettings.CHUNKER, "size-0");
        assertRefused("Import.HashFunction unrecognized: \"sha2-257\"", ImportSettings.HASH_FUNCTION, "sha2-257");
        assertRefused("Import.HashFunction \"identity\": p2pkit cannot hash blocks with identity",
                ImportSettings.HASH_FUNCTION, "identity");
        assertRefused("Import.UnixFSHAMTDirectorySizeEstimation must be \"links\", \"block\", or \"disabled\", got \"exact\"",
                ImportSettings.HAMT_ESTIMATION, "exact");
        assertRefused("Import.UnixFSDAGLayout must be \"balanced\" or \"trickle\", got \"flat\"", ImportSettings.DAG_LAYOUT, "flat");
        assertRefused("Import.CidVersion must be an integer, got \"one\"", ImportSettings.CID_VERSION, "one");
        assertRefused("Import.BatchMaxNodes must be positive, got 0", ImportSettings.BATCH_MAX_NODES, "0");
        assertRefused("Import.BatchMaxSize must be positive, got -5", ImportSettings.BATCH_MAX_SIZE, "-5");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ImportSettings.check(ImportSettings.HAMT_THRESHOLD, "lots"));
        assertTrue(e.getMessage().startsWith("Import.UnixFSHAMTDirectorySizeThreshold: "), e.getMessage());
        // keys that are each fine but not together
        e = assertThrows(IllegalArgumentException.class, () -> ImportSettings.options(with(ImportSettings.CID_VERSION, "0",
                ImportSettings.HASH_FUNCTION, "sha2-512")));
        assertEquals("the Import settings contradict each other: CIDv0 only supports sha2-256, not sha2-512", e.getMessage());
    }

    @Test
    void writeBatchesAreKubosDefaultsUnlessSet() throws IOException {
        assertEquals(new ImportSettings.WriteBatch(128, 100L << 20), ImportSettings.writeBatch(RepoConfig.defaults()));
        RepoConfig set = RepoConfig.defaults().with(ImportSettings.BATCH_MAX_NODES, "3").with(ImportSettings.BATCH_MAX_SIZE, "1000");
        assertEquals(new ImportSettings.WriteBatch(3, 1000), ImportSettings.writeBatch(set));
        // the import settings are untouched by them
        assertEquals(ImportOptions.profile("unixfs-v0-2015"), ImportSettings.options(set));
        // what a batch holds is bounded by the heap: a 32 MiB heap holds 2 MiB, a 4 GiB one Kubo's 100 MiB
        assertEquals(2L << 20, ImportSettings.WriteBatch.heldAtMost(100L << 20, 32L << 20));
        assertEquals(100L << 20, ImportSettings.WriteBatch.heldAtMost(100L << 20, 4L << 30));
        assertEquals(1000, ImportSettings.WriteBatch.heldAtMost(1000, 4L << 30));
        assertEquals("Import.BatchMaxSize must be positive, got 0", assertThrows(IllegalArgumentException.class,
                () -> ImportSettings.writeBatch(RepoConfig.defaults().with(ImportSettings.BATCH_MAX_SIZE, "0"))).getMessage());
    }

    private static void assertRefused(String message, String key, String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImportSettings.check(key, value));
        assertEquals(message, e.getMessage());
        assertEquals(message, assertThrows(IllegalArgumentException.class,
                () -> ImportSettings.options(with(key, value))).getMessage());
    }

    @Test
    void disabledEstimationLeavesOnlyTheLinkCount(@TempDir Path dir) throws IOException {
        for (int i = 0; i < 40; i++) {
            Files.writeString(dir.resolve(String.format("%03d-", i) + "n".repeat(100)), "x");
        }
        // about 40 × 140 bytes of links against a 1 KiB threshold
        assertEquals(DataType.HAMT_SHARD, rootType(dir, with(ImportSettings.HAMT_THRESHOLD, "1KiB")));
        assertEquals(DataType.DIRECTORY, rootType(dir, with(ImportSettings.HAMT_THRESHOLD, "1KiB",
                ImportSettings.HAMT_ESTIMATION, "disabled")));
        assertEquals(DataType.HAMT_SHARD, rootType(dir, with(ImportSettings.HAMT_THRESHOLD, "1KiB",
                ImportSettings.HAMT_ESTIMATION, "disabled", ImportSettings.DIRECTORY_MAX_LINKS, "39")));
        assertEquals(DataType.DIRECTORY, rootType(dir, with(ImportSettings.HAMT_ESTIMATION, "disabled",
                ImportSettings.DIRECTORY_MAX_LINKS, "40")), "40 links are not more than 40");
    }

    private static DataType rootType(Path dir, RepoConfig config) throws IOException {
        byte[][] last = new byte[1][];
        new Importer(ImportSettings.options(config), b -> last[0] = b.data()).importPath(dir); // the root comes last
        return UnixfsData.decode(PBNode.decode(last[0]).data()).type();
    }
}
