package io.p2pkit.nat.holepunch;

import io.p2pkit.core.identify.IdentifyResult;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiaddr.Protocol;
import io.p2pkit.core.network.Connection;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SequencedSet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Our addresses as single peers observed them over identify, newest first: candidates for a hole
 * punch even before enough observers agree for the host to advertise them (as rust-libp2p's dcutr
 * keeps its candidates). Behind a NAT the relay is often the only peer that sees us, and with an
 * endpoint-independent mapping its one observation is the address a hole can be punched to.
 * Bounded to {@link #MAX}.
 */
final class ObservedCandidates {
    /** The most candidates kept (rust-libp2p keeps 20). */
    static final int MAX = 16;

    private final Supplier<List<Multiaddr>> listenAddresses;
    private final ReentrantLock lock = new ReentrantLock();
    private final SequencedSet<Multiaddr> newestLast = new LinkedHashSet<>();

    /** @param listenAddresses the addresses the host listens on, as bound */
    ObservedCandidates(Supplier<List<Multiaddr>> listenAddresses) {
        this.listenAddresses = listenAddresses;
    }

    /** Takes the observed address of an identify exchange on a direct connection from a listening port. */
    void identified(IdentifyResult r) {
        Connection c = r.connection();
        if (r.observedAddr().isEmpty() || c.remoteAddress().hasProtocol(Protocol.P2P_CIRCUIT)) {
            return;
        }
        Multiaddr observed = r.observedAddr().get();
        if (observed.hasProtocol(Protocol.P2P_CIRCUIT) || !fromListeningPort(c.localAddress())) {
            return; // from an ephemeral port: nobody can reach us there
        }
        lock.lock();
        try {
            newestLast.remove(observed);
            newestLast.addLast(observed);
            if (newestLast.size() > MAX) {
                newestLast.removeFirst();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The candidates, newest first. */
    List<Multiaddr> addresses() {
        lock.lock();
        try {
            return new ArrayList<>(newestLast.reversed());
        } finally {
            lock.unlock();
        }
    }

    /** Same transport and port as a listen address (whose IP may be unspecified). */
    private boolean fromListeningPort(Multiaddr local) {
        var port = local.toSocketAddress();
        if (port.isEmpty()) {
            return false;
        }
        for (Multiaddr l : listenAddresses.get()) {
            var lp = l.toSocketAddress();
            if (lp.isPresent() && lp.get().getPort() == port.get().getPort() && l.protocols().equals(local.protocols())) {
                return true;
            }
        }
        return false;
    }
}
