package io.p2pkit.ipfs.unixfs.importer;

import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.unixfs.pb.Mtime;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Kubo's rules for combining add options, and the profiles. */
class ImportOptionsTest {
    @Test
    void profilesAreWhatIpip499Says() {
        ImportOptions v0 = ImportOptions.profile("unixfs-v0-2015");
        assertEquals("unixfs-v0-2015", v0.profileName());
        assertEquals(0, v0.cidVersion());
        assertFalse(v0.rawLeaves());
        assertEquals("size-262144", v0.chunker().toString());
        assertEquals(174, v0.maxLinks());
        assertEquals(ImportOptions.HamtSizeEstimation.LINKS, v0.hamtSizeEstimation());
        assertEquals(ImportOptions.HamtSwitch.GREATER_THAN, v0.hamtSwitch());
        ImportOptions v1 = ImportOptions.profile("unixfs-v1-2025");
        assertEquals("unixfs-v1-2025", v1.profileName());
        assertEquals(1, v1.cidVersion());
        assertTrue(v1.rawLeaves());
        assertEquals("size-1048576", v1.chunker().toString());
        assertEquals(1024, v1.maxLinks());
        assertEquals(ImportOptions.HamtSizeEstimation.BLOCK, v1.hamtSizeEstimation());
        assertEquals("kubo-0.39", ImportOptions.profile("kubo-0.39").profileName());
        assertEquals(ImportOptions.HamtSwitch.AT_LEAST, ImportOptions.KUBO_0_39.hamtSwitch());
        assertNull(v1.toBuilder().maxLinks(10).build().profileName());
        assertThrows(IllegalArgumentException.class, () -> ImportOptions.profile("unixfs-v9"));
    }

    @Test
    void kubosDefaultsFollowTheCidVersionAndTheHash() {
        assertTrue(ImportOptions.builder().cidVersion(1).build().rawLeaves(), "CIDv1 implies raw leaves");
        assertFalse(ImportOptions.builder().cidVersion(1).rawLeaves(false).build().rawLeaves());
        ImportOptions blake = ImportOptions.builder().hashFunction(Multicodec.BLAKE2B_256).build();
        assertEquals(1, blake.cidVersion(), "another hash implies CIDv1");
        assertTrue(blake.rawLeaves());
        assertThrows(IllegalArgumentException.class, () -> ImportOptions.builder().cidVersion(0).hashFunction(Multicodec.SHA2_512).build());
        // toBuilder keeps what was asked for, so a later hash change can still move to CIDv1
        assertEquals(1, ImportOptions.KUBO_0_39.toBuilder().hashFunction(Multicodec.SHA2_512).build().cidVersion());
    }

    @Test
    void metadataTurnsRawLeavesOffOrIsRefusedWithThem() {
        assertFalse(ImportOptions.builder().cidVersion(1).preserveMtime(true).build().rawLeaves());
        assertThrows(IllegalArgumentException.class, () -> ImportOptions.builder().rawLeaves(true).mode(0644).build());
        ImportOptions explicit = ImportOptions.builder().preserveMode(true).mode(0600).preserveMtime(true).mtime(new Mtime(1, 0)).build();
        assertFalse(explicit.preserveMode(), "an explicit mode wins");
        assertFalse(explicit.preserveMtime(), "an explicit mtime wins");
        assertThrows(IllegalArgumentException.class, () -> ImportOptions.builder().mode(010000));
        assertThrows(IllegalArgumentException.class, () -> ImportOptions.builder().inlineLimit(129));
        assertThrows(IllegalArgumentException.class, () -> ImportOptions.builder().hamtFanout(100));
    }
}
