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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Dials requesters back from a host of its own (another identity, no listener, its own
 * peerstore), so that a dial back is always a new connection from a new port, never the
 * requester's connection to us, and the main peerstore never learns unverified addresses.
 */
final class DialBacks implements Closeable {
    private final Host dialer;

    DialBacks(Host dialer) {
        this.dialer = dialer;
    }

    /** The dialing host. */
    Host host() {
        return dialer;
    }

    /** Whether the dialer has a transport for {@code address}. */
    boolean canDial(Multiaddr address) {
        return dialer.network().canDial(address);
    }

    /**
     * Connects to {@code peer} on exactly {@code addresses}, within {@code timeout}.
     *
     * @throws IOException when no address works in time
     */
    Connection dial(PeerId peer, List<Multiaddr> addresses, Duration timeout) throws IOException {
        // Only these addresses: forget whatever an earlier request left behind.
        dialer.peerStore().remove(peer);
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
        for (Connection c : dialer.network().connections(peer)) {
            c.close();
        }
        dialer.peerStore().remove(peer);
    }

    @Override
    public void close() {
        dialer.close();
    }
}
