package io.p2pkit.nat.autonat;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.HostReachability;
import io.p2pkit.core.host.Reachability;
import io.p2pkit.core.identify.IdentifyResult;
import io.p2pkit.core.identify.IdentifyService;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.metrics.MetricRegistry;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.network.Connection;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * AutoNAT v1 and v2 on a host: finds out whether other peers can dial this node, and helps other
 * peers find out the same.
 *
 * <p><b>Client.</b> Now and then (go's schedule, {@link AutoNatConfig.Probes}) it picks a
 * connected peer that serves AutoNAT and has not been asked lately, and asks it to dial us back:
 * with v2 ({@value #V2_DIAL_REQUEST}) when the peer speaks it, checking our addresses one at a
 * time with a nonce, else with v1 ({@value #V1_PROTOCOL}). Outcomes become the host's
 * {@link Host#reachability()} with go's confidence rules ({@link ReachabilityConfidence}), and
 * v2's per-address results mark addresses reachable or unreachable there. Addresses confirmed
 * reachable are advertised by the host; {@link #confirm(Multiaddr)} adds a candidate (a port
 * mapping's external address, say) to be checked first.
 *
 * <p><b>Service.</b> With {@link AutoNatConfig.ServiceMode#ENABLED} it serves v1 and v2 while this
 * node is not known to be private, dialing back from a separate host with its own identity
 * ({@link AutoNatConfig#dialer()}). It dials only what the specs allow: v1 only the requester's
 * observed IP; v2 another IP only after dial data; private addresses only when configured.
 *
 * <pre>{@code
 * AutoNat autonat = AutoNat.attach(host, AutoNatConfig.defaults());
 * host.reachability().addListener(s -> System.out.println("now " + s.reachability()));
 * }</pre>
 */
public final class AutoNat implements Closeable {
    /** AutoNAT v1's protocol ID. */
    public static final String V1_PROTOCOL = AutoNatV1Server.PROTOCOL;
    /** AutoNAT v2's request protocol ID. */
    public static final String V2_DIAL_REQUEST = AutoNatV2Server.DIAL_REQUEST;
    /** AutoNAT v2's dial-back protocol ID. */
    public static final String V2_DIAL_BACK = AutoNatV2Server.DIAL_BACK;
    /** Most candidates waiting for a check. */
    public static final int MAX_CANDIDATES = 32;
    /** After a probe that left a candidate undecided, the next one (go's forced-probe delay). */
    private static final Duration FOLLOW_UP = Duration.ofSeconds(2);

    private static final System.Logger LOG = LazyLogger.of(AutoNat.class);

    private final Host host;
    private final AutoNatConfig config;
    private final AutoNatV1Client v1Client;
    private final AutoNatV2Client v2Client;
    private final DialBacks dialBacks;
    private final AutoNatV1Server v1Server;
    private final AutoNatV2Server v2Server;
    /** Guards the verdicts, the candidates and the recently asked servers. */
    private final ReentrantLock lock = new ReentrantLock();
    private final ReachabilityConfidence confidence = new ReachabilityConfidence();
    private final AutoNatMetrics metrics = new AutoNatMetrics();
    private final AddressVerdicts verdicts = new AddressVerdicts();
    private final Set<Multiaddr> candidates = new LinkedHashSet<>();
    private final Map<PeerId, Long> recentlyAsked = new HashMap<>();
    private final AtomicReference<ScheduledFuture<?>> nextProbe = new AtomicReference<>();
    private final AtomicBoolean probing = new AtomicBoolean();
    private final AtomicBoolean serving = new AtomicBoolean();
    private final Consumer<HostReachability.State> reachabilityListener = s -> applyServiceMode();
    private volatile boolean closed;

    private AutoNat(Host host, AutoNatConfig config, DialBacks dialBacks) {
        this.host = host;
        this.config = config;
        this.dialBacks = dialBacks;
        this.v1Client = new AutoNatV1Client(host, config.probes().requestTimeout());
        this.v2Client = new AutoNatV2Client(host, config.probes().requestTimeout());
        this.v1Server = dialBacks == null ? null : new AutoNatV1Server(host, dialBacks, config, metrics);
        this.v2Server = dialBacks == null ? null : new AutoNatV2Server(host, dialBacks, config, metrics);
    }

    /**
     * Starts AutoNAT on {@code host} as {@code config} says; closed with the host.
     *
     * @throws IOException when AutoNAT cannot be attached (the dial-back host itself is made at the first request)
     */
    public static AutoNat attach(Host host, AutoNatConfig config) throws IOException {
        DialBacks dialBacks = config.serviceMode() == AutoNatConfig.ServiceMode.ENABLED
                ? new DialBacks(config.dialer()) : null;
        AutoNat a = new AutoNat(host, config, dialBacks);
        if (dialBacks != null) {
            host.reachability().addListener(a.reachabilityListener);
            a.applyServiceMode();
        }
        if (config.client()) {
            host.setStreamHandler(V2_DIAL_BACK, a.v2Client::handleDialBack);
            host.service(IdentifyService.class).ifPresent(id -> id.addListener(a::identified));
            host.onLocalChange(change -> a.addressesChanged());
            a.scheduleProbe(config.probes().bootDelay().toNanos());
        }
        host.addService(a);
        return a;
    }

    /**
     * Registers AutoNAT's metrics in {@code registry} (the daemon serves them on
     * {@code /debug/metrics/prometheus}): {@code p2pkit_autonat_server_requests_total{version,outcome}}
     * (requests served: {@code ok}, {@code dial_error}, {@code dial_back_error}, or why they were
     * refused), {@code p2pkit_autonat_client_results_total{version,result}},
     * {@code p2pkit_autonat_reachability{state}}, {@code p2pkit_autonat_reachability_confidence} and
     * {@code p2pkit_autonat_addresses{reachability}}. Counting starts here.
     */
    public void registerMetrics(MetricRegistry registry) {
        metrics.register(Objects.requireNonNull(registry, "registry"), host.reachability(), () -> {
            lock.lock();
            try {
                return confidence.confidence();
            } finally {
                lock.unlock();
            }
        });
    }

    // ------------------------------------------------------------------ client API

    /** The host's reachability as AutoNAT last found it. */
    public Reachability reachability() {
        return host.reachability().reachability();
    }

    /**
     * The addresses AutoNAT v2 checks (the waiting candidates and the host's own addresses, public
     * ones unless private ones are allowed), each under what the servers' results say of it so
     * far: go-libp2p's {@code ConfirmedAddrs}, which Kubo's {@code ipfs swarm addrs autonat} prints.
     *
     * @param reachable   addresses servers could dial
     * @param unreachable addresses they could not
     * @param unknown     addresses not checked yet, or without a clear verdict
     */
    public record ConfirmedAddresses(List<Multiaddr> reachable, List<Multiaddr> unreachable, List<Multiaddr> unknown) {
        /** Copies the lists. */
        public ConfirmedAddresses {
            reachable = List.copyOf(reachable);
            unreachable = List.copyOf(unreachable);
            unknown = List.copyOf(unknown);
        }
    }

    /** @return the addresses AutoNAT v2 checks, by verdict (those found unreachable too, though the host no longer advertises them) */
    public ConfirmedAddresses confirmedAddresses() {
        Set<Multiaddr> tracked = new LinkedHashSet<>(toCheck());
        List<Multiaddr> reachable = new ArrayList<>();
        List<Multiaddr> unreachable = new ArrayList<>();
        List<Multiaddr> unknown = new ArrayList<>();
        lock.lock();
        try {
            tracked.addAll(verdicts.tracked());
            for (Multiaddr a : tracked) {
                switch (verdicts.verdict(a)) {
                    case PUBLIC -> reachable.add(a);
                    case PRIVATE -> unreachable.add(a);
                    default -> unknown.add(a);
                }
            }
        } finally {
            lock.unlock();
        }
        return new ConfirmedAddresses(reachable, unreachable, unknown);
    }

    /**
     * Asks for {@code candidate} to be checked by AutoNAT v2 servers at the next probes (for
     * example the external address a port mapping gave us). Once enough servers dialed it, it is
     * among the host's {@linkplain HostReachability#reachableAddresses() reachable addresses} and
     * so advertised; if they could not, it is among the unreachable ones.
     */
    public void confirm(Multiaddr candidate) {
        Objects.requireNonNull(candidate, "candidate");
        lock.lock();
        try {
            if (candidates.size() >= MAX_CANDIDATES) {
                candidates.remove(candidates.iterator().next());
            }
            candidates.add(candidate.withoutPeerId());
        } finally {
            lock.unlock();
        }
        scheduleProbe(0);
    }

    /**
     * Withdraws {@code address} (a port mapping that is gone, say): it stops being a candidate, its
     * results are forgotten, and it leaves the host's reachable and unreachable addresses, hence
     * {@code Host.addresses()}. Confirming it again starts afresh.
     */
    public void withdraw(Multiaddr address) {
        Multiaddr bare = Objects.requireNonNull(address, "address").withoutPeerId();
        lock.lock();
        try {
            candidates.remove(bare);
            verdicts.forget(bare);
        } finally {
            lock.unlock();
        }
        host.reachability().forget(bare);
    }

    /**
     * Runs one probe now: asks one suitable connected server (v2 if it speaks it, else v1) and
     * records the outcome. Probes never overlap; a call while one runs returns empty.
     *
     * @return the host's reachability after the probe, or empty if no server was suitable or
     *         another probe was running
     */
    public Optional<Reachability> probe() {
        if (!probing.compareAndSet(false, true)) {
            return Optional.empty();
        }
        try {
            Optional<PeerId> server = pickServer();
            if (server.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(probe(server.get()));
        } finally {
            probing.set(false);
        }
    }

    /** Asks {@code server} (v2 if it speaks it, else v1) and records the outcome; returns the host's reachability after. */
    public Reachability probe(PeerId server) {
        lock.lock();
        try {
            recentlyAsked.put(server, config.nanoClock().getAsLong());
        } finally {
            lock.unlock();
        }
        Optional<Reachability> observation;
        if (host.peerStore().supports(server, V2_DIAL_REQUEST)) {
            observation = probeV2(server);
        } else {
            observation = probeV1(server);
        }
        observation.ifPresent(this::observe);
        return reachability();
    }

    /**
     * Asks {@code server} over AutoNAT v2 to check the first of {@code addresses} it can, paying dial
     * data for any of them, and records the result for that address.
     *
     * @throws IOException when the request fails or the server's answer cannot be believed
     */
    public AddressCheck check(PeerId server, List<Multiaddr> addresses) throws IOException {
        AddressCheck c = checkV2(server, addresses.stream().map(a -> new AutoNatV2Client.Candidate(a, true)).toList());
        if (!c.refused()) {
            recordAddress(c.address().get(), c.reachability() == Reachability.PUBLIC);
        }
        return c;
    }

    /**
     * Asks {@code server} over AutoNAT v1 to dial us back on {@code addresses}.
     *
     * @return {@link Reachability#PUBLIC} if it could, {@link Reachability#PRIVATE} if it could not,
     *         {@link Reachability#UNKNOWN} if it refused or failed otherwise
     * @throws IOException when the exchange itself fails
     */
    public Reachability askV1(PeerId server, List<Multiaddr> addresses) throws IOException {
        V1Message.DialResponse r = askV1Counted(server, addresses);
        return switch (r.status()) {
            case OK -> Reachability.PUBLIC;
            case E_DIAL_ERROR -> Reachability.PRIVATE;
            default -> Reachability.UNKNOWN;
        };
    }

    // ------------------------------------------------------------------ probing

    private Optional<Reachability> probeV1(PeerId server) {
        try {
            V1Message.DialResponse r = askV1Counted(server, ownAddresses());
            LOG.log(System.Logger.Level.DEBUG, () -> "autonat v1 probe via " + server + ": " + r.status());
            return switch (r.status()) {
                case OK -> Optional.of(Reachability.PUBLIC);
                case E_DIAL_ERROR -> Optional.of(Reachability.PRIVATE);
                case E_DIAL_REFUSED -> Optional.empty(); // says nothing about us: ask someone else
                default -> Optional.of(Reachability.UNKNOWN);
            };
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "autonat v1 probe via " + server + " failed: " + e);
            return Optional.of(Reachability.UNKNOWN);
        }
    }

    private Optional<Reachability> probeV2(PeerId server) {
        List<AutoNatV2Client.Candidate> asked = new ArrayList<>();
        for (Multiaddr a : toCheck()) {
            if (asked.size() < AutoNatV2Client.MAX_ADDRESSES) {
                asked.add(new AutoNatV2Client.Candidate(a, true));
            }
        }
        if (asked.isEmpty()) {
            return Optional.empty();
        }
        try {
            AddressCheck c = checkV2(server, asked);
            LOG.log(System.Logger.Level.DEBUG, () -> "autonat v2 probe via " + server + ": " + c);
            if (c.refused()) {
                return Optional.empty();
            }
            Multiaddr address = c.address().get();
            boolean reachable = c.reachability() == Reachability.PUBLIC;
            recordAddress(address, reachable);
            lock.lock();
            try {
                // a candidate stays first in line until the servers agree on it: one result is no verdict,
                // and an address that is not ours otherwise (a mapped one) would never be asked again
                if (verdicts.verdict(address) != Reachability.UNKNOWN
                        || verdicts.results(address) >= AddressVerdicts.WINDOW) {
                    candidates.remove(address);
                }
                // The node is public when any address is; private when this one is not and none is.
                return Optional.of(reachable || verdicts.anyReachable().isPresent()
                        ? Reachability.PUBLIC : Reachability.PRIVATE);
            } finally {
                lock.unlock();
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "autonat v2 probe via " + server + " failed: " + e);
            return Optional.of(Reachability.UNKNOWN);
        }
    }

    /** A v1 exchange, counted in the metrics. */
    private V1Message.DialResponse askV1Counted(PeerId server, List<Multiaddr> addresses) throws IOException {
        try {
            V1Message.DialResponse r = v1Client.dialBack(server, addresses);
            metrics.result("v1", switch (r.status()) {
                case OK -> "public";
                case E_DIAL_ERROR -> "private";
                case E_DIAL_REFUSED -> "refused";
                default -> "error";
            });
            return r;
        } catch (IOException e) {
            metrics.result("v1", "error");
            throw e;
        }
    }

    /** A v2 exchange, counted in the metrics. */
    private AddressCheck checkV2(PeerId server, List<AutoNatV2Client.Candidate> asked) throws IOException {
        try {
            AddressCheck c = v2Client.check(server, asked);
            metrics.result("v2", c.refused() ? "refused" : c.reachability() == Reachability.PUBLIC ? "public" : "private");
            return c;
        } catch (IOException e) {
            metrics.result("v2", "error");
            throw e;
        }
    }

    private void recordAddress(Multiaddr address, boolean reachable) {
        Reachability verdict;
        lock.lock();
        try {
            verdict = verdicts.record(address, reachable);
        } finally {
            lock.unlock();
        }
        switch (verdict) {
            case PUBLIC -> host.reachability().setAddress(address, true);
            case PRIVATE -> host.reachability().setAddress(address, false);
            case UNKNOWN -> {
                // undecided: whatever was known stands until the evidence is clear
            }
        }
    }

    private void observe(Reachability observation) {
        Reachability now;
        lock.lock();
        try {
            now = confidence.record(observation);
        } finally {
            lock.unlock();
        }
        host.reachability().set(now);
    }

    /** Our addresses for v1: every non-relayed one (the server keeps those on our IP). */
    private List<Multiaddr> ownAddresses() {
        return host.addresses().stream().filter(a -> !Addresses.isRelayed(a)).toList();
    }

    /** Addresses for v2, most wanted first: candidates, then addresses never checked, then the rest. */
    private List<Multiaddr> toCheck() {
        List<Multiaddr> out = new ArrayList<>();
        List<Multiaddr> checked = new ArrayList<>();
        lock.lock();
        try {
            out.addAll(candidates);
            for (Multiaddr a : ownAddresses()) {
                if (out.contains(a) || checked.contains(a)) {
                    continue;
                }
                // undecided addresses (one result is not a verdict) before decided ones: the server
                // dials the first it can, so a decided address first would starve the rest
                (verdicts.verdict(a) != Reachability.UNKNOWN ? checked : out).add(a);
            }
        } finally {
            lock.unlock();
        }
        out.addAll(checked);
        return out.stream().filter(a -> config.allowPrivateAddresses() || Addresses.isPublic(a)).toList();
    }

    /** A connected peer serving AutoNAT, not asked within the throttle period, on a public address unless allowed. */
    private Optional<PeerId> pickServer() {
        long now = config.nanoClock().getAsLong();
        long throttle = config.probes().throttlePeerPeriod().toNanos();
        List<PeerId> peers = new ArrayList<>();
        for (Connection c : host.network().connections()) {
            PeerId p = c.remotePeer();
            boolean speaks = host.peerStore().supports(p, V2_DIAL_REQUEST) || host.peerStore().supports(p, V1_PROTOCOL);
            boolean usable = config.allowPrivateAddresses() || Addresses.isPublic(c.remoteAddress());
            if (speaks && usable && !peers.contains(p)) {
                peers.add(p);
            }
        }
        Collections.shuffle(peers);
        lock.lock();
        try {
            recentlyAsked.values().removeIf(t -> now - t > throttle);
            return peers.stream().filter(p -> !recentlyAsked.containsKey(p)).findFirst();
        } finally {
            lock.unlock();
        }
    }

    /** Schedules the next probe in {@code delayNanos}, unless one is due sooner. */
    private void scheduleProbe(long delayNanos) {
        if (closed || !config.client()) {
            return;
        }
        ScheduledFuture<?> previous = nextProbe.get();
        if (previous != null && !previous.isDone() && previous.getDelay(TimeUnit.NANOSECONDS) <= delayNanos) {
            return;
        }
        ScheduledFuture<?> next = host.scheduler().schedule(
                () -> host.spawn("p2pkit-autonat-probe", this::scheduledProbe), delayNanos, TimeUnit.NANOSECONDS);
        previous = nextProbe.getAndSet(next);
        if (previous != null) {
            previous.cancel(false);
        }
    }

    private void scheduledProbe() {
        if (closed) {
            return;
        }
        boolean answered = probe().isPresent();
        boolean unsure;
        boolean waiting;
        lock.lock();
        try {
            waiting = !candidates.isEmpty();
            unsure = confidence.status() == Reachability.UNKNOWN
                    || confidence.confidence() < ReachabilityConfidence.MAX_CONFIDENCE || waiting;
        } finally {
            lock.unlock();
        }
        if (answered && waiting) {
            // a candidate still undecided: ask the next server soon (each is asked once per throttle period,
            // so this stops when every connected server has had its say), as go's tracker keeps probing
            // a new address until it is confident
            scheduleProbe(FOLLOW_UP.toNanos());
            return;
        }
        scheduleProbe((unsure ? config.probes().retryInterval() : config.probes().refreshInterval()).toNanos());
    }

    /** A newly identified AutoNAT server while we are unsure: probe soon (go's forced probe, 2 s). */
    private void identified(IdentifyResult r) {
        if (reachability() == Reachability.UNKNOWN
                && (r.protocols().contains(V2_DIAL_REQUEST) || r.protocols().contains(V1_PROTOCOL))) {
            scheduleProbe(TimeUnit.SECONDS.toNanos(2));
        }
    }

    private void addressesChanged() {
        lock.lock();
        try {
            confidence.addressesChanged();
        } finally {
            lock.unlock();
        }
        host.service(IdentifyService.class).ifPresent(id -> observedAddressesChanged(id.observedAddresses().addresses()));
    }

    /**
     * Observed addresses the observed-address manager believes (enough observers agree) become
     * candidates by themselves, checked first at a probe soon, as go's address manager hands them
     * to its v2 probes. One already checked, already waiting, or not public (unless allowed) is
     * left alone.
     */
    void observedAddressesChanged(List<Multiaddr> observed) {
        boolean added = false;
        lock.lock();
        try {
            for (Multiaddr a : observed) {
                Multiaddr bare = a.withoutPeerId();
                if (candidates.contains(bare) || verdicts.known(bare) || Addresses.isRelayed(bare)
                        || !(config.allowPrivateAddresses() || Addresses.isPublic(bare))) {
                    continue;
                }
                if (candidates.size() >= MAX_CANDIDATES) {
                    break;
                }
                candidates.add(bare);
                added = true;
            }
        } finally {
            lock.unlock();
        }
        if (added) {
            scheduleProbe(TimeUnit.SECONDS.toNanos(2));
        }
    }

    /** The addresses waiting for a v2 check, most wanted first (tests). */
    List<Multiaddr> candidates() {
        lock.lock();
        try {
            return List.copyOf(candidates);
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ service

    /** Serves while not known to be private, as go's v1 service does. */
    private void applyServiceMode() {
        boolean serve = !closed && host.reachability().reachability() != Reachability.PRIVATE;
        if (serve && serving.compareAndSet(false, true)) {
            v1Server.serve();
            host.setStreamHandler(V2_DIAL_REQUEST, v2Server::handle);
        } else if (!serve && serving.compareAndSet(true, false)) {
            v1Server.stop();
            host.removeStreamHandler(V2_DIAL_REQUEST);
        }
    }

    /** Whether this node serves AutoNAT requests now. */
    public boolean serving() {
        return serving.get();
    }

    /** The v2 server, for tests that watch its answers. */
    AutoNatV2Server v2Server() {
        return v2Server;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        ScheduledFuture<?> p = nextProbe.getAndSet(null);
        if (p != null) {
            p.cancel(false);
        }
        host.reachability().removeListener(reachabilityListener);
        applyServiceMode();
        if (config.client()) {
            host.removeStreamHandler(V2_DIAL_BACK);
        }
        if (dialBacks != null) {
            dialBacks.close();
        }
    }
}
