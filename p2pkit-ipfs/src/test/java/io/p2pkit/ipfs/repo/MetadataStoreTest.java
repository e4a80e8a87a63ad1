package io.p2pkit.ipfs.repo;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.blockstore.HeatSnapshot;
import io.p2pkit.ipfs.pin.Pin;
import io.p2pkit.ipfs.pin.PinType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetadataStoreTest {
    @TempDir
    Path dir;

    private static final Cid V0 = Cid.parse("QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn");
    private static final Cid RAW = Cid.v1(Multicodec.RAW, Multihash.digest(Multicodec.SHA2_256, new byte[] {1}));

    @Test
    void pinsAreKeptAcrossReopening() throws Exception {
        Path file = dir.resolve("datastore").resolve(MetadataStore.FILE);
        try (MetadataStore s = MetadataStore.open(file)) {
            s.put(new Pin(V0, PinType.RECURSIVE, "dir"));
            s.put(new Pin(RAW, PinType.DIRECT, ""));
            s.put(new Pin(RAW, PinType.DIRECT, "renamed"));
        }
        try (MetadataStore s = MetadataStore.open(file)) {
            assertEquals(List.of(new Pin(V0, PinType.RECURSIVE, "dir")), s.list(PinType.RECURSIVE));
            assertEquals(new Pin(RAW, PinType.DIRECT, "renamed"), s.get(RAW, PinType.DIRECT).orElseThrow());
            assertTrue(s.get(RAW, PinType.RECURSIVE).isEmpty());
            assertTrue(s.isPinned(V0.multihash()));
            assertTrue(s.remove(RAW, PinType.DIRECT));
            assertFalse(s.remove(RAW, PinType.DIRECT));
            assertFalse(s.isPinned(RAW.multihash()));
        }
    }

    @Test
    void aCidV0AndItsV1AreTwoPinsOfOneMultihash() throws Exception {
        try (MetadataStore s = MetadataStore.open(dir.resolve(MetadataStore.FILE))) {
            s.put(new Pin(V0, PinType.RECURSIVE, ""));
            s.put(new Pin(V0.toV1(), PinType.RECURSIVE, ""));
            assertEquals(Set.of(V0, V0.toV1()), s.list(PinType.RECURSIVE).stream().map(Pin::cid).collect(Collectors.toSet()));
            s.remove(V0, PinType.RECURSIVE);
            assertTrue(s.isPinned(V0.multihash()), "the v1 pin still holds the multihash");
            s.remove(V0.toV1(), PinType.RECURSIVE);
            assertFalse(s.isPinned(V0.multihash()));
        }
    }

    @Test
    void heatIsSavedAndLoaded() throws Exception {
        Path file = dir.resolve(MetadataStore.FILE);
        HeatSnapshot snapshot = new HeatSnapshot(Instant.parse("2025-03-01T10:00:00Z"),
                Map.of(V0.multihash(), 2.5, RAW.multihash(), 0.125));
        try (MetadataStore s = MetadataStore.open(file)) {
            assertEquals(HeatSnapshot.empty(), s.loadHeat());
            s.saveHeat(snapshot);
            s.saveHeat(snapshot); // replaces, does not add
        }
        try (MetadataStore s = MetadataStore.open(file)) {
            assertEquals(snapshot, s.loadHeat());
        }
    }

    @Test
    void aFileThatIsNotAnMvStoreIsATypedError() throws Exception {
        Path file = dir.resolve(MetadataStore.FILE);
        Files.write(file, "this is not an MVStore file, not at all, and it goes on for a while ".repeat(100).getBytes());
        RepoException e = assertThrows(RepoException.class, () -> MetadataStore.open(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }
}
