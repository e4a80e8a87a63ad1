package io.p2pkit.nat.relay;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.connmgr.ConnectionManager;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.Stream;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiaddr.Protocol;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.network.ConnectionListener;
import io.p2pkit.core.resource.MemoryPriority;
import io.p2pkit.core.resource.ResourceLimitException;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The relay side of circuit relay v2: serves {@value #HOP_PROTOCOL}. A peer RESERVEs a slot (for
 * {@link RelayConfig#reservationTtl()}, with the relay's addresses and a signed
 * {@link ReservationVoucher}); another peer CONNECTs to it, and the relay opens
 * {@value #STOP_PROTOCOL} to the reserving peer over its existing connection and splices the two
 * streams, within {@link RelayConfig#limit()}.
 *
 * <p>Refused: reservations and connections arriving over a relayed connection, what the ACL
 * denies, reservations past the total or per-IP count ({@link Status#RESERVATION_REFUSED}),
 * connections past the per-peer count or the resource manager's limits
 * ({@link Status#RESOURCE_LIMIT_EXCEEDED}), connections to a peer without a live reservation
 * ({@link Status#NO_RESERVATION}). A malformed or unexpected message gets its status and the
 * stream is closed; nothing else is affected. A reservation ends when it expires or when its peer
 * disconnects. Streams are charged to the service {@value #SERVICE_NAME} of the resource manager,
 * reservations to their connection's scope.
 *
 * <pre>{@code
 * RelayService relay = RelayService.attach(host, RelayConfig.defaults());
 * }</pre>
 */
public final class RelayService implements Closeable {
    /** The hop protocol: clients to relay. */
    public static final String HOP_PROTOCOL = "/libp2p/circuit/relay/0.2.0/hop";
    /** The stop protocol: relay to the reserving peer. */
    public static final String STOP_PROTOCOL = "/libp2p/circuit/relay/0.2.0/stop";
    /** The resource manager service relay streams are charged to (go-libp2p's name). */
    public static final String SERVICE_NAME = "libp2p.relay/v2";
    /** How long a client may take to send its request, and the target to answer STOP (go: 1 min). */
    static final Duration STREAM_TIMEOUT = Duration.ofMinutes(1);
    /** How often expired reservations are dropped (go: every minute). */
    static final Duration GC_INTERVAL = Duration.ofMinutes(1);
    private static final String RESERVATION_TAG = "relay-reservation";
    private static final String HOP_TAG = "relay-v2-hop";

    private static final System.Logger LOG = LazyLogger.of(RelayService.class);

    private final Host host;
    private final RelayConfig config;
    private final ReservationTable table;
    private final ConnectionListener disconnects;
    private final ScheduledFuture<?> gc;
    private final AtomicLong reservationsAccepted = new AtomicLong();
    private volatile boolean closed;

    private RelayService(Host host, RelayConfig config) {
        this.host = host;
        this.config = config;
        this.table = new ReservationTable(config);
        this.disconnects = new ConnectionListener() {
            @Override
            public void disconnected(Connection c) {
                // the spec: a reservation is valid only while its peer stays connected
                if (host.network().connections(c.remotePeer()).isEmpty() && table.drop(c.remotePeer())) {
                    untag(c.remotePeer(), RESERVATION_TAG);
                }
            }
        };
        host.addConnectionListener(disconnects);
        this.gc = host.scheduler().scheduleWithFixedDelay(this::dropExpired, GC_INTERVAL.toMillis(),
                GC_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Starts relaying on {@code host} with {@code config}; the service closes with the host. */
    public static RelayService attach(Host host, RelayConfig config) {
        RelayService s = new RelayService(host, config);
        host.setStreamHandler(HOP_PROTOCOL, s::handle);
        host.addService(s);
        return s;
    }

    /** The settings. */
    public RelayConfig config() {
        return config;
    }

    /** Live reservations now. */
    public int reservationCount() {
        return table.size(config.clock().instant());
    }

    /** Relayed connections open now. */
    public int circuitCount() {
        return table.circuitCount();
    }

    /** Reservations accepted so far, renewals included. */
    public long reservationsAccepted() {
        return reservationsAccepted.get();
    }

    /** Whether {@code peer} holds a live reservation. */
    public boolean hasReservation(PeerId peer) {
        return table.has(peer, config.clock().instant());
    }

    /** Drops the reservations that have expired now (also done every minute). */
    public void dropExpired() {
        for (PeerId p : table.expire(config.clock().instant())) {
            untag(p, RESERVATION_TAG);
        }
    }

    private void handle(Stream s) throws IOException {
        try {
            s.setService(SERVICE_NAME);
            s.memory().reserveMemory(RelayWire.MAX_MESSAGE_BYTES, MemoryPriority.ALWAYS);
        } catch (ResourceLimitException e) {
            s.reset();
            return;
        }
        HopMessage request;
        ScheduledFuture<?> timeout = host.scheduler().schedule(s::reset, STREAM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        try {
            request = RelayWire.readHop(s.in());
        } catch (DecodeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "malformed hop message from " + s.remotePeer() + ": " + e.getMessage());
            refuse(s, Status.MALFORMED_MESSAGE);
            return;
        } finally {
            timeout.cancel(false);
            s.memory().releaseMemory(RelayWire.MAX_MESSAGE_BYTES);
        }
        switch (request.type()) {
            case RESERVE -> reserve(s);
            case CONNECT -> connect(s, request);
            default -> refuse(s, Status.UNEXPECTED_MESSAGE);
        }
    }

    private void reserve(Stream s) throws IOException {
        PeerId peer = s.remotePeer();
        Connection c = s.connection();
        if (closed || isRelayed(c)) {
            refuse(s, Status.PERMISSION_DENIED); // the spec: no reservations over relayed connections
            return;
        }
        if (!config.acl().allowReserve(peer, c.remoteAddress())) {
            refuse(s, Status.PERMISSION_DENIED);
            return;
        }
        Instant now = config.clock().instant();
        Instant expires = now.plus(config.reservationTtl()).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        long asn = c.remoteAddress().toSocketAddress().map(a -> config.asnTable().asnOf(a.getAddress())).orElse(0L);
        Optional<String> refused = table.reserve(peer, ipOf(c.remoteAddress()), asn, now, expires, c.resources());
        if (refused.isPresent()) {
            LOG.log(System.Logger.Level.DEBUG, () -> "refused a reservation of " + peer + ": " + refused.get());
            untag(peer, RESERVATION_TAG);
            refuse(s, Status.RESERVATION_REFUSED);
            return;
        }
        reservationsAccepted.incrementAndGet();
        host.service(ConnectionManager.class).ifPresent(m -> m.tagPeer(peer, RESERVATION_TAG, 10));
        byte[] voucher = new ReservationVoucher(host.peerId(), peer, expires).seal(host.identity());
        ReservationMessage reservation = new ReservationMessage(expires.getEpochSecond(), ownAddresses(), voucher);
        try {
            RelayWire.write(s.out(), HopMessage.status(Status.OK, reservation, limitMessage()));
            s.close();
        } catch (IOException e) {
            // not delivered: the reservation stays until it expires or the peer disconnects, as in go
            s.reset();
        }
    }

    private void connect(Stream s, HopMessage request) throws IOException {
        PeerId source = s.remotePeer();
        Connection c = s.connection();
        if (closed || isRelayed(c)) {
            refuse(s, Status.PERMISSION_DENIED); // the spec: no relaying over relayed connections
            return;
        }
        if (request.peer() == null) {
            refuse(s, Status.MALFORMED_MESSAGE);
            return;
        }
        PeerId target = request.peer().id();
        try {
            s.memory().reserveMemory(2L * config.bufferBytes(), MemoryPriority.HIGH);
        } catch (ResourceLimitException e) {
            refuse(s, Status.RESOURCE_LIMIT_EXCEEDED);
            return;
        }
        if (!config.acl().allowConnect(source, c.remoteAddress(), target)) {
            refuse(s, Status.PERMISSION_DENIED);
            return;
        }
        if (!table.has(target, config.clock().instant())) {
            refuse(s, Status.NO_RESERVATION);
            return;
        }
        if (!table.openCircuit(source, target)) {
            refuse(s, Status.RESOURCE_LIMIT_EXCEEDED);
            return;
        }
        tag(source, HOP_TAG);
        tag(target, HOP_TAG);
        try {
            Optional<Stream> stop = openStop(source, target);
            if (stop.isEmpty()) {
                refuse(s, Status.CONNECTION_FAILED);
                return;
            }
            try {
                RelayWire.write(s.out(), HopMessage.status(Status.OK, null, limitMessage()));
            } catch (IOException e) {
                stop.get().reset();
                s.reset();
                return;
            }
            LOG.log(System.Logger.Level.DEBUG, () -> "relaying " + source + " -> " + target);
            new Circuit(s, stop.get(), config.limit(), config.bufferBytes()).run(host.scheduler());
            stop.get().close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            s.reset();
        } finally {
            table.closeCircuit(source, target);
            untag(source, HOP_TAG);
            untag(target, HOP_TAG);
        }
    }

    /**
     * Opens {@value #STOP_PROTOCOL} to {@code target} over a connection it already has (the relay
     * does not dial: go's {@code WithNoDial}) and has it accept {@code source}'s connection.
     */
    private Optional<Stream> openStop(PeerId source, PeerId target) {
        Optional<Connection> toTarget = host.network().connection(target);
        if (toTarget.isEmpty()) {
            return Optional.empty();
        }
        Stream stop = null;
        try {
            stop = host.newStream(toTarget.get(), STOP_PROTOCOL);
            stop.setService(SERVICE_NAME);
            ScheduledFuture<?> timeout = host.scheduler().schedule(stop::reset, STREAM_TIMEOUT.toMillis(),
                    TimeUnit.MILLISECONDS);
            StopMessage answer;
            try {
                RelayWire.write(stop.out(), StopMessage.connect(PeerMessage.of(source), limitMessage()));
                answer = RelayWire.readStop(stop.in());
            } finally {
                timeout.cancel(false);
            }
            if (answer.type() != StopMessage.Type.STATUS || answer.status() != Status.OK.code()) {
                LOG.log(System.Logger.Level.DEBUG, () -> target + " refused a relayed connection from " + source
                        + ": " + answer.type() + " " + Status.describe(answer.status()));
                stop.reset();
                return Optional.empty();
            }
            return Optional.of(stop);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "stop to " + target + " failed: " + e);
            if (stop != null) {
                stop.reset();
            }
            return Optional.empty();
        }
    }

    private LimitMessage limitMessage() {
        return config.limit().map(LimitMessage::of).orElse(null);
    }

    /** The relay's own addresses as reservations carry them: with {@code /p2p/<relay>}, none relayed. */
    private List<Multiaddr> ownAddresses() {
        List<Multiaddr> out = new ArrayList<>();
        for (Multiaddr a : host.addresses()) {
            if (a.hasProtocol(Protocol.P2P_CIRCUIT) || !config.reservationAddresses().test(a)) {
                continue;
            }
            Optional<io.p2pkit.core.identity.PeerId> id = a.peerId();
            if (id.isPresent() && !id.get().equals(host.peerId())) {
                continue;
            }
            Multiaddr full = id.isPresent() ? a : a.encapsulate("/p2p/" + host.peerId());
            if (!out.contains(full)) {
                out.add(full);
            }
        }
        return out;
    }

    private static boolean isRelayed(Connection c) {
        return c.isLimited() || c.remoteAddress().hasProtocol(Protocol.P2P_CIRCUIT);
    }

    /** The remote's IP, the key of the per-IP reservation count; the whole address when it has none. */
    private static String ipOf(Multiaddr remote) {
        return remote.toSocketAddress().map(a -> a.getAddress().getHostAddress()).orElse(remote.toString());
    }

    private void refuse(Stream s, Status status) throws IOException {
        try {
            RelayWire.write(s.out(), HopMessage.status(status, null, null));
            s.close();
        } catch (IOException e) {
            s.reset();
        }
    }

    private void tag(PeerId peer, String tag) {
        host.service(ConnectionManager.class).ifPresent(m -> m.upsertTag(peer, tag, v -> v + 1));
    }

    private void untag(PeerId peer, String tag) {
        host.service(ConnectionManager.class).ifPresent(m -> {
            if (tag.equals(RESERVATION_TAG)) {
                m.untagPeer(peer, tag);
            } else {
                m.upsertTag(peer, tag, v -> v - 1);
            }
        });
    }

    /** Stops relaying: no new requests; reservations are dropped, open circuits run out. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        host.removeStreamHandler(HOP_PROTOCOL);
        host.network().removeConnectionListener(disconnects);
        gc.cancel(false);
        table.clear();
    }
}
