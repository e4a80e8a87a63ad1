package io.p2pkit.nat.autorelay;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.HostReachability;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.host.Reachability;
import io.p2pkit.core.identify.IdentifyResult;
import io.p2pkit.core.identify.IdentifyService;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.metrics.MetricRegistry;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.network.ConnectionListener;
import io.p2pkit.core.peerstore.AddressTtl;
import io.p2pkit.core.ping.PingService;
import io.p2pkit.core.ping.PingSession;
import io.p2pkit.nat.relay.RelayClient;
import io.p2pkit.nat.relay.RelayService;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * AutoRelay: while the host is not publicly reachable, it holds reservations with a few circuit
 * relays and so gets relayed addresses others can dial (go-libp2p's {@code autorelay}).
 *
 * <ul>
 *   <li>Relays come from {@linkplain AutoRelayConfig#staticRelays() the static list} when there is
 *       one, otherwise from connected peers whose identify lists
 *       {@value RelayService#HOP_PROTOCOL}: candidates, each pinged once and tried lowest RTT
 *       first ({@link RelayCandidate#RANKING}), dropped when they disconnect or
 *       {@linkplain AutoRelayConfig#maxCandidateAge() age}; the connected peers are searched for
 *       new ones at most once per {@linkplain AutoRelayConfig#minInterval() interval}.</li>
 *   <li>It reserves through the relay client's listen path ({@code host.listen(<relay>/p2p-circuit)}),
 *       which renews the reservations and announces the relayed addresses.</li>
 *   <li>A relay the host loses the connection to is dropped and another candidate taken; one that
 *       refuses or cannot be reached is left alone for {@linkplain AutoRelayConfig#backoff() a while}.</li>
 *   <li>When the host becomes {@link Reachability#PUBLIC} every reservation and relayed address is
 *       dropped; they are taken again when it is {@link Reachability#PRIVATE}. While reachability
 *       is {@link Reachability#UNKNOWN} from the start, only static relays are used (a fresh node
 *       has not learned yet whether it needs relays; an operator who names relays wants them);
 *       once a verdict came, {@code UNKNOWN} wants relays as {@code PRIVATE} does (as go).</li>
 * </ul>
 *
 * <p>All state is owned by one thread fed by a bounded queue of events; the reservations
 * themselves run on threads of their own and report back. Events dropped when the queue is full
 * are not lost for good: the periodic check looks at everything again.
 */
public final class AutoRelay implements Closeable {
    /** Events waiting for the owner thread; more are dropped (the periodic check recovers them). */
    static final int QUEUE = 256;

    private static final System.Logger LOG = LazyLogger.of(AutoRelay.class);
    /** How long one candidate's RTT ping may take. */
    private static final Duration PING_TIMEOUT = Duration.ofSeconds(10);

    private final Host host;
    private final RelayClient client;
    private final AutoRelayConfig config;
    private final InstantSource clock;
    private final Instant started;
    private final BlockingQueue<Runnable> events = new ArrayBlockingQueue<>(QUEUE);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Consumer<HostReachability.State> reachabilityWatch = s -> {
        if (s.reachability() != Reachability.UNKNOWN) {
            heardVerdict = true;
        }
        post(this::evaluate);
    };
    /** Whether AutoNAT (or whoever sets it) has ever said PUBLIC or PRIVATE. */
    private volatile boolean heardVerdict;
    private final ConnectionListener connectionWatch;
    private final ScheduledFuture<?> ticks;
    private volatile boolean closed;

    private final AutoRelayMetrics metrics = new AutoRelayMetrics();

    // ---- owned by the owner thread
    /** Relay-capable connected peers, in the order found. */
    private final Map<PeerId, RelayCandidate> found = new LinkedHashMap<>();
    /** When the connected peers were last searched for candidates. */
    private Instant lastSearch;
    /**
     * Connected peers whose candidacy aged out: only the next search finds them again, not an
     * identify push they send meanwhile (bounded by the connections; forgotten on disconnect).
     */
    private final Set<PeerId> aged = new HashSet<>();
    /** Relays we listen through, with the address listened on. */
    private final Map<PeerId, Multiaddr> relays = new LinkedHashMap<>();
    /** Reservations under way. */
    private final Map<PeerId, CompletableFuture<Multiaddr>> attempts = new HashMap<>();
    /** Relays left alone until the instant given. */
    private final Map<PeerId, Instant> backoff = new HashMap<>();
    private ScheduledFuture<?> bootCheck;

    // ---- read by anyone
    private volatile List<PeerId> relaysView = List.of();
    private volatile Set<PeerId> backoffView = Set.of();
    private volatile List<RelayCandidate> candidatesView = List.of();

    private AutoRelay(Host host, RelayClient client, AutoRelayConfig config, InstantSource clock) {
        this.host = host;
        this.client = client;
        this.config = config;
        this.clock = clock;
        this.started = clock.instant();
        this.heardVerdict = host.reachability().reachability() != Reachability.UNKNOWN; // AutoNAT ran before us
        this.connectionWatch = new ConnectionListener() {
            @Override
            public void disconnected(Connection c) {
                PeerId p = c.remotePeer();
                post(() -> peerDisconnected(p));
            }
        };
        host.reachability().addListener(reachabilityWatch);
        host.addConnectionListener(connectionWatch);
        host.service(IdentifyService.class).ifPresent(id -> id.addListener(this::identified));
        long every = config.checkInterval().toMillis();
        this.ticks = host.scheduler().scheduleWithFixedDelay(() -> post(this::evaluate), every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Starts AutoRelay on {@code host}, with the relay client it has (or attaches one); it closes
     * with the host.
     */
    public static AutoRelay attach(Host host, AutoRelayConfig config) throws IOException {
        return attach(host, config, InstantSource.system());
    }

    /** As {@link #attach(Host, AutoRelayConfig)}, with the clock backoffs and the boot delay are read on. */
    public static AutoRelay attach(Host host, AutoRelayConfig config, InstantSource clock) throws IOException {
        RelayClient client = host.service(RelayClient.class).orElse(null);
        if (client == null) {
            client = RelayClient.attach(host);
        }
        AutoRelay a = new AutoRelay(host, client, config, clock);
        host.addService(a);
        host.spawn("p2pkit-autorelay", a::run);
        a.post(a::evaluate);
        return a;
    }

    /** The relays a reservation is held with (or being renewed) now. */
    public List<PeerId> relays() {
        return relaysView;
    }

    /** The relay candidates known now, in the order they would be tried. */
    public List<RelayCandidate> candidates() {
        return candidatesView;
    }

    /**
     * Registers AutoRelay's metrics in {@code registry} (the node serves them with the others):
     * {@code p2pkit_autorelay_status}, {@code p2pkit_autorelay_reservations_total{event}}
     * ({@code opened}, {@code closed}), {@code p2pkit_autorelay_reservation_requests_total{outcome}}
     * ({@code ok}, {@code failed}), {@code p2pkit_autorelay_candidates_total{event}} ({@code added},
     * {@code removed}), {@code p2pkit_autorelay_candidates}, {@code p2pkit_autorelay_relays} and
     * {@code p2pkit_autorelay_desired_reservations}. Counting starts here.
     */
    public void registerMetrics(MetricRegistry registry) {
        metrics.register(java.util.Objects.requireNonNull(registry, "registry"), new AutoRelayMetrics.Gauges(
                () -> wanted() ? 1 : 0, () -> candidatesView.size(), () -> relaysView.size(),
                () -> wanted() ? config.numRelays() : 0));
    }

    /** The relays left alone for now, after they refused a reservation or could not be reached. */
    public Set<PeerId> backedOff() {
        return backoffView;
    }

    // ------------------------------------------------------------------ events

    /** For tests: waits until the owner thread has handled every event posted before this call. */
    void settle(Duration timeout) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        post(done::countDown);
        if (!done.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("autorelay did not settle within " + timeout);
        }
    }

    private void post(Runnable event) {
        if (!closed && !events.offer(event)) {
            LOG.log(System.Logger.Level.DEBUG, "autorelay event queue full; the next check catches up");
        }
    }

    private void run() {
        try {
            while (!closed) {
                Runnable e;
                try {
                    e = events.poll(1, TimeUnit.SECONDS);
                } catch (InterruptedException ie) {
                    return;
                }
                if (e == null || closed) {
                    continue;
                }
                try {
                    e.run();
                } catch (RuntimeException ex) {
                    LOG.log(System.Logger.Level.WARNING, "autorelay event failed", ex);
                }
            }
        } finally {
            stopped.countDown();
        }
    }

    private void identified(IdentifyResult r) {
        if (r.protocols().contains(RelayService.HOP_PROTOCOL)) {
            PeerId p = r.peerId();
            post(() -> {
                if (!aged.contains(p)) {
                    addCandidate(p);
                }
                evaluate();
            });
        }
    }

    private void peerDisconnected(PeerId p) {
        if (!host.network().connections(p).isEmpty()) {
            return;
        }
        aged.remove(p);
        if (found.remove(p) != null) {
            metrics.candidatesRemoved(1);
            publish();
        }
        if (relays.remove(p) != null) {
            LOG.log(System.Logger.Level.DEBUG, () -> "lost the relay " + p + "; looking for another");
            client.stopListening(p);
            metrics.reservationClosed(1);
            publish();
        }
        evaluate();
    }

    // ------------------------------------------------------------------ the state machine

    /** Whether relays are wanted at this reachability. */
    private boolean wanted() {
        Reachability r = host.reachability().reachability();
        // UNKNOWN as go: its relay finder starts on a PRIVATE or UNKNOWN event, and none comes
        // before AutoNAT's first verdict; static relays are wanted from the start
        return r == Reachability.PRIVATE
                || (r == Reachability.UNKNOWN && (heardVerdict || !config.staticRelays().isEmpty()));
    }

    /** Brings the relays held in line with what is wanted; runs on the owner thread only. */
    private void evaluate() {
        if (closed) {
            return;
        }
        harvest();
        Instant now = clock.instant();
        if (backoff.values().removeIf(until -> !until.isAfter(now))) {
            publish();
        }
        List<PeerId> old = found.values().stream()
                .filter(c -> !c.added().plus(config.maxCandidateAge()).isAfter(now)).map(RelayCandidate::peer).toList();
        if (!old.isEmpty()) {
            old.forEach(found::remove);
            aged.addAll(old);   // to be found again by a later search
            aged.removeIf(p -> host.network().connections(p).isEmpty());
            metrics.candidatesRemoved(old.size());
            publish();
        }
        searchCandidates(now);
        if (!wanted()) {
            if (!relays.isEmpty()) {
                LOG.log(System.Logger.Level.DEBUG, () -> "reachable: dropping the relays " + relays.keySet());
                relays.keySet().forEach(client::stopListening);
                metrics.reservationClosed(relays.size());
                relays.clear();
                publish();
            }
            return;
        }
        // a relay without a live reservation is replaced: its connection went without us hearing
        // (a dropped event), or it stopped renewing while connected, which counts as a refusal
        for (PeerId p : List.copyOf(relays.keySet())) {
            if (client.reservation(p).isEmpty()) {
                relays.remove(p);
                client.stopListening(p);
                metrics.reservationClosed(1);
                if (!host.network().connections(p).isEmpty()) {
                    backoff.put(p, now.plus(config.backoff()));
                }
                publish();
            }
        }
        int missing = config.numRelays() - relays.size() - attempts.size();
        if (missing <= 0) {
            return;
        }
        List<PeerInfo> candidates = usableCandidates(now);
        if (config.staticRelays().isEmpty() && relays.isEmpty() && candidates.size() < config.minCandidates()) {
            Instant bootEnd = started.plus(config.bootDelay());
            if (now.isBefore(bootEnd)) {
                scheduleBootCheck(bootEnd);
                return; // go: wait a while for enough candidates to choose from
            }
        }
        for (PeerInfo c : candidates) {
            if (missing-- <= 0) {
                break;
            }
            reserve(c);
        }
    }

    /**
     * Relays not in use, not being tried and not backed off: the static ones in their order, or
     * found ones in {@link RelayCandidate#RANKING} order.
     */
    private List<PeerInfo> usableCandidates(Instant now) {
        List<PeerInfo> out = new ArrayList<>();
        if (!config.staticRelays().isEmpty()) {
            for (PeerInfo p : config.staticRelays()) {
                if (usable(p.peerId())) {
                    out.add(p);
                }
            }
            return out;
        }
        for (PeerId p : found.values().stream().sorted(RelayCandidate.RANKING).map(RelayCandidate::peer).toList()) {
            if (!usable(p)) {
                continue;
            }
            Optional<Connection> direct = host.network().connections(p).stream().filter(c -> !c.isLimited()).findFirst();
            direct.ifPresent(c -> out.add(new PeerInfo(p, List.of(c.remoteAddress()))));
        }
        return out;
    }

    /**
     * Peers identified before we started, or aged out and still connected: searches the live
     * connections, at most once per minInterval (go's rate limit on its peer source). Static relays
     * need no search.
     */
    private void searchCandidates(Instant now) {
        if (!config.staticRelays().isEmpty()
                || (lastSearch != null && now.isBefore(lastSearch.plus(config.minInterval())))) {
            return;
        }
        lastSearch = now;
        aged.clear();
        for (Connection c : host.network().connections()) {
            PeerId p = c.remotePeer();
            if (host.peerStore().supports(p, RelayService.HOP_PROTOCOL)) {
                addCandidate(p);
            }
        }
    }

    /** Remembers a relay-capable peer (up to maxCandidates) and measures its RTT. */
    private void addCandidate(PeerId p) {
        if (found.containsKey(p) || found.size() >= config.maxCandidates() || p.equals(host.peerId())) {
            return;
        }
        found.put(p, new RelayCandidate(p, clock.instant(), Optional.empty()));
        metrics.candidateAdded();
        publish();
        Optional<PingService> ping = host.service(PingService.class);
        Optional<Connection> direct = host.network().connections(p).stream().filter(c -> !c.isLimited()).findFirst();
        if (ping.isEmpty() || direct.isEmpty()) {
            return;
        }
        host.spawn("p2pkit-autorelay-rtt", () -> {
            try (PingSession s = ping.get().session(direct.get())) {
                ScheduledFuture<?> deadline = host.scheduler().schedule(() -> s.stream().reset(),
                        PING_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                try {
                    Duration rtt = s.ping();
                    post(() -> {
                        if (found.computeIfPresent(p, (k, c) -> c.withRtt(rtt)) != null) {
                            publish();
                        }
                    });
                } finally {
                    deadline.cancel(false);
                }
            } catch (IOException | RuntimeException e) {
                // no ping: the candidate stays, ranked after the measured ones
                LOG.log(System.Logger.Level.DEBUG, () -> "no RTT for the relay candidate " + p + ": " + e);
            }
        });
    }

    private boolean usable(PeerId p) {
        return !p.equals(host.peerId()) && !relays.containsKey(p) && !attempts.containsKey(p) && !backoff.containsKey(p);
    }

    private void reserve(PeerInfo relay) {
        Multiaddr listen = relay.addresses().isEmpty()
                ? Multiaddr.parse("/p2p/" + relay.peerId() + "/p2p-circuit")
                : relay.addresses().get(0).encapsulate("/p2p/" + relay.peerId()).encapsulate("/p2p-circuit");
        if (relay.addresses().size() > 1) {
            host.peerStore().addAddresses(relay.peerId(), relay.addresses(), AddressTtl.TEMPORARY);
        }
        CompletableFuture<Multiaddr> f = new CompletableFuture<>();
        attempts.put(relay.peerId(), f);
        LOG.log(System.Logger.Level.DEBUG, () -> "reserving a slot on the relay " + relay.peerId());
        // host.listen blocks for the reservation (the relay client bounds it with its request timeout)
        host.spawn("p2pkit-autorelay-reserve", () -> {
            try {
                host.listen(listen);
                if (closed) {
                    client.stopListening(relay.peerId()); // closed while reserving: nobody will drop it later
                }
                f.complete(listen);
            } catch (IOException | RuntimeException e) {
                f.completeExceptionally(e);
            }
            post(this::evaluate);
        });
    }

    /** Takes in the finished reservations. */
    private void harvest() {
        for (var it = attempts.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            CompletableFuture<Multiaddr> f = e.getValue();
            if (!f.isDone()) {
                continue;
            }
            it.remove();
            PeerId p = e.getKey();
            try {
                f.join();
            } catch (RuntimeException failure) {
                LOG.log(System.Logger.Level.DEBUG, () -> "no reservation on " + p + ": " + failure.getCause());
                metrics.request(false);
                backoff.put(p, clock.instant().plus(config.backoff()));
                publish();
                continue;
            }
            metrics.request(true);
            if (wanted() && relays.size() < config.numRelays()) {
                relays.put(p, f.join());
                metrics.reservationOpened();
                LOG.log(System.Logger.Level.DEBUG, () -> "reserved a slot on the relay " + p);
            } else {
                client.stopListening(p); // no longer needed (the host became public meanwhile)
            }
            publish();
        }
    }

    private void scheduleBootCheck(Instant at) {
        if (bootCheck != null && !bootCheck.isDone()) {
            return;
        }
        long ms = Math.max(1, Duration.between(clock.instant(), at).toMillis());
        bootCheck = host.scheduler().schedule(() -> post(this::evaluate), ms, TimeUnit.MILLISECONDS);
    }

    private void publish() {
        relaysView = List.copyOf(relays.keySet());
        backoffView = Set.copyOf(backoff.keySet());
        candidatesView = found.values().stream().sorted(RelayCandidate.RANKING).toList();
    }

    // ------------------------------------------------------------------ closing

    /**
     * Stops AutoRelay and drops its relays (their reservations and relayed addresses); waits at
     * most a few seconds for the owner thread.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        events.offer(() -> { }); // wakes the owner now rather than at its next poll
        ticks.cancel(false);
        host.reachability().removeListener(reachabilityWatch);
        host.network().removeConnectionListener(connectionWatch);
        try {
            stopped.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // the owner is done (or stuck past its deadline): nothing else touches these now
        if (bootCheck != null) {
            bootCheck.cancel(false);
        }
        List<PeerId> drop = new ArrayList<>(relays.keySet());
        drop.addAll(attempts.keySet());
        drop.forEach(client::stopListening);
        metrics.reservationClosed(relays.size());
        relays.clear();
        publish();
    }
}
