package io.p2pkit.discovery.rendezvous;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.Stream;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.identity.PeerRecord;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.protobuf.LengthPrefixed;
import io.p2pkit.discovery.rendezvous.RendezvousMessage.Discover;
import io.p2pkit.discovery.rendezvous.RendezvousMessage.DiscoverResponse;
import io.p2pkit.discovery.rendezvous.RendezvousMessage.Register;
import io.p2pkit.discovery.rendezvous.RendezvousMessage.RegisterResponse;
import io.p2pkit.discovery.rendezvous.RendezvousMessage.Unregister;

import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A rendezvous point ({@code /rendezvous/1.0.0}): peers register themselves in namespaces with a
 * signed peer record (in either {@link RecordFormat}) and a TTL, and discover the others, a page
 * at a time with cookies; each record is handed out as its peer signed it. A
 * stream carries any number of requests, each answered in turn (rust-libp2p sends one per
 * stream); it is reset when idle for {@link RendezvousConfig#requestTimeout()} or on a malformed
 * message. Expired registrations are swept once a minute and never returned.
 *
 * <pre>{@code
 * RendezvousStore store = RendezvousStore.open(home.resolve("rendezvous.mv"));
 * RendezvousServer server = RendezvousServer.attach(host, store, RendezvousConfig.defaults());
 * }</pre>
 */
public final class RendezvousServer implements Closeable {
    /** The protocol ID. */
    public static final String PROTOCOL_ID = "/rendezvous/1.0.0";
    /** The largest request read: a register carries an envelope of at most 64 KiB and a namespace. */
    static final int MAX_REQUEST_BYTES = 80 * 1024;

    private static final System.Logger LOG = LazyLogger.of(RendezvousServer.class);
    private static final Duration SWEEP_EVERY = Duration.ofMinutes(1);

    private final Host host;
    private final RendezvousStore store;
    private final RendezvousConfig config;
    private final ScheduledFuture<?> sweep;

    private RendezvousServer(Host host, RendezvousStore store, RendezvousConfig config) {
        this.host = host;
        this.store = store;
        this.config = config;
        this.sweep = host.scheduler().scheduleWithFixedDelay(this::sweep, SWEEP_EVERY.toMillis(),
                SWEEP_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Serves rendezvous on {@code host} from {@code store}. The store stays the caller's to close,
     * after this server.
     */
    public static RendezvousServer attach(Host host, RendezvousStore store, RendezvousConfig config) {
        RendezvousServer s = new RendezvousServer(host, store, config);
        host.setStreamHandler(PROTOCOL_ID, s::serve);
        return s;
    }

    private void sweep() {
        try {
            int n = store.expire(config.clock().instant());
            if (n > 0) {
                LOG.log(System.Logger.Level.DEBUG, () -> "rendezvous: " + n + " registrations expired");
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "rendezvous: sweeping expired registrations failed", e);
        }
    }

    private void serve(Stream stream) throws IOException {
        PeerId peer = stream.remotePeer();
        while (true) {
            ScheduledFuture<?> idle = host.scheduler().schedule(stream::reset, config.requestTimeout().toMillis(),
                    TimeUnit.MILLISECONDS);
            byte[] bytes;
            try {
                bytes = LengthPrefixed.read(stream.in(), MAX_REQUEST_BYTES);
            } finally {
                idle.cancel(false);
            }
            if (bytes == null) {
                stream.close();
                return;
            }
            RendezvousMessage answer = switch (RendezvousMessage.decode(bytes)) {
                case Register r -> register(peer, r);
                case Unregister u -> unregister(peer, u);
                case Discover d -> discover(d);
                default -> throw new DecodeException("rendezvous", "a response is not a request");
            };
            if (answer != null) {
                LengthPrefixed.write(stream.out(), answer.encode());
                stream.out().flush();
            }
        }
    }

    /** Answers a register of {@code peer}; package-private for tests. */
    RegisterResponse register(PeerId peer, Register r) {
        if (!validNamespace(r.namespace())) {
            return refuse(Status.E_INVALID_NAMESPACE, "namespace must be 1 to " + config.maxNamespaceLength() + " bytes");
        }
        if (r.signedPeerRecord() == null) {
            return refuse(Status.E_INVALID_SIGNED_PEER_RECORD, "no signed peer record");
        }
        PeerRecord record;
        try {
            record = RecordFormat.open(r.signedPeerRecord()).record();
        } catch (DecodeException e) {
            return refuse(Status.E_INVALID_SIGNED_PEER_RECORD, e.getMessage());
        }
        if (!record.peerId().equals(peer)) {
            return refuse(Status.E_NOT_AUTHORIZED, "the record is of another peer");
        }
        long ttl = r.ttl() == null ? RendezvousConfig.DEFAULT_TTL.toSeconds() : r.ttl();
        if (ttl < config.minTtl().toSeconds() || ttl > config.maxTtl().toSeconds()) {
            return refuse(Status.E_INVALID_TTL, "ttl must be " + config.minTtl().toSeconds() + " to "
                    + config.maxTtl().toSeconds() + " seconds");
        }
        Instant now = config.clock().instant();
        Status s = store.register(r.namespace(), peer, r.signedPeerRecord(), now.toEpochMilli() + ttl * 1000, config, now);
        if (s != Status.OK) {
            return refuse(s, "too many registrations");
        }
        LOG.log(System.Logger.Level.DEBUG, () -> "rendezvous: " + peer + " registered in '" + r.namespace() + "' for " + ttl + " s");
        return new RegisterResponse(Status.OK, null, ttl);
    }

    private static RegisterResponse refuse(Status status, String text) {
        return new RegisterResponse(status, text, null);
    }

    private RendezvousMessage unregister(PeerId peer, Unregister u) {
        if (u.namespace() != null) {
            store.unregister(u.namespace(), peer);
        }
        return null; // the spec: no response
    }

    /** Answers a discover; package-private for tests. */
    DiscoverResponse discover(Discover d) {
        String ns = d.namespace();
        if (ns != null && ns.isEmpty()) {
            ns = null; // go clients send "" for all namespaces
        }
        if (ns != null && !validNamespace(ns)) {
            return failed(Status.E_INVALID_NAMESPACE, "namespace is longer than " + config.maxNamespaceLength() + " bytes");
        }
        long after = 0;
        if (d.cookie() != null) {
            Cookie c;
            try {
                c = Cookie.decode(d.cookie());
            } catch (DecodeException e) {
                return failed(Status.E_INVALID_COOKIE, e.getMessage());
            }
            String cookieNs = c.namespace() == null || c.namespace().isEmpty() ? null : c.namespace();
            if (cookieNs == null ? ns != null : !cookieNs.equals(ns)) {
                return failed(Status.E_INVALID_COOKIE, "the cookie is for another namespace");
            }
            after = store.seqOfCookie(c.id());
            if (!store.issued(after)) {
                return failed(Status.E_INVALID_COOKIE, "not a cookie of this point");
            }
        }
        int limit = d.limit() == null || d.limit() <= 0 || d.limit() > config.maxDiscoverLimit()
                ? config.maxDiscoverLimit() : d.limit().intValue();
        Instant now = config.clock().instant();
        RendezvousStore.Page page = store.discover(ns, after, limit, RendezvousMessage.MAX_BYTES - 4096, now);
        List<Register> regs = page.registrations().stream()
                .map(s -> new Register(s.namespace(), s.envelope(), s.secondsLeft(now)))
                .toList();
        return new DiscoverResponse(regs, new Cookie(store.cookieId(page.lastSeq()), ns).encode(), Status.OK, null);
    }

    private static DiscoverResponse failed(Status status, String text) {
        return new DiscoverResponse(List.of(), null, status, text);
    }

    private boolean validNamespace(String ns) {
        return ns != null && !ns.isEmpty() && ns.getBytes(StandardCharsets.UTF_8).length <= config.maxNamespaceLength();
    }

    /** Stops serving; the store stays open. */
    @Override
    public void close() {
        sweep.cancel(false);
        host.removeStreamHandler(PROTOCOL_ID);
    }
}
