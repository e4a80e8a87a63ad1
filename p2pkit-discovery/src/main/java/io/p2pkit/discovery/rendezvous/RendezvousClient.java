package io.p2pkit.discovery.rendezvous;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.host.Stream;
import io.p2pkit.core.identity.Envelope;
import io.p2pkit.core.identity.PeerRecord;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.protobuf.LengthPrefixed;
import io.p2pkit.discovery.rendezvous.RendezvousMessage.Discover;
import io.p2pkit.discovery.rendezvous.RendezvousMessage.DiscoverResponse;
import io.p2pkit.discovery.rendezvous.RendezvousMessage.Register;
import io.p2pkit.discovery.rendezvous.RendezvousMessage.RegisterResponse;
import io.p2pkit.discovery.rendezvous.RendezvousMessage.Unregister;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The client side of {@code /rendezvous/1.0.0}: register this host in a namespace at a
 * rendezvous point (once, or kept alive by re-registering before the TTL runs out), unregister,
 * and discover the peers registered there, page by page with cookies. Each request runs on its
 * own stream, as rust-libp2p's do, within {@link #REQUEST_TIMEOUT}. Discovered records go into
 * the host's peer store, so the peers can be dialed by ID.
 *
 * <pre>{@code
 * RendezvousClient rendezvous = RendezvousClient.attach(host);
 * rendezvous.register(point, "my-app", null);                   // the point's default TTL, 2 h
 * for (Registration r : rendezvous.discoverAll(point, "my-app")) {
 *     host.connect(r.peerId());
 * }
 * }</pre>
 */
public final class RendezvousClient implements Closeable {
    /** How long one request may take, dialing the point excluded. */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** How long to wait before retrying a refresh that failed. */
    static final Duration RETRY_AFTER = Duration.ofMinutes(1);
    /** The most pages {@link #discoverAll} asks for, so that a point cannot keep it busy forever. */
    public static final int MAX_PAGES = 100;

    private static final System.Logger LOG = LazyLogger.of(RendezvousClient.class);

    private final Host host;
    private final RecordFormat format;
    private final Set<Refresh> refreshes = ConcurrentHashMap.newKeySet();

    private RendezvousClient(Host host, RecordFormat format) {
        this.host = host;
        this.format = format;
    }

    /** A client for {@code host} that signs its records as the spec says; closing it stops the refreshes it runs. */
    public static RendezvousClient attach(Host host) {
        return attach(host, RecordFormat.STANDARD);
    }

    /**
     * A client for {@code host} that signs its records in {@code format}:
     * {@link RecordFormat#RUST_LEGACY} to register at a rust-libp2p point, or to be found by
     * rust-libp2p clients. It reads records in either format.
     */
    public static RendezvousClient attach(Host host, RecordFormat format) {
        return new RendezvousClient(host, java.util.Objects.requireNonNull(format, "format"));
    }

    /**
     * Registers this host in {@code namespace} at {@code point}, with a peer record of its current
     * {@linkplain Host#addresses() addresses}.
     *
     * @param ttl how long the registration should last, whole seconds; null for the point's default
     * @return the TTL the point granted
     * @throws RendezvousException if the point refuses (bad namespace or TTL, full, …)
     * @throws IOException         if the point cannot be reached or answers wrongly
     */
    public Duration register(PeerInfo point, String namespace, Duration ttl) throws IOException {
        Envelope record = format.seal(new PeerRecord(host.peerId(), PeerRecord.nextSeq(), host.addresses()),
                host.identity());
        Register r = new Register(namespace, record.marshal(), ttl == null ? null : ttl.toSeconds());
        if (!(exchange(point, r) instanceof RegisterResponse answer)) {
            throw new DecodeException("rendezvous", "expected a register response");
        }
        if (answer.status() != Status.OK) {
            throw new RendezvousException(answer.status(), answer.statusText());
        }
        if (answer.ttl() == null || answer.ttl() <= 0) {
            throw new DecodeException("rendezvous", "register response without a TTL");
        }
        return Duration.ofSeconds(answer.ttl());
    }

    /**
     * Registers as {@link #register} now, and again each time three quarters of the granted TTL
     * have passed (with fresh addresses), until the returned handle or this client is closed. A
     * refresh that fails is retried after a minute; failures are logged.
     *
     * @throws IOException if the first registration fails
     */
    public Closeable registerAndRefresh(PeerInfo point, String namespace, Duration ttl) throws IOException {
        Duration granted = register(point, namespace, ttl);
        Refresh refresh = new Refresh(point, namespace, ttl);
        refreshes.add(refresh);
        refresh.schedule(granted.multipliedBy(3).dividedBy(4));
        return refresh;
    }

    /** A registration kept alive until closed. */
    private final class Refresh implements Closeable {
        private final PeerInfo point;
        private final String namespace;
        private final Duration ttl;
        private final AtomicReference<ScheduledFuture<?>> next = new AtomicReference<>();
        private volatile boolean closed;

