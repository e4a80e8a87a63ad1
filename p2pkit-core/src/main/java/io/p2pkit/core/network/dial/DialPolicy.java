package io.p2pkit.core.network.dial;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;

/**
 * What the network may dial and when: address ranking ({@link DialRanker}), UDP and IPv6
 * black-hole detection, per-address and per-peer back-off with jitter, a per-peer circuit breaker
 * and a cap on address dials in progress. Time and randomness are injectable.
 *
 * <p>With {@linkplain #setPeerScores peer scores} (the host's reputation, in (-1, 1)), the breaker
 * of a peer whose score {@code s} is negative opens after {@code max(1, ceil(threshold * (1 + s)))}
 * failed dials in a row instead of {@code threshold}, and stays open {@code coolDown * (1 - 3s)}
 * (up to four times as long). Scores of zero or more leave the breaker as configured.
 */
public final class DialPolicy {
    private final DialPolicyConfig config;
    private final LongSupplier clock;
    private final Backoff<AddressKey> addressBackoff;
    private final Backoff<PeerId> peerBackoff;
    private final BlackHoleDetector udp;
    private final BlackHoleDetector ip6;
    private final Semaphore dialSlots;
    private final ReentrantLock lock = new ReentrantLock();
    private final LinkedHashMap<PeerId, CircuitBreaker> breakers = new LinkedHashMap<>();
    private volatile ToDoubleFunction<PeerId> peerScores = p -> 0;

    private record AddressKey(PeerId peer, Multiaddr address) {
    }

    /** The defaults with the system clock and a random jitter. */
    public DialPolicy() {
        this(DialPolicyConfig.defaults(), System::nanoTime, new SplittableRandom()::nextDouble);
    }

    /**
     * @param clock  nanoseconds, monotonic
     * @param random uniform in [0, 1), for jitter
     */
    public DialPolicy(DialPolicyConfig config, LongSupplier clock, DoubleSupplier random) {
        this.config = config;
        this.clock = clock;
        this.addressBackoff = new Backoff<>(config.addressBackoffBase(), config.addressBackoffStep(),
                config.backoffMax(), config.backoffJitter(), config.maxTrackedPeers() * 4, clock, random);
        this.peerBackoff = new Backoff<>(config.peerBackoffBase(), config.peerBackoffStep(), config.backoffMax(),
                config.backoffJitter(), config.maxTrackedPeers(), clock, random);
        this.udp = new BlackHoleDetector("UDP", config.blackHoleWindow(), config.blackHoleMinSuccesses());
        this.ip6 = new BlackHoleDetector("IPv6", config.blackHoleWindow(), config.blackHoleMinSuccesses());
        this.dialSlots = new Semaphore(config.maxConcurrentDials());
    }

    /** The settings. */
    public DialPolicyConfig config() {
        return config;
    }

    /** The UDP and IPv6 black-hole detectors. */
    public List<BlackHoleDetector> blackHoleDetectors() {
        return List.of(udp, ip6);
    }

    /**
     * Whether {@code peer} may be dialed now; a half-open breaker lets this one call through as its
     * probe.
     *
     * @return why not, or empty to go ahead
     */
    public Optional<String> refusePeer(PeerId peer) {
        Duration wait = peerBackoff.remaining(peer);
        if (!wait.isZero()) {
            return Optional.of("backing off after failed dials, " + wait.toMillis() + " ms left");
        }
        CircuitBreaker b = breaker(peer, false);
        if (b != null && !b.tryAcquire()) {
            Duration left = b.remainingCoolDown();
            return Optional.of("circuit breaker open after " + b.consecutiveFailures() + " failed dials"
                    + (left.isZero() ? ", a probe dial is in progress" : ", " + left.toMillis() + " ms until a probe"));
        }
        return Optional.empty();
    }

    /**
     * Ranks {@code addresses} ({@code publicDelay} between public ones) and drops those backed off
     * or in a black hole, putting the reason for each dropped address into {@code skipped}.
     */
    public List<RankedAddress> plan(PeerId peer, List<Multiaddr> addresses, Duration publicDelay,
                                    Map<Multiaddr, Throwable> skipped) {
        // One request per detector per dial of the peer, as go counts them, whatever the number of addresses.
        boolean anyUdp = false;
        boolean anyIp6 = false;
        for (Multiaddr a : addresses) {
            if (AddressShape.isPublicIp(a)) {
                anyUdp |= AddressShape.isUdp(a);
                anyIp6 |= AddressShape.isIp6(a);
            }
        }
        boolean udpBlocked = anyUdp && udp.handleRequest() == BlackHoleDetector.State.BLOCKED;
        boolean ip6Blocked = anyIp6 && ip6.handleRequest() == BlackHoleDetector.State.BLOCKED;
        List<RankedAddress> out = new ArrayList<>();
        for (RankedAddress r : DialRanker.rank(addresses, publicDelay)) {
            Multiaddr a = r.address();
            Duration wait = addressBackoff.remaining(new AddressKey(peer, a));
            if (!wait.isZero()) {
                skipped.put(a, new IOException("address backed off after failed dials, " + wait.toMillis()
                        + " ms left"));
                continue;
            }
            if (AddressShape.isPublicIp(a)) {
                // An IPv6 QUIC address is in both classes: either black hole holds it back.
                String hole = udpBlocked && AddressShape.isUdp(a) ? udp.name()
                        : ip6Blocked && AddressShape.isIp6(a) ? ip6.name() : null;
                if (hole != null) {
                    skipped.put(a, new IOException(hole + " black hole: too few recent " + hole + " dials succeeded"));
                    continue;
                }
            }
            out.add(r);
        }
        return out;
    }

