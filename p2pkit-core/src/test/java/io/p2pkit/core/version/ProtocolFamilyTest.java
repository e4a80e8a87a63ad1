package io.p2pkit.core.version;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.peerstore.PeerStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The compatibility rules and the dialer's choices, without a network (ProtocolVersionsHostTest has one). */
class ProtocolFamilyTest {
    private static final ProtocolFamily SYNC = ProtocolFamily.of("/myapp/sync", "1.4.2", 1);

    @ParameterizedTest
    @CsvSource({
            "/myapp/sync/1.4.2, true",      // its own version
            "/myapp/sync/1.4.0, true",      // patch ignored, lower
            "/myapp/sync/1.4.9, true",      // patch ignored, higher
            "/myapp/sync/1.3.0, true",      // lower minor
            "/myapp/sync/1.1.7, true",      // the lowest minor
            "/myapp/sync/1.0.0, false",     // below the lowest minor
            "/myapp/sync/1.5.0, false",     // higher minor: features this node lacks
            "/myapp/sync/2.0.0, false",     // another major
            "/myapp/sync/0.4.0, false",
            "/myapp/sync/1.4.2-rc.1, false", // pre-releases only match themselves
            "/myapp/sync/1.4, false",       // malformed versions
            "/myapp/sync/v1.4.2, false",
            "/myapp/sync/01.4.2, false",
            "/myapp/sync/1.4.2+b, false",
            "/myapp/sync/, false",
            "/myapp/sync, false",
            "/myapp/syncx/1.4.2, false",    // another family sharing the prefix
            "/myapp/1.4.2, false",
            "/other/sync/1.4.2, false",
    })
    void acceptsSameMajorUpToItsMinorDownToItsLowest(String proposal, boolean accepted) {
        assertEquals(accepted, SYNC.accepts(proposal), proposal);
    }

    @Test
    void majorZeroAcceptsOnlyItsOwnMinor() {
        ProtocolFamily zero = ProtocolFamily.of("/x", "0.3.1");
        assertTrue(zero.accepts("/x/0.3.0"));
        assertTrue(zero.accepts("/x/0.3.9"));
        assertEquals(false, zero.accepts("/x/0.2.0"));
        assertEquals(false, zero.accepts("/x/0.4.0"));
        assertEquals(false, zero.accepts("/x/1.3.1"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProtocolFamily.of("/x", "0.3.1", 1));
        assertTrue(e.getMessage().contains("0.3 is compatible only with 0.3"), e.getMessage());
        // several 0.y lines are several registrations
        ProtocolFamily both = zero.and("0.2.5");
        assertTrue(both.accepts("/x/0.2.0"));
        assertEquals(List.of("/x/0.3.1", "/x/0.2.5"), both.proposals());
    }

    @Test
    void preReleaseAcceptsOnlyItself() {
        ProtocolFamily rc = ProtocolFamily.of("/x", "2.0.0-rc.1");
        assertTrue(rc.accepts("/x/2.0.0-rc.1"));
        assertEquals(false, rc.accepts("/x/2.0.0-rc.2"));
        assertEquals(false, rc.accepts("/x/2.0.0"));
        assertEquals(List.of("/x/2.0.0-rc.1"), rc.proposals());
        assertThrows(IllegalArgumentException.class, () -> ProtocolFamily.of("/x", "2.3.0-rc.1", 1));
        // a release line and a pre-release of the next major live side by side
        ProtocolFamily both = rc.and("1.4.2", 2);
        assertEquals(List.of("/x/2.0.0-rc.1", "/x/1.4.2", "/x/1.3.0", "/x/1.2.0"), both.proposals());
    }

    @Test
    void proposesOwnVersionThenLowerMinorsHighestLineFirst() {
        assertEquals(List.of("/myapp/sync/1.4.2", "/myapp/sync/1.3.0", "/myapp/sync/1.2.0", "/myapp/sync/1.1.0"),
                SYNC.proposals());
        assertEquals(List.of("/myapp/sync/1.4.2"), ProtocolFamily.of("/myapp/sync", "1.4.2").proposals());
        ProtocolFamily two = SYNC.and("2.1.0", 0);
        assertEquals(List.of("/myapp/sync/2.1.0", "/myapp/sync/2.0.0", "/myapp/sync/1.4.2", "/myapp/sync/1.3.0",
                "/myapp/sync/1.2.0", "/myapp/sync/1.1.0"), two.proposals());
        assertEquals(List.of(SemanticVersion.parse("2.1.0"), SemanticVersion.parse("1.4.2")), two.versions());
        assertTrue(two.accepts("/myapp/sync/2.0.3"));
        assertTrue(two.accepts("/myapp/sync/1.2.0"));
    }

    @Test
    void capsTheFallbackList() {
        ProtocolFamily wide = ProtocolFamily.of("/x", "1.40.0", 0);
        List<String> p = wide.proposals();
        assertEquals(ProtocolFamily.MAX_PROPOSALS, p.size());
        assertEquals("/x/1.40.0", p.getFirst());
        assertEquals("/x/1.25.0", p.getLast());
        assertTrue(wide.accepts("/x/1.0.0"), "the listener still accepts every minor");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "1.2.0|1.2.0",              // peer below us, within our range: its exact version
            "1.2.7|1.2.7",
            "1.4.0|1.4.2",              // same minor: ours
            "1.9.3|1.4.2",              // peer above us: ours (its line accepts lower minors)
            "1.0.0|",                   // below our lowest minor
            "2.0.0|",                   // another major
            "1.4.2-rc.1|",
            "1.2.0,1.3.1|1.3.1",        // the highest in common
            "2.0.0,1.0.0,1.3.1|1.3.1",
    })
    void choosesTheHighestCommonVersionFromWhatThePeerAdvertises(String peer, String expected) {
        List<SemanticVersion> advertised = java.util.Arrays.stream(peer.split(",")).map(SemanticVersion::parse).toList();
        assertEquals(Optional.ofNullable(expected).map(SemanticVersion::parse), SYNC.best(advertised));
    }

