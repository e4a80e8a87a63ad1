package io.p2pkit.core.resource;

import io.p2pkit.core.Direction;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.IpNetwork;
import io.p2pkit.core.multiaddr.Multiaddr;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResourceLimitsTest {
    private final PeerId peer = PrivateKey.generateEd25519().publicKey().toPeerId();
    private final PeerId other = PrivateKey.generateEd25519().publicKey().toPeerId();

    @Test
    void totalLimitCapsBothDirectionsTogether() throws Exception {
        ResourceManager rm = new ResourceManager(ResourceManagerConfig.builder()
                .system(ResourceLimits.unlimited().with(Resource.CONNECTIONS, 2)).build());
        rm.openConnection(Direction.INBOUND, true);
        rm.openConnection(Direction.OUTBOUND, true);
        ResourceLimitException e = assertThrows(ResourceLimitException.class,
                () -> rm.openConnection(Direction.INBOUND, true));
        assertEquals(Resource.CONNECTIONS, e.resource());
        assertEquals(2, e.current());
        assertEquals(2, e.limit());
        assertEquals(Optional.of(Direction.INBOUND), e.direction());
        assertEquals(2, rm.system().used(Resource.CONNECTIONS));
        assertTrue(e.getMessage().contains("scope system allows at most 2 connections (2 in use, refusing an inbound)"),
                e.getMessage());
    }

    @Test
    void aLimitErrorIsNotAResetByTheRemote() {
        ResourceLimitException e = new ResourceLimitException("peer:x", Resource.INBOUND_STREAMS, 4, 4, Direction.INBOUND);
        assertInstanceOf(java.io.IOException.class, e);
        assertFalse(io.p2pkit.core.muxer.StreamResetException.class.isInstance(e));
        assertTrue(e.getMessage().startsWith("local resource limit reached"));
    }

    @Test
    void fileDescriptorsAreLimitedAndRefusalsAreCounted() throws Exception {
        ResourceManager rm = new ResourceManager(ResourceManagerConfig.builder()
                .transientLimits(ResourceLimits.unlimited().with(Resource.FILE_DESCRIPTORS, 1)).build());
        rm.openConnection(Direction.OUTBOUND, true);
        ResourceLimitException e = assertThrows(ResourceLimitException.class,
                () -> rm.openConnection(Direction.OUTBOUND, true));
        assertEquals("transient", e.scope());
        assertEquals(Resource.FILE_DESCRIPTORS, e.resource());
        rm.openConnection(Direction.OUTBOUND, false); // a connection without a socket of its own
        assertEquals(1L, rm.blocked().get(new ResourceManager.Blocked("transient", Resource.FILE_DESCRIPTORS,
                Optional.empty())));
    }

    @Test
    void memoryPriorityLeavesRoomForEssentialBuffers() throws Exception {
        ResourceManager rm = new ResourceManager(ResourceManagerConfig.builder()
                .system(ResourceLimits.unlimited().with(Resource.MEMORY, 1000)).build());
        ConnectionSpan c = rm.openConnection(Direction.INBOUND, true);
        c.reserveMemory(300, MemoryPriority.LOW); // LOW may use up to 101+1/256 of 1000 = 398
        assertThrows(ResourceLimitException.class, () -> c.reserveMemory(100, MemoryPriority.LOW));
        c.reserveMemory(100, MemoryPriority.HIGH);
        c.reserveMemory(600, MemoryPriority.ALWAYS);
        assertThrows(ResourceLimitException.class, () -> c.reserveMemory(1, MemoryPriority.ALWAYS));
        c.releaseMemory(500);
        assertEquals(500, rm.system().used(Resource.MEMORY));
        c.close();
        assertEquals(0, rm.system().used(Resource.MEMORY));
    }

    @Test
    void streamMemoryAndServiceScopes() throws Exception {
        ResourceManager rm = new ResourceManager(ResourceManagerConfig.builder()
                .serviceDefault(ResourceLimits.unlimited().with(Resource.INBOUND_STREAMS, 1))
                .stream(ResourceLimits.unlimited().with(Resource.MEMORY, 64)).build());
        ConnectionSpan c = rm.openConnection(Direction.INBOUND, true);
        c.setPeer(peer);
        StreamSpan s = c.openStream(Direction.INBOUND);
        assertThrows(IllegalStateException.class, () -> s.setService("kad"));
        s.setProtocol("/kad/1.0.0");
        s.reserveMemory(64, MemoryPriority.ALWAYS);
        ResourceLimitException tooMuch = assertThrows(ResourceLimitException.class,
                () -> s.reserveMemory(1, MemoryPriority.ALWAYS));
        assertEquals("stream", tooMuch.scope());
        s.setService("kad");
        assertEquals(1, rm.serviceScope("kad").orElseThrow().used(Resource.INBOUND_STREAMS));
        assertEquals(64, rm.serviceScope("kad").orElseThrow().used(Resource.MEMORY));
        assertEquals(64, rm.peerScope(peer).orElseThrow().used(Resource.MEMORY));

        StreamSpan s2 = c.openStream(Direction.INBOUND);
        s2.setProtocol("/kad/1.0.0");
        ResourceLimitException full = assertThrows(ResourceLimitException.class, () -> s2.setService("kad"));
        assertEquals("service:kad", full.scope());
        s2.close();
        s.close();
        c.close();
        assertTrue(rm.system().usage().isEmpty(), rm.system().usage().toString());
        assertTrue(rm.serviceScopes().isEmpty());
    }

    @Test
    void allowListedAddressesGetTheirOwnLimits() throws Exception {
        Multiaddr friend = Multiaddr.parse("/ip4/10.1.2.3/tcp/4001");
        Multiaddr stranger = Multiaddr.parse("/ip4/192.0.2.1/tcp/4001");
        ResourceLimits one = ResourceLimits.unlimited().with(Resource.INBOUND_CONNECTIONS, 1);
        ResourceManager rm = new ResourceManager(ResourceManagerConfig.builder().system(one)
                .allowlistedSystem(ResourceLimits.unlimited().with(Resource.INBOUND_CONNECTIONS, 2))
                .allowList(AllowList.empty().withNetwork(IpNetwork.parse("10.0.0.0/8"))
                        .withNetwork(IpNetwork.parse("172.16.0.0/12"), peer)).build());
        rm.openConnection(Direction.INBOUND, true, stranger, null);
        assertThrows(ResourceLimitException.class, () -> rm.openConnection(Direction.INBOUND, true, stranger, null));
        ConnectionSpan a = rm.openConnection(Direction.INBOUND, true, friend, null);
        assertTrue(a.allowlisted());
        assertEquals(1, rm.allowlistedSystem().used(Resource.INBOUND_CONNECTIONS));
        a.setPeer(other);
        assertEquals(1, rm.allowlistedSystem().used(Resource.INBOUND_CONNECTIONS), "stays in the allow-listed system");

        // An entry bound to a peer: the connection must turn out to be that peer.
        ConnectionSpan b = rm.openConnection(Direction.INBOUND, true, Multiaddr.parse("/ip4/172.16.0.9/tcp/1"), null);
        assertThrows(ResourceLimitException.class, () -> b.setPeer(other));
        b.close();
        ConnectionSpan c = rm.openConnection(Direction.INBOUND, true, friend, null);
        assertThrows(ResourceLimitException.class,
                () -> rm.openConnection(Direction.INBOUND, true, Multiaddr.parse("/ip4/10.0.0.1/tcp/1"), null),
                "the allow-listed limits hold too");
        a.close();
        c.close();
        assertTrue(rm.allowlistedSystem().usage().isEmpty());
    }

    @Test
    void allowListedPeerWhenDialing() throws Exception {
        ResourceManager rm = new ResourceManager(ResourceManagerConfig.builder()
                .system(ResourceLimits.unlimited().with(Resource.OUTBOUND_CONNECTIONS, 0))
                .allowList(AllowList.empty().withPeer(peer)).build());
        Multiaddr addr = Multiaddr.parse("/ip4/192.0.2.1/tcp/4001");
        assertThrows(ResourceLimitException.class, () -> rm.openConnection(Direction.OUTBOUND, true, addr, other));
        ConnectionSpan c = rm.openConnection(Direction.OUTBOUND, true, addr, peer);
        c.setPeer(peer);
        c.close();
    }

    @Test
    void defaultsScaleWithMemoryAndDescriptors() {
        ResourceManagerConfig small = ResourceManagerConfig.scaled(128L << 20, 1024);
        ResourceManagerConfig big = ResourceManagerConfig.scaled((128L << 20) + (4L << 30), 65536);
        assertEquals(64, small.system().limit(Resource.INBOUND_CONNECTIONS));
        assertEquals(64 + 4 * 64, big.system().limit(Resource.INBOUND_CONNECTIONS));
        assertEquals(1024, small.system().limit(Resource.FILE_DESCRIPTORS));
        assertEquals(65536 / 4, big.transientLimits().limit(Resource.FILE_DESCRIPTORS));
        assertEquals(8, big.peerDefault().limit(Resource.INBOUND_CONNECTIONS));
        assertTrue(big.system().limit(Resource.MEMORY) > small.system().limit(Resource.MEMORY));
        ResourceManagerConfig jvm = ResourceManagerConfig.defaults();
        assertTrue(jvm.system().limit(Resource.FILE_DESCRIPTORS) >= 16);
        assertTrue(ResourceManagerConfig.processFileDescriptorLimit() > 0);
        assertEquals(jvm, jvm.toBuilder().build());
        assertNotEquals(small, big);
    }

    @Test
    void overridesReplaceDefaults() {
        ResourceManagerConfig cfg = ResourceManagerConfig.builder()
                .peerDefault(ResourceLimits.unlimited().with(Resource.INBOUND_STREAMS, 5))
                .peer(peer, ResourceLimits.unlimited().with(Resource.INBOUND_STREAMS, 50))
                .protocol("/ipfs/ping/1.0.0", ResourceLimits.unlimited().with(Resource.STREAMS, 2)).build();
        assertEquals(50, cfg.peer(peer).limit(Resource.INBOUND_STREAMS));
        assertEquals(5, cfg.peer(other).limit(Resource.INBOUND_STREAMS));
        assertEquals(2, cfg.protocol("/ipfs/ping/1.0.0").limit(Resource.STREAMS));
        assertEquals(Map.of(Resource.INBOUND_STREAMS, 7L, Resource.MEMORY, 9L),
                ResourceLimits.unlimited().with(Resource.INBOUND_STREAMS, 5).with(Resource.MEMORY, 9)
                        .overriddenBy(ResourceLimits.unlimited().with(Resource.INBOUND_STREAMS, 7)).asMap());
    }
}
