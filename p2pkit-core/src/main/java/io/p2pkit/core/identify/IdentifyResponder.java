package io.p2pkit.core.identify;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.LimitedConnections;
import io.p2pkit.core.host.LocalChange;
import io.p2pkit.core.host.Stream;
import io.p2pkit.core.identity.PeerRecord;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.protobuf.LengthPrefixed;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The side of identify that speaks for this node: it answers {@code /ipfs/id/1.0.0} requests with
 * this node's key, addresses, protocols and signed peer record, and pushes them on
 * {@code /ipfs/id/push/1.0.0} to every connected peer that takes pushes when they change (changes
 * within {@link IdentifyService#PUSH_DELAY} are batched). What other peers say is
 * {@link IdentifyService}'s side.
 */
final class IdentifyResponder {
    private static final System.Logger LOG = LazyLogger.of(IdentifyResponder.class);

    private final Host host;
    private final IdentifyObservers observers;
    private final AtomicReference<ScheduledFuture<?>> pendingPush = new AtomicReference<>();
    private volatile CachedRecord record;
    private final ReentrantLock recordLock = new ReentrantLock();
    private volatile boolean closed;

    private record CachedRecord(List<Multiaddr> addresses, byte[] envelope) {
    }

    IdentifyResponder(Host host, IdentifyObservers observers) {
        this.host = host;
        this.observers = observers;
    }

    /** Answers an identify request: our message, then the end of the stream. */
    void respond(Stream s) throws IOException {
        LengthPrefixed.write(s.out(), ownMessage(s.connection()).encode());
        s.closeWrite();
        observers.tell(o -> o.sent(false));
    }

    /** Our identify message as sent on {@code c}. */
    IdentifyMessage ownMessage(Connection c) {
        List<Multiaddr> addrs = host.addresses();
        return new IdentifyMessage(host.identity().publicKey().marshal(), addrs, host.protocols(),
                c.remoteAddress(), IdentifyService.PROTOCOL_VERSION, host.agentVersion(), signedRecord(addrs));
    }

    /**
     * The signed peer record of our current addresses, made again only when they change. Made under
     * the lock: a push and an answer that met here would otherwise each sign a record of their own
     * sequence number, and every peer would verify both.
     */
    private byte[] signedRecord(List<Multiaddr> addrs) {
        CachedRecord r = record;
        if (r != null && r.addresses().equals(addrs)) {
            return r.envelope();
        }
        recordLock.lock();
        try {
            r = record;
            if (r == null || !r.addresses().equals(addrs)) {
                PeerRecord rec = new PeerRecord(host.peerId(), PeerRecord.nextSeq(), addrs);
                r = new CachedRecord(addrs, rec.seal(host.identity()).marshal());
                record = r;
            }
            return r.envelope();
        } finally {
            recordLock.unlock();
        }
    }

    /** Our protocols or addresses changed: push in a moment, with whatever else changes meanwhile. */
    void schedulePush(LocalChange change) {
        if (closed) {
            return;
        }
        observers.tell(o -> o.pushTriggered(change));
        ScheduledFuture<?> next = host.scheduler().schedule(() -> host.spawn("p2pkit-identify-push", this::pushAll),
                IdentifyService.PUSH_DELAY.toMillis(), TimeUnit.MILLISECONDS);
        ScheduledFuture<?> previous = pendingPush.getAndSet(next);
        if (previous != null) {
            previous.cancel(false);
        }
    }

    private void pushAll() {
        for (Connection c : host.network().connections()) {
            if (closed) {
                return;
            }
            if (!host.peerStore().supports(c.remotePeer(), IdentifyService.PUSH_PROTOCOL_ID)) {
                continue;
            }
            try (Stream s = host.newStream(c, LimitedConnections.ALLOW, IdentifyService.PUSH_PROTOCOL_ID)) {
                LengthPrefixed.write(s.out(), ownMessage(c).encode());
                s.closeWrite();
                observers.tell(o -> o.sent(true));
            } catch (IOException | RuntimeException e) {
                // a peer that cannot take the push learns on its next identify
                LOG.log(System.Logger.Level.DEBUG, () -> "identify push to " + c.remotePeer() + " failed: " + e);
            }
        }
    }

    /** Stops pushing. */
    void close() {
        closed = true;
        ScheduledFuture<?> p = pendingPush.getAndSet(null);
        if (p != null) {
            p.cancel(false);
        }
    }
}