    @Test
    void choosesAcrossLinesAndForZeroAndPreReleases() {
        ProtocolFamily two = SYNC.and("2.1.0", 0);
        assertEquals(Optional.of(SemanticVersion.parse("2.0.5")),
                two.best(List.of(SemanticVersion.parse("1.4.2"), SemanticVersion.parse("2.0.5"))));
        ProtocolFamily zero = ProtocolFamily.of("/x", "0.3.1");
        assertEquals(Optional.of(SemanticVersion.parse("0.3.1")), zero.best(List.of(SemanticVersion.parse("0.3.4"))));
        assertEquals(Optional.empty(), zero.best(List.of(SemanticVersion.parse("0.2.0"), SemanticVersion.parse("0.4.0"))));
        ProtocolFamily rc = ProtocolFamily.of("/x", "1.0.0-rc.1");
        assertEquals(Optional.of(SemanticVersion.parse("1.0.0-rc.1")), rc.best(List.of(SemanticVersion.parse("1.0.0-rc.1"))));
        assertEquals(Optional.empty(), rc.best(List.of(SemanticVersion.parse("1.0.0"))));
    }

    @Test
    void refusesBadRegistrations() {
        assertThrows(IllegalArgumentException.class, () -> ProtocolFamily.of("/x", "1.4.2", 5));
        assertThrows(IllegalArgumentException.class, () -> ProtocolFamily.of("/x", "1.4.2", -1));
        assertThrows(IllegalArgumentException.class, () -> ProtocolFamily.of("/x", "1.4"));
        IllegalArgumentException overlap = assertThrows(IllegalArgumentException.class, () -> SYNC.and("1.6.0", 5));
        assertTrue(overlap.getMessage().contains("overlaps"), overlap.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ProtocolFamily.of("/x", "0.3.0").and("0.3.2"));
        assertThrows(IllegalArgumentException.class, () -> ProtocolFamily.of("/x", "1.0.0-a").and("1.0.0-a"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "myapp/sync", "/myapp/sync/", "/my app", "/my\napp", "/myapp/sync/1.0.0"})
    void refusesBadFamilyNames(String name) {
        assertThrows(IllegalArgumentException.class, () -> ProtocolFamily.of(name, "1.0.0"));
    }

    @Test
    void refusesOverlongFamilyNames() {
        assertThrows(IllegalArgumentException.class,
                () -> ProtocolFamily.of("/" + "a".repeat(ProtocolFamily.MAX_NAME_BYTES), "1.0.0"));
        ProtocolFamily.of("/" + "a".repeat(ProtocolFamily.MAX_NAME_BYTES - 1), "1.0.0");
    }

    @Test
    void readsVersionsOutOfProtocolIds() {
        assertEquals(Optional.of(SemanticVersion.parse("1.3.0")), ProtocolFamily.versionOf("/myapp/sync", "/myapp/sync/1.3.0"));
        assertEquals(Optional.empty(), ProtocolFamily.versionOf("/myapp/sync", "/myapp/sync/1.3"));
        assertEquals(Optional.empty(), ProtocolFamily.versionOf("/myapp/sync", "/myapp/syncs/1.3.0"));
        assertEquals(Optional.empty(), ProtocolFamily.versionOf("/myapp/sync", "/myapp/sync"));
        assertEquals("/myapp/sync/1.3.0", SYNC.id(SemanticVersion.parse("1.3.0")));
        assertEquals("/myapp/sync", SYNC.name());
    }

    @Test
    void peerStoreListsAPeersParsedVersionsHighestFirst() {
        PeerStore store = new PeerStore();
        PeerId peer = PrivateKey.generateEd25519().publicKey().toPeerId();
        store.setProtocols(peer, List.of("/myapp/sync/1.2.0", "/myapp/sync/1.10.0", "/myapp/sync/1.9.0-rc.1",
                "/myapp/sync/v2", "/myapp/sync/01.0.0", "/myapp/syncx/3.0.0", "/myapp/sync", "/ipfs/id/1.0.0"));
        assertEquals(List.of(SemanticVersion.parse("1.10.0"), SemanticVersion.parse("1.9.0-rc.1"),
                SemanticVersion.parse("1.2.0")), store.versions(peer, "/myapp/sync"));
        assertEquals(List.of(), store.versions(peer, "/other"));
    }
}