    /**
     * Waits up to {@code timeout} for one of the global dial slots.
     *
     * @return whether one was taken (then release it with {@link #releaseDialSlot})
     */
    public boolean acquireDialSlot(Duration timeout) throws InterruptedException {
        return dialSlots.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Returns a slot taken with {@link #acquireDialSlot}. */
    public void releaseDialSlot() {
        dialSlots.release();
    }

    /** Address dials in progress now. */
    public int dialsInProgress() {
        return config.maxConcurrentDials() - dialSlots.availablePermits();
    }

    /** One address of {@code peer} was dialed successfully. */
    public void addressSucceeded(PeerId peer, Multiaddr address) {
        addressBackoff.succeeded(new AddressKey(peer, address));
        recordBlackHole(address, true);
    }

    /** Dialing one address of {@code peer} failed. */
    public void addressFailed(PeerId peer, Multiaddr address) {
        addressBackoff.failed(new AddressKey(peer, address));
        recordBlackHole(address, false);
    }

    /** Dialing {@code peer} worked: forget its back-off and close its breaker. */
    public void peerSucceeded(PeerId peer) {
        peerBackoff.succeeded(peer);
        lock.lock();
        try {
            breakers.remove(peer);
        } finally {
            lock.unlock();
        }
    }

    /** Dialing {@code peer} failed on every address. */
    public void peerFailed(PeerId peer) {
        peerBackoff.failed(peer);
        double s = Math.max(-1, Math.min(0, peerScores.applyAsDouble(peer)));
        int threshold = Math.max(1, (int) Math.ceil(config.breakerThreshold() * (1 + s)));
        Duration coolDown = Duration.ofNanos((long) (config.breakerCoolDown().toNanos() * (1 - 3 * s)));
        breaker(peer, true).failed(threshold, coolDown);
    }

    /**
     * Where breakers read a peer's score, in (-1, 1) (usually the host's reputation); a negative
     * one opens the breaker sooner and for longer, see the class comment. Default: 0 for everyone.
     */
    public void setPeerScores(ToDoubleFunction<PeerId> scores) {
        this.peerScores = java.util.Objects.requireNonNull(scores, "scores");
    }

    /**
     * A dial of {@code peer} allowed by {@link #refusePeer} ended without dialing any address: a
     * half-open breaker's probe is given back rather than counted.
     */
    public void peerNotDialed(PeerId peer) {
        CircuitBreaker b = breaker(peer, false);
        if (b != null) {
            b.abandonProbe();
        }
    }

    /** Forgets every back-off and the breaker of {@code peer}, for example when the user asks to retry now. */
    public void forget(PeerId peer) {
        peerBackoff.succeeded(peer);
        addressBackoff.forgetIf(k -> k.peer().equals(peer));
        lock.lock();
        try {
            breakers.remove(peer);
        } finally {
            lock.unlock();
        }
    }

    /** The breaker state of {@code peer}. */
    public CircuitBreaker.State breakerState(PeerId peer) {
        CircuitBreaker b = breaker(peer, false);
        return b == null ? CircuitBreaker.State.CLOSED : b.state();
    }

    private CircuitBreaker breaker(PeerId peer, boolean create) {
        lock.lock();
        try {
            CircuitBreaker b = breakers.get(peer);
            if (b == null && create) {
                b = new CircuitBreaker(config.breakerThreshold(), config.breakerCoolDown(), clock);
                breakers.put(peer, b);
                while (breakers.size() > config.maxTrackedPeers()) {
                    breakers.remove(breakers.keySet().iterator().next());
                }
            }
            return b;
        } finally {
            lock.unlock();
        }
    }

    /** Feeds a public address's outcome to each detector whose class it is in (both for IPv6 over UDP). */
    private void recordBlackHole(Multiaddr a, boolean success) {
        if (!AddressShape.isPublicIp(a)) {
            return; // private addresses say nothing about the internet
        }
        if (AddressShape.isUdp(a)) {
            udp.record(success);
        }
        if (AddressShape.isIp6(a)) {
            ip6.record(success);
        }
    }
}