        Refresh(PeerInfo point, String namespace, Duration ttl) {
            this.point = point;
            this.namespace = namespace;
            this.ttl = ttl;
        }

        void schedule(Duration after) {
            if (!closed) {
                long ms = Math.max(1000, after.toMillis());
                next.set(host.scheduler().schedule(() -> host.spawn("rendezvous-refresh", this::run), ms,
                        TimeUnit.MILLISECONDS));
            }
        }

        private void run() {
            if (closed) {
                return;
            }
            try {
                schedule(register(point, namespace, ttl).multipliedBy(3).dividedBy(4));
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, () -> "rendezvous: refreshing the registration in '" + namespace
                        + "' at " + point.peerId() + " failed, retrying in " + RETRY_AFTER + ": " + e);
                schedule(RETRY_AFTER);
            }
        }

        @Override
        public void close() {
            closed = true;
            refreshes.remove(this);
            ScheduledFuture<?> f = next.get();
            if (f != null) {
                f.cancel(false);
            }
        }
    }

    /**
     * Removes this host's registration in {@code namespace} at {@code point}. The point does not
     * answer, so this only says the request was sent.
     */
    public void unregister(PeerInfo point, String namespace) throws IOException {
        try (Stream s = host.newStream(point, RendezvousServer.PROTOCOL_ID)) {
            LengthPrefixed.write(s.out(), new Unregister(namespace).encode());
            s.closeWrite();
        }
    }

    /**
     * Asks {@code point} for registrations.
     *
     * @param namespace the namespace, or null for all
     * @param limit     the most to return; 0 for the point's maximum
     * @param cookie    the cookie of the previous page of the same query, or null to start over
     * @throws RendezvousException if the point refuses (an unknown cookie, a bad namespace)
     * @throws IOException         if the point cannot be reached or answers wrongly, a bad record included
     */
    public DiscoverPage discover(PeerInfo point, String namespace, int limit, byte[] cookie) throws IOException {
        if (limit < 0) {
            throw new IllegalArgumentException("negative limit");
        }
        Discover d = new Discover(namespace, limit == 0 ? null : (long) limit, cookie);
        if (!(exchange(point, d) instanceof DiscoverResponse answer)) {
            throw new DecodeException("rendezvous", "expected a discover response");
        }
        if (answer.status() != Status.OK) {
            throw new RendezvousException(answer.status(), answer.statusText());
        }
        if (answer.cookie() == null) {
            throw new DecodeException("rendezvous", "discover response without a cookie");
        }
        List<Registration> out = new ArrayList<>();
        for (Register r : answer.registrations()) {
            if (r.namespace() == null || r.signedPeerRecord() == null || r.ttl() == null) {
                throw new DecodeException("rendezvous", "registration without namespace, record or TTL");
            }
            RecordFormat.Opened opened = RecordFormat.open(r.signedPeerRecord());
            Duration ttl = Duration.ofSeconds(Math.min(r.ttl(), Duration.ofDays(365).toSeconds()));
            Registration reg = new Registration(r.namespace(), opened.record(), opened.envelope(), ttl);
            if (!reg.peerId().equals(host.peerId())) {
                if (opened.format() == RecordFormat.STANDARD) {
                    host.peerStore().consumePeerRecord(opened.envelope(), ttl);
                } else {
                    host.peerStore().addAddresses(reg.peerId(), opened.record().addresses(), ttl);
                }
            }
            out.add(reg);
        }
        return new DiscoverPage(out, answer.cookie());
    }

    /**
     * All registrations in {@code namespace} (all namespaces when null) at {@code point}: pages
     * of the point's maximum size until one comes back empty, at most {@value #MAX_PAGES} of them.
     */
    public List<Registration> discoverAll(PeerInfo point, String namespace) throws IOException {
        List<Registration> all = new ArrayList<>();
        byte[] cookie = null;
        for (int i = 0; i < MAX_PAGES; i++) {
            DiscoverPage page = discover(point, namespace, 0, cookie);
            all.addAll(page.registrations());
            if (page.registrations().isEmpty()) {
                break;
            }
            cookie = page.cookie();
        }
        return all;
    }

    private RendezvousMessage exchange(PeerInfo point, RendezvousMessage request) throws IOException {
        try (Stream s = host.newStream(point, RendezvousServer.PROTOCOL_ID)) {
            ScheduledFuture<?> deadline = host.scheduler().schedule(s::reset, REQUEST_TIMEOUT.toMillis(),
                    TimeUnit.MILLISECONDS);
            try {
                LengthPrefixed.write(s.out(), request.encode());
                s.closeWrite();
                byte[] bytes = LengthPrefixed.read(s.in(), RendezvousMessage.MAX_BYTES);
                if (bytes == null) {
                    throw new EOFException("the rendezvous point closed the stream without answering");
                }
                return RendezvousMessage.decode(bytes);
            } finally {
                deadline.cancel(false);
            }
        }
    }

    /** Stops every refresh; registrations already made stay until they expire. */
    @Override
    public void close() {
        List.copyOf(refreshes).forEach(Refresh::close);
    }
}
