package io.p2pkit.nat.autonat;

import io.p2pkit.core.host.Host;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * How AutoNAT runs: which parts, and their limits. The defaults are go-libp2p's
 * ({@code p2p/host/autonat/options.go} for v1, {@code p2p/protocol/autonatv2/options.go} for v2).
 *
 * @param client                 whether to ask other peers to dial us (v2 where the server speaks it, else v1)
 * @param serviceMode            whether to serve other peers' requests
 * @param allowPrivateAddresses  whether private and loopback addresses may be checked and dialed back
 *                               (tests only: on the internet they say nothing and dialing them is abuse)
 * @param dialer                 makes the separate host the servers dial back from (a new identity, no
 *                               listener), so that a dial back never reuses the requester's connection
 * @param nanoClock              the clock for rate limits and probe scheduling, in nanoseconds
 * @param v1                     the v1 server's limits
 * @param v2                     the v2 server's limits
 * @param probes                 the client's schedule
 */
public record AutoNatConfig(boolean client, ServiceMode serviceMode, boolean allowPrivateAddresses, Dialer dialer,
                            LongSupplier nanoClock, V1Limits v1, V2Limits v2, Probes probes) {
    public AutoNatConfig {
        Objects.requireNonNull(serviceMode, "serviceMode");
        Objects.requireNonNull(dialer, "dialer");
        Objects.requireNonNull(nanoClock, "nanoClock");
        Objects.requireNonNull(v1, "v1");
        Objects.requireNonNull(v2, "v2");
        Objects.requireNonNull(probes, "probes");
    }

    /** Whether this node answers other peers' AutoNAT requests (Kubo's {@code AutoNAT.ServiceMode}). */
    public enum ServiceMode {
        /** Serve v1 and v2 while this node is not known to be private (go and Kubo's default). */
        ENABLED,
        /** Never serve. */
        DISABLED
    }

    /** Makes the host the servers dial back from. */
    @FunctionalInterface
    public interface Dialer {
        /** A new host, without listen addresses, that can dial what the main host can. */
        Host create() throws IOException;
    }

    /**
     * The v1 server's limits.
     *
     * @param dialTimeout         how long one dial back may take
     * @param maxPeerAddresses    most addresses dialed for one request
     * @param globalPerPeriod     most requests served per period, from everyone (0: no global limit)
     * @param perPeerPerPeriod    most requests served per period to one peer
     * @param period              how often the counts reset
     * @param periodJitter        a random extra of up to this much on each period
     * @param hideFailureTiming   whether a failed dial answers only when the dial timeout is up, so that
     *                            the server cannot be used to time port scans (go does)
     */
    public record V1Limits(Duration dialTimeout, int maxPeerAddresses, int globalPerPeriod, int perPeerPerPeriod,
                           Duration period, Duration periodJitter, boolean hideFailureTiming) {
        /** go-libp2p's: 15 s, 16 addresses, 30 requests and 3 per peer a minute (plus up to 15 s). */
        public static V1Limits defaults() {
            return new V1Limits(Duration.ofSeconds(15), 16, 30, 3, Duration.ofMinutes(1), Duration.ofSeconds(15), true);
        }
    }

    /**
     * The v2 server's limits.
     *
     * @param perMinute             most requests a minute, from everyone
     * @param perPeerPerMinute      most requests a minute from one peer
     * @param dialDataPerMinute     most requests a minute that need dial data
     * @param concurrentPerPeer     most requests of one peer served at once
     * @param dialDataWaitMax       after receiving dial data, wait a random time up to this before dialing
     *                              (spreads a crowd of requests aimed at one victim)
     * @param dialBackTimeout       how long the dial back may take
     * @param streamTimeout         how long a whole request may take
     */
    public record V2Limits(int perMinute, int perPeerPerMinute, int dialDataPerMinute, int concurrentPerPeer,
                           Duration dialDataWaitMax, Duration dialBackTimeout, Duration streamTimeout) {
        /** go-libp2p's: 60 a minute, 12 per peer, 12 with dial data, 2 at once per peer, wait up to 3 s, 10 s, 15 s. */
        public static V2Limits defaults() {
            return new V2Limits(60, 12, 12, 2, Duration.ofSeconds(3), Duration.ofSeconds(10), Duration.ofSeconds(15));
        }
    }

    /**
     * When the client probes.
     *
     * @param bootDelay          before the first probe
     * @param retryInterval      between probes while unsure
     * @param refreshInterval    between probes once sure
     * @param requestTimeout     how long one request may take
     * @param throttlePeerPeriod the same server is asked at most once in this period
     */
    public record Probes(Duration bootDelay, Duration retryInterval, Duration refreshInterval, Duration requestTimeout,
                         Duration throttlePeerPeriod) {
        /** go-libp2p's: 15 s, 90 s, 15 min, 30 s, 90 s. */
        public static Probes defaults() {
            return new Probes(Duration.ofSeconds(15), Duration.ofSeconds(90), Duration.ofMinutes(15),
                    Duration.ofSeconds(30), Duration.ofSeconds(90));
        }
    }

    /** The defaults: client on, service enabled, public addresses only, dial back over TCP from a new identity. */
    public static AutoNatConfig defaults() {
        return new AutoNatConfig(true, ServiceMode.ENABLED, false, () -> Host.builder().identify(false).build(),
                System::nanoTime, V1Limits.defaults(), V2Limits.defaults(), Probes.defaults());
    }

    /** This configuration with the client on or off. */
    public AutoNatConfig withClient(boolean on) {
        return new AutoNatConfig(on, serviceMode, allowPrivateAddresses, dialer, nanoClock, v1, v2, probes);
    }

    /** This configuration with another service mode. */
    public AutoNatConfig withServiceMode(ServiceMode mode) {
        return new AutoNatConfig(client, mode, allowPrivateAddresses, dialer, nanoClock, v1, v2, probes);
    }

    /** This configuration allowing (or not) private and loopback addresses: for tests on one machine. */
    public AutoNatConfig withAllowPrivateAddresses(boolean allow) {
        return new AutoNatConfig(client, serviceMode, allow, dialer, nanoClock, v1, v2, probes);
    }

    /** This configuration with another dial-back host maker. */
    public AutoNatConfig withDialer(Dialer d) {
        return new AutoNatConfig(client, serviceMode, allowPrivateAddresses, d, nanoClock, v1, v2, probes);
    }

    /** This configuration with another clock. */
    public AutoNatConfig withClock(LongSupplier clock) {
        return new AutoNatConfig(client, serviceMode, allowPrivateAddresses, dialer, clock, v1, v2, probes);
    }

    /** This configuration with other v1 server limits. */
    public AutoNatConfig withV1(V1Limits limits) {
        return new AutoNatConfig(client, serviceMode, allowPrivateAddresses, dialer, nanoClock, limits, v2, probes);
    }

    /** This configuration with other v2 server limits. */
    public AutoNatConfig withV2(V2Limits limits) {
        return new AutoNatConfig(client, serviceMode, allowPrivateAddresses, dialer, nanoClock, v1, limits, probes);
    }

    /** This configuration with another probe schedule. */
    public AutoNatConfig withProbes(Probes p) {
        return new AutoNatConfig(client, serviceMode, allowPrivateAddresses, dialer, nanoClock, v1, v2, p);
    }
}
