package io.p2pkit.core.peerstore;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.identity.Envelope;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.identity.PeerRecord;
import io.p2pkit.core.multiaddr.Multiaddr;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PeerStoreTest {
    /** A clock the test moves by hand. */
    private static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final ManualClock clock = new ManualClock();
    private final PeerStore store = new PeerStore(clock);
    private final PrivateKey key = PrivateKey.generateEd25519();
    private final PeerId peer = key.publicKey().toPeerId();
    private final Multiaddr a = Multiaddr.parse("/ip4/10.0.0.1/tcp/4001");
    private final Multiaddr b = Multiaddr.parse("/ip4/10.0.0.2/tcp/4001");

    @Test
    void addressesExpireAfterTheirTtl() {
        store.addAddresses(peer, List.of(a), Duration.ofMinutes(2));
        store.addAddresses(peer, List.of(b), Duration.ofMinutes(10));
        assertEquals(List.of(a, b), store.addresses(peer));
        clock.now = clock.now.plus(Duration.ofMinutes(5));
        assertEquals(List.of(b), store.addresses(peer));
        clock.now = clock.now.plus(Duration.ofMinutes(6));
        assertEquals(List.of(), store.addresses(peer));
    }

    @Test
    void aTtlPastTheLastInstantNeverExpiresAndALongFiniteOneDoes() {
        store.addAddresses(peer, List.of(a), Duration.ofSeconds(Long.MAX_VALUE, 999_999_999));
        store.addAddresses(peer, List.of(b), Duration.ofDays(365L * 1000));
        clock.now = clock.now.plus(Duration.ofDays(365L * 1001));
        assertEquals(List.of(a), store.addresses(peer));
    }

    @Test
    void connectedAddressesAreDowngradedOnDisconnectButPermanentOnesStay() {
        store.addAddresses(peer, List.of(a), AddressTtl.CONNECTED);
        store.addAddresses(peer, List.of(b), AddressTtl.PERMANENT);
        store.updateAddressTtl(peer, AddressTtl.CONNECTED, AddressTtl.RECENTLY_CONNECTED);
        clock.now = clock.now.plus(Duration.ofMinutes(16));
        assertEquals(List.of(b), store.addresses(peer));
    }

    @Test
    void stripsOwnPeerIdAndDropsAddressesOfOtherPeers() {
        PeerId other = PrivateKey.generateEd25519().publicKey().toPeerId();
        store.addAddresses(peer, List.of(a.encapsulate("/p2p/" + peer), b.encapsulate("/p2p/" + other)),
                AddressTtl.PERMANENT);
        assertEquals(List.of(a), store.addresses(peer));
    }

    @Test
    void certifiedAddressesReplaceAndOutrankUnsignedOnes() {
        store.addAddresses(peer, List.of(a), AddressTtl.PERMANENT);
        Envelope record = new PeerRecord(peer, 5, List.of(b)).seal(key);
        assertTrue(store.consumePeerRecord(record, AddressTtl.PERMANENT));
        assertEquals(List.of(b), store.addresses(peer));
        // While a signed record is held, unsigned addresses are not taken.
        store.addAddresses(peer, List.of(a), AddressTtl.PERMANENT);
        assertEquals(List.of(b), store.addresses(peer));
        // An older record is ignored; a newer one replaces.
        assertFalse(store.consumePeerRecord(new PeerRecord(peer, 4, List.of(a)).seal(key), AddressTtl.PERMANENT));
        assertTrue(store.consumePeerRecord(new PeerRecord(peer, 6, List.of(a)).seal(key), AddressTtl.PERMANENT));
        assertEquals(List.of(a), store.addresses(peer));
        assertEquals(6, PeerRecord.fromEnvelope(store.peerRecord(peer).orElseThrow()).seq());
    }

    @Test
    void keysMustMatchThePeer() {
        store.putPublicKey(peer, key.publicKey());
        assertEquals(key.publicKey(), store.publicKey(peer).orElseThrow());
        PeerId other = PrivateKey.generateEd25519().publicKey().toPeerId();
        assertThrows(IllegalArgumentException.class, () -> store.putPublicKey(other, key.publicKey()));
    }

    @Test
    void protocolsAndMetadataAreBounded() {
        List<String> many = new ArrayList<>();
        for (int i = 0; i < PeerStore.MAX_PROTOCOLS_PER_PEER + 50; i++) {
            many.add("/p/" + i);
        }
        store.setProtocols(peer, many);
        assertEquals(PeerStore.MAX_PROTOCOLS_PER_PEER, store.protocols(peer).size());
        assertTrue(store.supports(peer, "/p/0"));
        store.setProtocols(peer, Set.of("/x"));
        assertEquals(Set.of("/x"), store.protocols(peer));
        for (int i = 0; i < PeerStore.MAX_METADATA_PER_PEER + 5; i++) {
            store.put(peer, "k" + i, i);
        }
        assertTrue(store.get(peer, "k0").isPresent());
        assertTrue(store.get(peer, "k" + (PeerStore.MAX_METADATA_PER_PEER + 1)).isEmpty());
    }

    @Test
    void addressesPerPeerAreBounded() {
        List<Multiaddr> many = new ArrayList<>();
        for (int i = 0; i < PeerStore.MAX_ADDRESSES_PER_PEER + 10; i++) {
            many.add(Multiaddr.parse("/ip4/10.1.0." + (i % 250) + "/tcp/" + (1000 + i)));
        }
        store.addAddresses(peer, many, AddressTtl.PERMANENT);
        assertEquals(PeerStore.MAX_ADDRESSES_PER_PEER, store.addresses(peer).size());
    }
}
