package io.p2pkit.webrtc.transport;

import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.webrtc.mux.UdpMux;
import io.p2pkit.webrtc.mux.UdpRelay;
import io.p2pkit.webrtc.stun.StunMessage;
import io.p2pkit.webrtc.turn.TurnAllocation;
import io.p2pkit.webrtc.turn.TurnServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Relay candidates (RFC 8445 §5.1.1.2): an allocation on each configured TURN server, made from
 * the connection's socket while the STUN servers are asked, each giving a relay candidate (and
 * the address the server saw, a server-reflexive one). It sits first between the mux and the ICE
 * agent: what a TURN server sends goes to its allocation (responses, and relayed data handed back
 * to the mux as if from the peer); everything else goes on. A server that refuses or does not
 * answer in time gives no candidate, and its error (named in a warning, and in the handshake's
 * error if ICE then fails) does not stop the others.
 */
final class RelayGathering implements UdpMux.StunHandler {
    /** Most TURN servers per connection. */
    static final int MAX_SERVERS = io.p2pkit.webrtc.ice.IceAgent.MAX_RELAYS;

    private static final System.Logger LOG = LazyLogger.of(RelayGathering.class);

    private final List<TurnServer> servers;
    private final UdpMux.StunHandler next;
    private final List<TurnAllocation> allocations = new CopyOnWriteArrayList<>();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final List<Thread> running = new ArrayList<>();

    /**
     * @param servers the TURN servers to allocate on (at most {@link #MAX_SERVERS})
     * @param next    where everything not from a TURN server goes
     */
    RelayGathering(List<TurnServer> servers, UdpMux.StunHandler next) {
        if (servers.size() > MAX_SERVERS) {
            throw new IllegalArgumentException("at most " + MAX_SERVERS + " TURN servers, not " + servers.size());
        }
        this.servers = List.copyOf(servers);
        this.next = next;
    }

    /** Starts an Allocate on every server from {@code mux}'s socket, each ending by {@code deadline}; returns at once. */
    void start(UdpMux mux, Instant deadline) {
        for (TurnServer s : servers) {
            TurnAllocation a = new TurnAllocation(mux, s);
            allocations.add(a);
            running.add(Thread.ofVirtual().name("turn-allocate-" + s.address()).start(() -> allocate(a, deadline)));
        }
    }

    private void allocate(TurnAllocation a, Instant deadline) {
        try {
            a.allocate(deadline);
        } catch (IOException e) {
            failures.add(e.getMessage());
            LOG.log(System.Logger.Level.WARNING, () -> "no relay candidate: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for the allocations {@link #start} began and returns those made, in the servers' order. */
    List<TurnAllocation> await() throws InterruptedException {
        for (Thread t : running) {
            t.join();
        }
        return allocations.stream().filter(a -> a.relayedAddress() != null).toList();
    }

    /** What the servers that gave no candidate said (never a password). */
    List<String> failures() {
        return List.copyOf(failures);
    }

    /** Releases every allocation but {@code kept} (the selected pair's, or null), in the background. */
    void keepOnly(UdpRelay kept) {
        for (TurnAllocation a : allocations) {
            if (a != kept && !a.isReleased()) {
                Thread.ofVirtual().name("turn-release-" + a.server().address()).start(a::release);
            }
        }
    }

    @Override
    public void onStun(UdpMux mux, StunMessage message, InetSocketAddress from) {
        for (TurnAllocation a : allocations) {
            if (a.onStun(message, from)) {
                return;
            }
        }
        next.onStun(mux, message, from);
    }

    @Override
    public void onRelayed(UdpMux mux, StunMessage message, InetSocketAddress from, UdpRelay via) {
        next.onRelayed(mux, message, from, via);
    }

    @Override
    public void onChannelData(UdpMux mux, byte[] datagram, InetSocketAddress from) {
        for (TurnAllocation a : allocations) {
            a.onChannelData(datagram, from);
        }
    }

    @Override
    public String toString() {
        return "RelayGathering" + servers;
    }
}
