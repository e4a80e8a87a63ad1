package io.p2pkit.nat.holepunch;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.Direction;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.LimitedConnections;
import io.p2pkit.core.host.Stream;
import io.p2pkit.core.identify.IdentifyResult;
import io.p2pkit.core.identify.IdentifyService;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiaddr.Protocol;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.network.ConnectionListener;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Direct Connection Upgrade through Relay ({@value #PROTOCOL_ID}) on a host, both roles.
 *
 * <p><b>Initiator.</b> When a peer connects to us through a relay (an inbound relayed connection)
 * and identify shows it speaks DCUtR, we first dial its public addresses plainly if it has any;
 * failing that, we open {@value #PROTOCOL_ID} on the relayed connection, send CONNECT with our
 * public addresses (advertised ones and single observations, never private or relayed ones),
 * time the peer's CONNECT (the RTT), send SYNC, wait RTT/2 and dial the peer's addresses, up to
 * {@link HolePunchConfig#maxAttempts()} times with a fresh exchange each.
 *
 * <p><b>Receiver.</b> On a DCUtR stream over a relayed connection we dialed, we answer CONNECT
 * with our addresses and dial the initiator's at once when its SYNC arrives.
 *
 * <p>Both ends dial at the same moment, each from its listening port, so that each one's packets
 * open its own NAT for the other's: over TCP the SYNs cross and make one connection that both
 * ends dialed (a simultaneous open), whose security handshake then needs roles from elsewhere:
 * the receiver is the client and the initiator the server (the spec, go-libp2p since v0.41),
 * except on the initiator's last attempt, where it is the client too, as go's, for older peers
 * that had the roles the other way round. Over QUIC (a transport that is a
 * {@link io.p2pkit.core.transport.HolePuncher}) only the client dials: the server sends random
 * packets to the client's addresses from its listening socket, which open its NAT for the
 * client's dial, and accepts that dial as an ordinary inbound QUIC connection.
 *
 * <p>Once a direct connection exists, the relayed ones to that peer are closed after
 * {@link HolePunchConfig#relayedCloseGrace()}; if none could be had, the relayed connection
 * stays. Either way the listeners get a {@link HolePunchEvent} and the outcome is logged.
 */
public final class HolePunchService implements Closeable {
    /** The protocol ID. */
    public static final String PROTOCOL_ID = "/libp2p/dcutr";

    private static final System.Logger LOG = LazyLogger.of(HolePunchService.class);
    /** The spec's interval between hole-punching packets over QUIC: random within these bounds. */
    private static final long PUNCH_MIN_INTERVAL_MS = 10;
    private static final long PUNCH_MAX_INTERVAL_MS = 200;

    private final Host host;
    private final HolePunchConfig config;
    private final IdentifyService identify;
    private final ObservedCandidates candidates;
    /** Peers with an upgrade under way, as initiator: one at a time per peer (go's {@code ErrHolePunchActive}). */
    private final Set<PeerId> active = ConcurrentHashMap.newKeySet();
    /** Dials under way, completed early by any direct connection to the peer (the other side's dial may win). */
    private final Map<PeerId, CompletableFuture<Connection>> waiting = new ConcurrentHashMap<>();
    private final List<Consumer<HolePunchEvent>> listeners = new CopyOnWriteArrayList<>();
    private final ConnectionListener watch;
    private volatile boolean closed;

    private HolePunchService(Host host, HolePunchConfig config, IdentifyService identify) {
        this.host = host;
        this.config = config;
        this.identify = identify;
        this.candidates = new ObservedCandidates(() -> host.network().listenAddresses());
        this.watch = new ConnectionListener() {
            @Override
            public void connected(Connection c) {
                if (closed) {
                    return;
                }
                if (!isRelayed(c)) {
                    CompletableFuture<Connection> w = waiting.get(c.remotePeer());
                    if (w != null) {
                        w.complete(c);
                    }
                } else if (c.direction() == Direction.INBOUND) {
                    host.spawn("p2pkit-dcutr " + c.remotePeer(), () -> initiate(c));
                }
            }
        };
    }

    /** Starts hole punching on {@code host} with go-libp2p's defaults; identify must be attached. */
    public static HolePunchService attach(Host host) {
        return attach(host, HolePunchConfig.defaults());
    }

    /**
     * Starts hole punching on {@code host}: serves {@value #PROTOCOL_ID} (on relayed connections
     * too) and upgrades every relayed connection that comes in. It closes with the host.
     *
     * @throws IllegalStateException when the host has no {@link IdentifyService}
     */
    public static HolePunchService attach(Host host, HolePunchConfig config) {
        IdentifyService identify = host.service(IdentifyService.class).orElseThrow(() ->
                new IllegalStateException("hole punching needs identify: attach an IdentifyService first"));
        HolePunchService s = new HolePunchService(host, config, identify);
        identify.addListener(s.candidates::identified);
        host.setStreamHandler(PROTOCOL_ID, s::receive, LimitedConnections.ALLOW);
        host.addConnectionListener(s.watch);
        host.addService(s);
        return s;
    }

    /** Calls {@code listener} with the outcome of every upgrade, from the thread that ran it. */
    public void addListener(Consumer<HolePunchEvent> listener) {
        listeners.add(listener);
    }

    /** The addresses we offer a peer: our public advertised ones, then single observations of us. */
    List<Multiaddr> ownAddresses() {
        List<Multiaddr> out = new ArrayList<>();
        for (List<Multiaddr> source : List.of(host.addresses(), candidates.addresses())) {
            for (Multiaddr a : source) {
                Multiaddr bare = a.withoutPeerId();
                if (!bare.hasProtocol(Protocol.P2P_CIRCUIT) && config.addressFilter().test(bare) && !out.contains(bare)) {
                    out.add(bare);
                }
            }
        }
        return out;
    }

    /** Which of the peer's addresses to dial: public (per the filter) and of a transport we have. */
    private boolean dialable(Multiaddr a) {
        return config.addressFilter().test(a) && host.network().canDial(a);
    }

    // ------------------------------------------------------------------ initiator

    private void initiate(Connection relayed) {
        PeerId peer = relayed.remotePeer();
        if (!active.add(peer)) {
            return; // an upgrade with this peer is under way already
        }
        try {
            IdentifyResult id;
            try {
                id = identify.awaitIdentified(relayed, IdentifyService.TIMEOUT);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "DCUtR: no identify from " + peer + ": " + e.getMessage());
                return;
            }
            if (!id.protocols().contains(PROTOCOL_ID)) {
                LOG.log(System.Logger.Level.DEBUG, () -> "DCUtR: " + peer + " does not speak " + PROTOCOL_ID);
                return;
            }
            if (directConnection(peer).isPresent()) {
                return;
            }
            if (config.directDialFirst() && dialDirectly(relayed, id)) {
                return;
            }
            holePunch(relayed);
        } finally {
            active.remove(peer);
        }
    }

    /** The spec's unilateral upgrade: a plain dial of the peer's public addresses, if it has any. */
    private boolean dialDirectly(Connection relayed, IdentifyResult id) {
        PeerId peer = relayed.remotePeer();
        List<Multiaddr> addrs = new ArrayList<>();
        for (List<Multiaddr> source : List.of(id.listenAddrs(), host.peerStore().addresses(peer))) {
            for (Multiaddr a : source) {
                Multiaddr bare = a.withoutPeerId();
                if (!bare.hasProtocol(Protocol.P2P_CIRCUIT) && dialable(bare) && !addrs.contains(bare)) {
                    addrs.add(bare);
                }
            }
        }
        if (addrs.isEmpty()) {
            return false;
        }
        try {
            Connection c = dial(peer, addrs, true);
            succeeded(relayed, HolePunchEvent.Role.INITIATOR, HolePunchEvent.Outcome.DIRECT_DIAL, 0, c,
                    "dialed its public address directly");
            return true;
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "DCUtR: direct dial of " + peer + " failed, hole punching: " + e.getMessage());
            return false;
        }
    }

    private void holePunch(Connection relayed) {
        PeerId peer = relayed.remotePeer();
        String lastError = "no attempt made";
        int attempt = 0;
        while (attempt < config.maxAttempts() && !closed) {
            attempt++;
            if (relayed.isClosed()) {
                lastError = "the relayed connection closed";
                break;
            }
            HolePunchExchange.Agreed agreed;
            Stream s = null;
            try {
                s = host.newStream(relayed, LimitedConnections.ALLOW, PROTOCOL_ID);
                Stream stream = s;
                ScheduledFuture<?> deadline = host.scheduler().schedule(stream::reset,
                        config.streamTimeout().toMillis(), TimeUnit.MILLISECONDS);
                try {
                    agreed = HolePunchExchange.initiate(s.in(), s.out(), ownAddresses(), this::dialable, config.nanoClock());
                } finally {
                    deadline.cancel(false);
                }
                s.close();
            } catch (IOException | DecodeException e) {
                if (s != null) {
                    s.reset();
                }
                // a protocol failure ends the upgrade at once, as in go: retrying would fail the same way
                lastError = "DCUtR exchange failed: " + e.getMessage();
                break;
            }
            boolean client = HolePunchExchange.initiatorIsClient(attempt, config.maxAttempts());
            int n = attempt;
            LOG.log(System.Logger.Level.DEBUG, () -> "DCUtR: attempt " + n + " with " + peer + ", RTT " + agreed.rtt()
                    + ", dialing " + agreed.remote() + (client ? " as the security client" : ""));
            try {
                if (!client) {
                    punchOnce(agreed.remote());
                }
                waitHalf(agreed.rtt());
                Connection c = dial(peer, agreed.remote(), client);
                succeeded(relayed, HolePunchEvent.Role.INITIATOR, HolePunchEvent.Outcome.HOLE_PUNCHED, attempt, c,
                        "hole punched on attempt " + attempt + " (RTT " + agreed.rtt().toMillis() + " ms)");
                return;
            } catch (InterruptedIOException e) {
                lastError = "interrupted";
                break;
            } catch (IOException e) {
                lastError = e.getMessage();
                String error = lastError;
                LOG.log(System.Logger.Level.DEBUG, () -> "DCUtR: attempt " + n + " with " + peer + " failed: " + error);
            }
        }
        failed(relayed, HolePunchEvent.Role.INITIATOR, attempt, lastError);
    }

    /** Waits half the RTT: the SYNC's way to the receiver, who dials the moment it arrives. */
    private void waitHalf(Duration rtt) throws InterruptedIOException {
        CompletableFuture<Void> due = new CompletableFuture<>();
        host.scheduler().schedule(() -> due.complete(null), rtt.toNanos() / 2, TimeUnit.NANOSECONDS);
        try {
            due.get(config.streamTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted before the hole punch");
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the scheduler did not run the hole punch timer", e);
        }
    }

    /**
     * One punch packet to each of {@code addrs} that a transport can punch (QUIC). The initiator
     * sends these already as its SYNC leaves, before the spec's RTT/2: they open its NAT for the
     * peer's dial, which may otherwise arrive first where the direct path is as quick as the
     * relayed one (the testbed), be dropped, and wait for QUIC's retransmission (about 1 s).
     */
    private void punchOnce(List<Multiaddr> addrs) {
        for (Multiaddr a : addrs) {
            if (!host.network().canPunch(a)) {
                continue;
            }
            try {
                host.network().punch(a);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "DCUtR: cannot hole punch to " + a + ": " + e.getMessage());
            }
        }
    }

    // ------------------------------------------------------------------ receiver

    private void receive(Stream s) throws IOException {
        Connection relayed = s.connection();
        if (!isRelayed(relayed) || relayed.direction() != Direction.OUTBOUND) {
            s.reset(); // only the peer we reached through a relay starts DCUtR with us
            return;
        }
        PeerId peer = relayed.remotePeer();
        HolePunchExchange.Agreed agreed;
        ScheduledFuture<?> deadline = host.scheduler().schedule(s::reset, config.streamTimeout().toMillis(),
                TimeUnit.MILLISECONDS);
        try {
            agreed = HolePunchExchange.respond(s.in(), s.out(), ownAddresses(), this::dialable, config.nanoClock());
        } catch (IOException | DecodeException e) {
            s.reset();
            LOG.log(System.Logger.Level.DEBUG, () -> "DCUtR from " + peer + " failed: " + e.getMessage());
            failed(relayed, HolePunchEvent.Role.RECEIVER, 1, "DCUtR exchange failed: " + e.getMessage());
            return;
        } finally {
            deadline.cancel(false);
        }
        s.close();
        LOG.log(System.Logger.Level.DEBUG, () -> "DCUtR: SYNC from " + peer + ", RTT " + agreed.rtt() + ", dialing "
                + agreed.remote());
        try {
            Connection c = dial(peer, agreed.remote(), true);
            succeeded(relayed, HolePunchEvent.Role.RECEIVER, HolePunchEvent.Outcome.HOLE_PUNCHED, 1, c,
                    "hole punched (RTT " + agreed.rtt().toMillis() + " ms)");
        } catch (IOException e) {
            failed(relayed, HolePunchEvent.Role.RECEIVER, 1, e.getMessage());
        }
    }

    // ------------------------------------------------------------------ dialing and outcomes

    /**
     * Dials {@code peer} directly with the given security role, within the dial timeout; a direct
     * connection the peer's own dial brings in meanwhile counts as well (on a network without
     * NAT one side's SYN reaches the other's listener before the other dials). The side that is
     * not the security client does not dial the addresses a transport can hole punch to (QUIC):
     * as the spec says, it sends them random packets from its listening socket until the peer's
     * dial comes in through the hole, so that one connection results with the dialer as client.
     */
    private Connection dial(PeerId peer, List<Multiaddr> addrs, boolean securityClient) throws IOException {
        List<Multiaddr> punched = securityClient ? List.of() : addrs.stream().filter(host.network()::canPunch).toList();
        List<Multiaddr> dialed = addrs.stream().filter(a -> !punched.contains(a)).toList();
        CompletableFuture<Connection> done = new CompletableFuture<>();
        AtomicReference<Throwable> dialFailure = new AtomicReference<>();
        waiting.put(peer, done);
        try {
            directConnection(peer).ifPresent(done::complete);
            if (!punched.isEmpty()) {
                LOG.log(System.Logger.Level.DEBUG, () -> "DCUtR: hole punching to " + punched + " for " + peer);
                punch(punched, done);
            }
            if (!dialed.isEmpty()) {
                host.spawn("p2pkit-dcutr-dial " + peer, () -> {
                    try {
                        done.complete(host.connectSimultaneous(peer, dialed, securityClient));
                    } catch (IOException | RuntimeException e) {
                        Optional<Connection> other = directConnection(peer);
                        if (other.isPresent()) {
                            done.complete(other.get());
                        } else if (punched.isEmpty()) {
                            done.completeExceptionally(e);
                        } else {
                            dialFailure.set(e); // the punched addresses may still bring the peer's dial
                        }
                    }
                });
            }
            return done.get(config.dialTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while dialing " + peer);
        } catch (TimeoutException e) {
            Throwable d = dialFailure.get();
            throw new IOException("no direct connection to " + peer + " within " + config.dialTimeout()
                    + (punched.isEmpty() ? "" : " (hole punched to " + punched + ")")
                    + (d == null ? "" : "; dialing " + dialed + " failed: " + d.getMessage()));
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } finally {
            waiting.remove(peer, done);
            done.cancel(false); // stops the punching
        }
    }

    /**
     * Sends a punch packet to each of {@code targets} now and again after a random 10 to 200 ms
     * (the spec's interval), until {@code done} completes.
     */
    private void punch(List<Multiaddr> targets, CompletableFuture<Connection> done) {
        if (done.isDone() || closed) {
            return;
        }
        punchOnce(targets);
        long next = ThreadLocalRandom.current().nextLong(PUNCH_MIN_INTERVAL_MS, PUNCH_MAX_INTERVAL_MS + 1);
        host.scheduler().schedule(() -> punch(targets, done), next, TimeUnit.MILLISECONDS);
    }

    private Optional<Connection> directConnection(PeerId peer) {
        return host.network().connections(peer).stream().filter(c -> !c.isClosed() && !isRelayed(c)).findFirst();
    }

    private static boolean isRelayed(Connection c) {
        return c.remoteAddress().hasProtocol(Protocol.P2P_CIRCUIT);
    }

    private void succeeded(Connection relayed, HolePunchEvent.Role role, HolePunchEvent.Outcome outcome, int attempts,
                           Connection direct, String detail) {
        Duration elapsed = Duration.between(relayed.opened(), direct.opened());
        LOG.log(System.Logger.Level.INFO, () -> "DCUtR: direct connection to " + relayed.remotePeer() + " at "
                + direct.remoteAddress() + " (" + detail + ", " + elapsed.toMillis() + " ms after the relayed one);"
                + " the relayed connection closes in " + config.relayedCloseGrace().toMillis() + " ms");
        host.scheduler().schedule(() -> closeRelayed(relayed.remotePeer()), config.relayedCloseGrace().toMillis(),
                TimeUnit.MILLISECONDS);
        tell(new HolePunchEvent(relayed.remotePeer(), role, outcome, attempts, Optional.of(direct.remoteAddress()),
                elapsed, detail));
    }

    private void failed(Connection relayed, HolePunchEvent.Role role, int attempts, String why) {
        Duration elapsed = Duration.between(relayed.opened(), Instant.now());
        String detail = role == HolePunchEvent.Role.INITIATOR
                ? "hole punching failed after " + attempts + " attempt(s): " + why + "; staying on the relayed connection"
                : "hole punch attempt failed: " + why + "; the relayed connection stays";
        LOG.log(System.Logger.Level.INFO, () -> "DCUtR with " + relayed.remotePeer() + ": " + detail);
        tell(new HolePunchEvent(relayed.remotePeer(), role, HolePunchEvent.Outcome.FAILED, attempts, Optional.empty(),
                elapsed, detail));
    }

    /** Closes the relayed connections to {@code peer}, if a direct one still lives. */
    private void closeRelayed(PeerId peer) {
        if (directConnection(peer).isEmpty()) {
            return;
        }
        for (Connection c : host.network().connections(peer)) {
            if (isRelayed(c)) {
                LOG.log(System.Logger.Level.DEBUG, () -> "DCUtR: closing the relayed connection " + c.id() + " to " + peer);
                c.close();
            }
        }
    }

    private void tell(HolePunchEvent e) {
        for (Consumer<HolePunchEvent> l : listeners) {
            try {
                l.accept(e);
            } catch (RuntimeException ex) {
                LOG.log(System.Logger.Level.WARNING, "hole punch listener " + l + " failed", ex);
            }
        }
    }

    /** Stops serving {@value #PROTOCOL_ID} and upgrading new relayed connections. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        host.removeStreamHandler(PROTOCOL_ID);
        host.network().removeConnectionListener(watch);
        for (CompletableFuture<Connection> w : waiting.values()) {
            w.completeExceptionally(new IOException("hole punching closed"));
        }
    }
}
