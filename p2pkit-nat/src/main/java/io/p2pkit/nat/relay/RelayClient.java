package io.p2pkit.nat.relay;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.LimitedConnections;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.host.Stream;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiaddr.Protocol;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.network.ConnectionLimit;
import io.p2pkit.core.network.ConnectionListener;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The client side of circuit relay v2 on a host: a {@code /p2p-circuit} transport, so that
 * {@code host.connect(<relay address>/p2p/<relay>/p2p-circuit/p2p/<target>)} and every dial of such
 * an address go through the relay (and the connection is secured and multiplexed end to end, over
 * the relayed stream); listening on {@code <relay address>/p2p/<relay>/p2p-circuit} reserves a slot
 * and keeps it renewed, and the relayed addresses appear in {@code host.addresses()} while it
 * lives; relayed connections the relay brings ({@value RelayService#STOP_PROTOCOL}) are accepted
 * as inbound connections.
 *
 * <p>A relayed connection whose relay sent a limit is limited ({@link Connection#isLimited()}):
 * only protocols that opt in run on it. A reservation's voucher is verified when the relay sends
 * one (a bad one fails the reservation); a relay that sends none (rust-libp2p) is accepted.
 *
 * <pre>{@code
 * RelayClient.attach(host);
 * host.listen(Multiaddr.parse("/ip4/198.51.100.1/tcp/4001/p2p/12D3…relay/p2p-circuit"));
 * host.connect(Multiaddr.parse("/ip4/198.51.100.1/tcp/4001/p2p/12D3…relay/p2p-circuit/p2p/12D3…target"));
 * }</pre>
 */
public final class RelayClient implements Closeable {
    /** How long a relay may take to answer a RESERVE or CONNECT, and the relay to send STOP's CONNECT. */
    static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(1);

    private static final System.Logger LOG = LazyLogger.of(RelayClient.class);

    private final Host host;
    private final InstantSource clock;
    private final Map<PeerId, RelayListener> listeners = new ConcurrentHashMap<>();
    private final ConnectionListener relayWatch;
    private volatile boolean closed;

    private RelayClient(Host host, InstantSource clock) {
        this.host = host;
        this.clock = clock;
        this.relayWatch = new ConnectionListener() {
            @Override
            public void disconnected(Connection c) {
                RelayListener l = listeners.get(c.remotePeer());
                if (l != null && host.network().connections(c.remotePeer()).isEmpty()) {
                    l.relayLost();
                }
            }
        };
    }

    /** Attaches the client to {@code host}: its transport, its stop handler; it closes with the host. */
    public static RelayClient attach(Host host) throws IOException {
        return attach(host, InstantSource.system());
    }

    /** As {@link #attach(Host)}, with the wall clock reservation expiries are read against. */
    public static RelayClient attach(Host host, InstantSource clock) throws IOException {
        RelayClient c = new RelayClient(host, clock);
        host.addTransport(new CircuitTransport(c));
        // the stop stream arrives on the direct connection to the relay, never on a relayed one
        host.setStreamHandler(RelayService.STOP_PROTOCOL, c::handleStop);
        host.addConnectionListener(c.relayWatch);
        host.addService(c);
        return c;
    }

    Host host() {
        return host;
    }

    Instant now() {
        return clock.instant();
    }

    void addressesChanged() {
        if (!host.isClosed()) {
            host.addressesChanged();
        }
    }

    /** The live reservations of the relays listened through. */
    public List<Reservation> reservations() {
        List<Reservation> out = new ArrayList<>();
        for (RelayListener l : listeners.values()) {
            l.reservation().ifPresent(out::add);
        }
        return out;
    }

    /** The live reservation on {@code relay}, if listening through it. */
    public Optional<Reservation> reservation(PeerId relay) {
        RelayListener l = listeners.get(relay);
        return l == null ? Optional.empty() : l.reservation();
    }

    // ------------------------------------------------------------------ reserving

    /**
     * Reserves a slot on {@code relay} once (no renewal: listen through the relay for that), over a
     * direct connection to it.
     *
     * @throws RelayException when the relay refuses, answers wrongly, or sends a voucher that does not check out
     * @throws IOException    when the relay cannot be reached
     */
    public Reservation reserve(PeerInfo relay) throws IOException {
        Stream s = host.newStream(relay, RelayService.HOP_PROTOCOL);
        try {
            HopMessage answer = request(s, HopMessage.reserve());
            if (answer.type() != HopMessage.Type.STATUS) {
                throw new RelayException(Status.UNEXPECTED_MESSAGE.code(), "the relay answered RESERVE with " + answer.type());
            }
            if (answer.status() != Status.OK.code()) {
                throw new RelayException(answer.status(), relay.peerId() + " refused the reservation");
            }
            Reservation r = checked(relay.peerId(), s.connection(), answer);
            s.close();
            return r;
        } catch (IOException | RuntimeException e) {
            s.reset();
            throw e;
        }
    }

    /** The reservation in an OK answer, checked: expiry in the future, addresses, voucher. */
    private Reservation checked(PeerId relay, Connection c, HopMessage answer) throws RelayException {
        ReservationMessage m = answer.reservation();
        if (m == null) {
            throw new RelayException(Status.MALFORMED_MESSAGE.code(), "the relay's OK carries no reservation");
        }
        if (m.expire() < 0 || m.expire() > Instant.MAX.getEpochSecond()) {
            throw new RelayException(Status.MALFORMED_MESSAGE.code(), "reservation expiry out of range");
        }
        Instant expires = Instant.ofEpochSecond(m.expire());
        if (!expires.isAfter(now())) {
            throw new RelayException(Status.MALFORMED_MESSAGE.code(), "the reservation expired already (" + expires + ")");
        }
        Optional<ReservationVoucher> voucher = Optional.empty();
        if (m.voucher() != null) {
            ReservationVoucher v;
            try {
                v = ReservationVoucher.open(m.voucher());
            } catch (DecodeException e) {
                throw new RelayException(Status.MALFORMED_MESSAGE.code(), "bad reservation voucher", e);
            }
            if (!v.relay().equals(relay)) {
                throw new RelayException(Status.MALFORMED_MESSAGE.code(), "the voucher is for relay " + v.relay()
                        + ", not " + relay);
            }
            if (!v.peer().equals(host.peerId())) {
                throw new RelayException(Status.MALFORMED_MESSAGE.code(), "the voucher is for peer " + v.peer()
                        + ", not us");
            }
            voucher = Optional.of(v);
        }
        // the relay's addresses, each with /p2p/<relay>, and the one we reach it at (as js-libp2p:
        // a relay may send none, go-libp2p sends only public ones)
        List<Multiaddr> addrs = new ArrayList<>();
        List<Multiaddr> candidates = new ArrayList<>(m.addresses());
        candidates.add(c.remoteAddress());
        for (Multiaddr a : candidates) {
            if (a.hasProtocol(Protocol.P2P_CIRCUIT)) {
                continue;
            }
            Optional<PeerId> id = a.peerId();
            if (id.isPresent() && !id.get().equals(relay)) {
                continue;
            }
            Multiaddr full = id.isPresent() ? a : a.encapsulate("/p2p/" + relay);
            if (!addrs.contains(full)) {
                addrs.add(full);
            }
        }
        Optional<ConnectionLimit> limit = Optional.ofNullable(answer.limit()).map(LimitMessage::toLimit);
        return new Reservation(relay, expires, addrs, limit, voucher);
    }

    /** Sends {@code m} on {@code s} and reads the answer within {@link #REQUEST_TIMEOUT}. */
    private HopMessage request(Stream s, HopMessage m) throws IOException {
        ScheduledFuture<?> timeout = host.scheduler().schedule(s::reset, REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        try {
            RelayWire.write(s.out(), m);
            return RelayWire.readHop(s.in());
        } catch (DecodeException e) {
            throw new RelayException(Status.MALFORMED_MESSAGE.code(), "malformed answer from the relay", e);
        } finally {
            timeout.cancel(false);
        }
    }

    // ------------------------------------------------------------------ dialing

    /** The raw relayed connection to {@code target} through {@code relay} (the transport's dial). */
    RelayedConnection dialThrough(PeerInfo relay, PeerId target, Duration timeout) throws IOException {
        if (relay.peerId().equals(target) || relay.peerId().equals(host.peerId())) {
            throw new IOException("cannot relay to " + target + " through " + relay.peerId());
        }
        // the hop stream must run on a direct connection to the relay: relays refuse relayed ones
        Stream s = host.newStream(relay, RelayService.HOP_PROTOCOL);
        ScheduledFuture<?> deadline = host.scheduler().schedule(s::reset, timeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            HopMessage answer = request(s, HopMessage.connect(PeerMessage.of(target)));
            if (answer.type() != HopMessage.Type.STATUS) {
                throw new RelayException(Status.UNEXPECTED_MESSAGE.code(), "the relay answered CONNECT with " + answer.type());
            }
            if (answer.status() != Status.OK.code()) {
                throw new RelayException(answer.status(), relay.peerId() + " could not connect us to " + target);
            }
            if (!deadline.cancel(false)) {
                throw new IOException("relay " + relay.peerId() + " answered too late");
            }
            return new RelayedConnection(s, Optional.ofNullable(answer.limit()).map(LimitMessage::toLimit));
        } catch (IOException | RuntimeException e) {
            deadline.cancel(false);
            s.reset();
            throw e;
        }
    }

    // ------------------------------------------------------------------ listening

    RelayListener listenThrough(PeerInfo relay, Multiaddr address) throws IOException {
        if (closed) {
            throw new IOException("the relay client is closed");
        }
        RelayListener l = new RelayListener(this, relay, address);
        if (listeners.putIfAbsent(relay.peerId(), l) != null) {
            throw new IOException("already listening through " + relay.peerId());
        }
        try {
            l.start();
        } catch (IOException | RuntimeException e) {
            listeners.remove(relay.peerId(), l);
            throw e;
        }
        return l;
    }

    /**
     * Stops listening through {@code relay}: its reservation is no longer renewed and its relayed
     * addresses leave {@code host.addresses()} at once (AutoRelay drops relays this way, since the
     * host has no call to stop one listen address).
     *
     * @return whether the host was listening through {@code relay}
     */
    public boolean stopListening(PeerId relay) {
        RelayListener l = listeners.get(relay);
        if (l == null) {
            return false;
        }
        l.close();
        return true;
    }

    void listenerClosed(RelayListener l) {
        if (listeners.remove(l.relay().peerId(), l)) {
            addressesChanged();
        }
    }

    /**
     * A relay brings a connection: answer OK if we listen through it and the queue has room, hand
     * the stream to the listener as a raw connection, and keep this handler (which owns the
     * stream) until that connection closes.
     */
    private void handleStop(Stream s) throws IOException {
        StopMessage m;
        ScheduledFuture<?> timeout = host.scheduler().schedule(s::reset, REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        try {
            m = RelayWire.readStop(s.in());
        } catch (DecodeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "malformed stop message from " + s.remotePeer() + ": " + e.getMessage());
            answer(s, Status.MALFORMED_MESSAGE);
            return;
        } finally {
            timeout.cancel(false);
        }
        if (m.type() != StopMessage.Type.CONNECT) {
            answer(s, Status.UNEXPECTED_MESSAGE);
            return;
        }
        if (m.peer() == null) {
            answer(s, Status.MALFORMED_MESSAGE);
            return;
        }
        RelayListener l = listeners.get(s.remotePeer());
        if (l == null) {
            answer(s, Status.PERMISSION_DENIED); // not a relay we listen through
            return;
        }
        if (!l.hasRoom()) {
            answer(s, Status.RESOURCE_LIMIT_EXCEEDED);
            return;
        }
        RelayedConnection c = new RelayedConnection(s, Optional.ofNullable(m.limit()).map(LimitMessage::toLimit));
        RelayWire.write(s.out(), StopMessage.status(Status.OK));
        if (!l.offer(c)) {
            c.close();
            return;
        }
        LOG.log(System.Logger.Level.DEBUG, () -> "relayed connection from " + m.peer().id() + " via " + s.remotePeer());
        try {
            c.closed().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            c.close();
        } catch (ExecutionException e) {
            c.close();
        }
    }

    private static void answer(Stream s, Status status) throws IOException {
        try {
            RelayWire.write(s.out(), StopMessage.status(status));
            s.close();
        } catch (IOException e) {
            s.reset();
        }
    }

    /** Stops listening through every relay and serving stop; dialing through relays stops with the host. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        host.removeStreamHandler(RelayService.STOP_PROTOCOL);
        host.network().removeConnectionListener(relayWatch);
        for (RelayListener l : List.copyOf(listeners.values())) {
            l.close();
        }
    }
}
