package io.p2pkit.nat.autonat;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.network.Connection;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Dials requesters back from a host of its own (another identity, no listener, its own
 * peerstore), so that a dial back is always a new connection from a new port, never the
 * requester's connection to us, and the main peerstore never learns unverified addresses. That
 * host (a second transport stack, QUIC's among them) is made at the first request, not when the
 * node starts: most nodes, and every short-lived one, are never asked.
 */
final class DialBacks implements Closeable {
    private final AutoNatConfig.Dialer factory;
    private final ReentrantLock lock = new ReentrantLock();
    private Host dialer;
    private boolean closed;

    DialBacks(AutoNatConfig.Dialer factory) {
        this.factory = factory;
    }

    /** The dialing host, made on first use. */
    Host host() throws IOException {
        lock.lock();
        try {
            if (closed) {
                throw new IOException("AutoNAT is closed");
            }
            if (dialer == null) {
                dialer = Objects.requireNonNull(factory.create(), "the dialer made no host");
            }
            return dialer;
        } finally {
            lock.unlock();
        }
    }

    /** Whether the dialer has a transport for {@code address} (false when it cannot be made). */
    boolean canDial(Multiaddr address) {
        try {
            return host().network().canDial(address);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Connects to {@code peer} on exactly {@code addresses}, within {@code timeout}.
     *
     * @throws IOException when no address works in time
     */
    Connection dial(PeerId peer, List<Multiaddr> addresses, Duration timeout) throws IOException {
        Host dialer = host();
        // Only these addresses: forget whatever an earlier request left behind, its back-off too. A
        // failed dial-back (a closed port the requester asked about) would otherwise back the whole
        // peer off, and its next request, for an address that works, would be judged unreachable.
        dialer.peerStore().remove(peer);
        dialer.network().dialPolicy().forget(peer);
        CompletableFuture<Connection> f = new CompletableFuture<>();
        dialer.spawn("p2pkit-autonat-dial-back", () -> {
            try {
                Connection c = dialer.connect(new PeerInfo(peer, addresses));
                if (!f.complete(c)) {
                    c.close(); // too late: the request has been answered
                }
            } catch (IOException | RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while dialing back");
        } catch (TimeoutException e) {
            f.cancel(false);
            throw new IOException("dial back did not finish within " + timeout);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException("dial back failed", e.getCause());
        } finally {
            dialer.peerStore().remove(peer);
        }
    }

    /** Closes {@code peer}'s connections on the dialer. */
    void hangUp(PeerId peer) {
        Host dialer;
        lock.lock();
        try {
            dialer = this.dialer;
        } finally {
            lock.unlock();
        }
        if (dialer != null) {
            for (Connection c : dialer.network().connections(peer)) {
                c.close();
            }
            dialer.peerStore().remove(peer);
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            if (dialer != null) {
                dialer.close();
            }
        } finally {
            lock.unlock();
        }
    }
}
