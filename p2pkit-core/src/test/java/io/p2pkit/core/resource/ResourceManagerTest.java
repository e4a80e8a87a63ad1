package io.p2pkit.core.resource;

import io.p2pkit.core.Direction;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.identity.PeerId;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResourceManagerTest {
    private final PeerId peer = PrivateKey.generateEd25519().publicKey().toPeerId();

    @Test
    void chargesTheHierarchyAndReleasesEverything() throws Exception {
        ResourceManager rm = new ResourceManager();
        ConnectionSpan c = rm.openConnection(Direction.INBOUND, true);
        assertEquals(1, rm.transientScope().used(Resource.INBOUND_CONNECTIONS));
        assertEquals(1, rm.system().used(Resource.FILE_DESCRIPTORS));
        c.setPeer(peer);
        assertEquals(0, rm.transientScope().used(Resource.INBOUND_CONNECTIONS));
        assertEquals(1, rm.peerScope(peer).orElseThrow().used(Resource.INBOUND_CONNECTIONS));

        StreamSpan s = c.openStream(Direction.OUTBOUND);
        assertEquals(1, rm.transientScope().used(Resource.OUTBOUND_STREAMS));
        s.setProtocol("/echo");
        assertEquals(0, rm.transientScope().used(Resource.OUTBOUND_STREAMS));
        assertEquals(1, rm.protocolScope("/echo").orElseThrow().used(Resource.OUTBOUND_STREAMS));
        assertEquals(1, rm.peerScope(peer).orElseThrow().used(Resource.OUTBOUND_STREAMS));

        s.close();
        s.close(); // idempotent
        c.close();
        assertTrue(rm.system().usage().isEmpty(), rm.system().usage().toString());
        assertTrue(rm.transientScope().usage().isEmpty());
        assertTrue(rm.peerScope(peer).isEmpty(), "empty peer scopes are dropped");
        assertTrue(rm.protocolScope("/echo").isEmpty());
    }

    /**
     * Issue 16 asked whether the resource manager, like the connection manager, leaves state that
     * only a later event would clean up. It does not: limits are checked when a reservation is
     * made, and a scope is dropped by the release or the refused move that empties it, so there
     * is nothing for a timer to do (go-libp2p's rcmgr needs a GC loop because its scopes are
     * reference-counted). This pins that down for the refusal paths.
     */
    @Test
    void refusedAttributionsLeaveNoScopeBehind() throws Exception {
        ResourceManagerConfig cfg = ResourceManagerConfig.builder()
                .peerDefault(ResourceLimits.unlimited().with(Resource.INBOUND_CONNECTIONS, 1))
                .protocolDefault(ResourceLimits.unlimited().with(Resource.INBOUND_STREAMS, 0)).build();
        ResourceManager rm = new ResourceManager(cfg);
        PeerId other = PrivateKey.generateEd25519().publicKey().toPeerId();
        ConnectionSpan first = rm.openConnection(Direction.INBOUND, true);
        first.setPeer(peer);
        ConnectionSpan second = rm.openConnection(Direction.INBOUND, true);
        assertThrows(ResourceLimitException.class, () -> second.setPeer(peer));
        second.close();
        StreamSpan s = first.openStream(Direction.INBOUND);
        assertThrows(ResourceLimitException.class, () -> s.setProtocol("/refused"));
        assertTrue(rm.protocolScope("/refused").isEmpty(), "a refused protocol leaves no scope");
        s.close();
        ConnectionSpan third = rm.openConnection(Direction.INBOUND, true);
        third.setPeer(other);
        third.close();
        assertTrue(rm.peerScope(other).isEmpty(), "a closed peer's scope is gone at once");
        // a span closed before its connection was attributed (a transport opened and closed it)
        ConnectionSpan fourth = rm.openConnection(Direction.INBOUND, false);
        fourth.close();
        assertThrows(IllegalStateException.class, () -> fourth.setPeer(other));
        assertTrue(rm.peerScope(other).isEmpty(), "attributing a closed span makes no scope");
        first.close();
        assertTrue(rm.peerScopes().isEmpty(), rm.peerScopes().toString());
        assertTrue(rm.protocolScopes().isEmpty(), rm.protocolScopes().toString());
        assertTrue(rm.system().usage().isEmpty(), rm.system().usage().toString());
    }

    @Test
    void aLimitRefusesWithTheScopeAndChargesNothing() throws Exception {
        ResourceLimits sys = ResourceLimits.unlimited().with(Resource.OUTBOUND_CONNECTIONS, 1);
        ResourceLimits peerLimits = ResourceLimits.unlimited().with(Resource.INBOUND_STREAMS, 2);
        ResourceManagerConfig cfg = ResourceManagerConfig.builder().system(sys).peerDefault(peerLimits).build();
        ResourceManager rm = new ResourceManager(cfg);
        ConnectionSpan c = rm.openConnection(Direction.OUTBOUND, true);
        ResourceLimitException e = assertThrows(ResourceLimitException.class,
                () -> rm.openConnection(Direction.OUTBOUND, true));
        assertEquals("system", e.scope());
        assertEquals(Resource.OUTBOUND_CONNECTIONS, e.resource());
        assertTrue(e.getMessage().startsWith("local resource limit reached"), e.getMessage());
        assertEquals(1, rm.system().used(Resource.FILE_DESCRIPTORS), "the refused connection charged nothing");

        c.setPeer(peer);
        c.openStream(Direction.INBOUND);
        c.openStream(Direction.INBOUND);
        ResourceLimitException s = assertThrows(ResourceLimitException.class, () -> c.openStream(Direction.INBOUND));
        assertEquals("peer:" + peer, s.scope());
        assertEquals(2, rm.system().used(Resource.INBOUND_STREAMS));
    }

    @Test
    void aLocalLimitIsFoundInACauseChainAndARemoteResetIsNot() {
        ResourceLimitException limit = new ResourceLimitException("connection", Resource.MEMORY, 10, 9, null);
        io.p2pkit.core.muxer.StreamResetException local =
                new io.p2pkit.core.muxer.StreamResetException("connection closed", false);
        local.initCause(new java.io.IOException("read failed", limit));
        assertEquals(java.util.Optional.of(limit), ResourceLimitException.find(local));
        assertEquals(java.util.Optional.of(limit), ResourceLimitException.find(limit));
        assertTrue(ResourceLimitException.find(new io.p2pkit.core.muxer.StreamResetException("reset by remote", true))
                .isEmpty());
        assertTrue(ResourceLimitException.find(null).isEmpty());
    }

    @Test
    void peerMustBeSetBeforeStreams() throws Exception {
        ResourceManager rm = new ResourceManager();
        ConnectionSpan c = rm.openConnection(Direction.OUTBOUND, false);
        c.openStream(Direction.OUTBOUND);
        assertThrows(IllegalStateException.class, () -> c.setPeer(peer));
    }

    @Test
    void aTryReservationAnswersARefusalWithFalseChargesNothingAndIsCounted() throws Exception {
        ResourceLimits sys = ResourceLimits.unlimited().with(Resource.MEMORY, 1000);
        ResourceManager rm = new ResourceManager(ResourceManagerConfig.builder().system(sys).build());
        ConnectionSpan c = rm.openConnection(Direction.INBOUND, true);
        assertTrue(c.tryReserveMemory(600, MemoryPriority.ALWAYS));
        // priority 127 may use 128/256 of the limit: 500 bytes, of which 600 are taken
        assertFalse(c.tryReserveMemory(1, 127));
        assertFalse(c.tryReserveMemory(401, MemoryPriority.ALWAYS));
        assertEquals(600, rm.system().used(Resource.MEMORY), "the refusals charged nothing");
        assertEquals(2L, rm.blocked().get(new ResourceManager.Blocked("system", Resource.MEMORY, java.util.Optional.empty())),
                "each refusal is counted, as a refused reserveMemory is");

        StreamSpan s = c.openStream(Direction.OUTBOUND);
        assertTrue(s.tryReserveMemory(400, MemoryPriority.ALWAYS));
        assertFalse(s.tryReserveMemory(1, MemoryPriority.ALWAYS));
        assertEquals(1000, rm.system().used(Resource.MEMORY));
        s.close();
        assertThrows(IllegalStateException.class, () -> s.tryReserveMemory(1, MemoryPriority.ALWAYS));
        assertEquals(600, rm.system().used(Resource.MEMORY));

        c.close();
        assertTrue(c.tryReserveMemory(1 << 20, MemoryPriority.ALWAYS), "a closed connection's buffers are not counted");
        assertEquals(0, rm.system().used(Resource.MEMORY));
    }

    @Test
    void memoryIsReleasedWithTheConnection() throws Exception {
        ResourceManager rm = new ResourceManager();
        ConnectionSpan c = rm.openConnection(Direction.INBOUND, true);
        c.reserveMemory(4096);
        assertEquals(4096, rm.system().used(Resource.MEMORY));
        c.close();
        assertEquals(0, rm.system().used(Resource.MEMORY));
    }
}
