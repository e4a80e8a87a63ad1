package io.p2pkit.kad;

import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.kad.provider.ProviderStore;
import io.p2pkit.kad.record.Validators;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Every setting of the DHT in one immutable object; start from {@link #builder()}.
 *
 * <p>Defaults follow the spec and go-libp2p-kad-dht: k = 20, α = 10, 10 s query timeout,
 * refresh every 10 minutes, provider records kept 48 h and republished every 22 h, provider
 * addresses kept 30 minutes, value records kept 48 h.
 */
public final class KadConfig {
    private final String protocolPrefix;
    private final int k;
    private final int alpha;
    private final Duration queryTimeout;
    private final Duration requestTimeout;
    private final Duration streamIdleTimeout;
    private final Mode mode;
    private final Clock clock;
    private final RandomGenerator random;
    private final List<PeerInfo> bootstrapPeers;
    private final Duration refreshInterval;
    private final Duration lowPeersInterval;
    private final Path providerStoreFile;
    private final ProviderStore.Limits providerLimits;
    private final Duration providerRepublish;
    private final boolean republishProviders;
    private final Duration providerAddressTtl;
    private final Duration recordExpiry;
    private final Duration recordRepublish;
    private final int maxRecords;
    private final Validators validators;
    private final int maxPerIpGroupPerBucket;
    private final int maxPerIpGroup;
    private final boolean periodicTasks;
    private final boolean optimisticProvide;
    private final OptimisticFallback optimisticFallback;
    private final Duration networkSizeMaxAge;
    private final int optimisticBackgroundSends;
    private final Duration closeGrace;

    private KadConfig(Builder b) {
        this.protocolPrefix = b.protocolPrefix;
        this.k = b.k;
        this.alpha = b.alpha;
        this.queryTimeout = b.queryTimeout;
        this.requestTimeout = b.requestTimeout;
        this.streamIdleTimeout = b.streamIdleTimeout;
        this.mode = b.mode;
        this.clock = b.clock;
        this.random = b.random;
        this.bootstrapPeers = List.copyOf(b.bootstrapPeers);
        this.refreshInterval = b.refreshInterval;
        this.lowPeersInterval = b.lowPeersInterval;
        this.providerStoreFile = b.providerStoreFile;
        this.providerLimits = b.providerLimits;
        this.providerRepublish = b.providerRepublish;
        this.republishProviders = b.republishProviders;
        this.providerAddressTtl = b.providerAddressTtl;
        this.recordExpiry = b.recordExpiry;
        this.recordRepublish = b.recordRepublish;
        this.maxRecords = b.maxRecords;
        this.validators = b.validators != null ? b.validators : Validators.defaults(b.clock);
        this.maxPerIpGroupPerBucket = b.maxPerIpGroupPerBucket;
        this.maxPerIpGroup = b.maxPerIpGroup;
        this.periodicTasks = b.periodicTasks;
        this.optimisticProvide = b.optimisticProvide;
        this.optimisticFallback = b.optimisticFallback;
        // three refresh intervals, added: Duration.multipliedBy computes in BigDecimal, whose class
        // initialisation cost a fresh daemon about 20 ms of its start (docs/PERFORMANCE.md)
        this.networkSizeMaxAge = b.networkSizeMaxAge != null ? b.networkSizeMaxAge
                : b.refreshInterval.plus(b.refreshInterval).plus(b.refreshInterval);
        this.optimisticBackgroundSends = b.optimisticBackgroundSends;
        this.closeGrace = b.closeGrace;
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The defaults. */
    public static KadConfig defaults() {
        return builder().build();
    }

    /** The protocol ID: prefix + {@code /kad/1.0.0}, e.g. {@code /ipfs/kad/1.0.0}. */
    public String protocolId() {
        return protocolPrefix + "/kad/1.0.0";
    }

    /** Bucket size and replication factor. */
    public int k() {
        return k;
    }

    /** Requests in flight per lookup. */
    public int alpha() {
        return alpha;
    }

    /** How long a whole lookup may take. */
    public Duration queryTimeout() {
        return queryTimeout;
    }

    /** How long one request to one peer may take. */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** How long an inbound stream may sit idle between requests before it is closed. */
    public Duration streamIdleTimeout() {
        return streamIdleTimeout;
    }

    /** The configured mode. */
    public Mode mode() {
        return mode;
    }

    /** The clock for expiry and record validity. */
    public Clock clock() {
        return clock;
    }

    /** Randomness for refresh keys. */
    public RandomGenerator random() {
        return random;
    }

    /** Peers to bootstrap from. */
    public List<PeerInfo> bootstrapPeers() {
        return bootstrapPeers;
    }

    /** How often every non-empty bucket is refreshed. */
    public Duration refreshInterval() {
        return refreshInterval;
    }

    /**
     * How often the routing table is checked for too few peers (go-libp2p-kad-dht's 2 minutes):
     * at {@value KadDht#LOW_PEERS} or fewer, connected DHT servers are added again, an empty table
     * reconnects to the bootstrap peers, and a refresh follows.
     */
    public Duration lowPeersInterval() {
        return lowPeersInterval;
    }

    /** Where provider records are persisted; empty for memory only. */
    public Optional<Path> providerStoreFile() {
        return Optional.ofNullable(providerStoreFile);
    }

    /** Provider store limits and expiry. */
    public ProviderStore.Limits providerLimits() {
        return providerLimits;
    }

    /** How often this node's provides are republished. */
    public Duration providerRepublish() {
        return providerRepublish;
    }

    /**
     * Whether the keys this node provides are kept (in the provider store's file, when it has one)
     * and republished every {@link #providerRepublish()}; false when the DHT's owner reprovides
     * what it holds by itself, so that nothing is announced twice or after it is gone.
     */
    public boolean republishProviders() {
        return republishProviders;
    }

    /** How long providers' addresses are kept. */
    public Duration providerAddressTtl() {
        return providerAddressTtl;
    }

    /** How long received value records are kept. */
    public Duration recordExpiry() {
        return recordExpiry;
    }

    /** How often values this node put are put again. */
    public Duration recordRepublish() {
        return recordRepublish;
    }

    /** Most value records held. */
    public int maxRecords() {
        return maxRecords;
    }

    /** Record validators by namespace. */
    public Validators validators() {
        return validators;
    }

    /** Diversity limit per bucket. */
    public int maxPerIpGroupPerBucket() {
        return maxPerIpGroupPerBucket;
    }

    /** Diversity limit for the whole table. */
    public int maxPerIpGroup() {
        return maxPerIpGroup;
    }

    /** Whether refresh, republish and garbage collection run on timers. */
    public boolean periodicTasks() {
        return periodicTasks;
    }

    /** Whether provide stops its lookup once the network-size estimate says the closest peers were reached. */
    public boolean optimisticProvide() {
        return optimisticProvide;
    }

    /** What an optimistic provide does when the network-size estimate is missing or stale. */
    public OptimisticFallback optimisticFallback() {
        return optimisticFallback;
    }

    /** Lookups older than this do not count towards the network-size estimate. */
    public Duration networkSizeMaxAge() {
        return networkSizeMaxAge;
    }

    /** Most ADD_PROVIDER sends that optimistic provides leave running after they return, per DHT. */
    public int optimisticBackgroundSends() {
        return optimisticBackgroundSends;
    }

    /** How long {@link KadDht#close()} lets sends in flight and stream ends finish before resetting them. */
    public Duration closeGrace() {
        return closeGrace;
    }

    @Override
    public String toString() {
        return "KadConfig[" + protocolId() + " k=" + k + " alpha=" + alpha + " mode=" + mode + "]";
    }

    /** Builds a {@link KadConfig}. */
    public static final class Builder {
        private String protocolPrefix = "/ipfs";
        private int k = 20;
        private int alpha = 10;
        private Duration queryTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(5);
        private Duration streamIdleTimeout = Duration.ofMinutes(1);
        private Mode mode = Mode.SERVER;
        private Clock clock = Clock.systemUTC();
        private RandomGenerator random = new java.security.SecureRandom();
        private final List<PeerInfo> bootstrapPeers = new ArrayList<>();
        private Duration refreshInterval = Duration.ofMinutes(10);
        private Duration lowPeersInterval = Duration.ofMinutes(2);
        private Path providerStoreFile;
        private ProviderStore.Limits providerLimits = ProviderStore.Limits.defaults();
        private Duration providerRepublish = Duration.ofHours(22);
        private boolean republishProviders = true;
        private Duration providerAddressTtl = Duration.ofMinutes(30);
        private Duration recordExpiry = Duration.ofHours(48);
        private Duration recordRepublish = Duration.ofHours(22);
        private int maxRecords = 100_000;
        private Validators validators;
        private int maxPerIpGroupPerBucket = 2;
        private int maxPerIpGroup = 3 * 20;
        private boolean periodicTasks = true;
        private boolean optimisticProvide;
        private OptimisticFallback optimisticFallback = OptimisticFallback.CLASSIC;
        private Duration networkSizeMaxAge;
        private int optimisticBackgroundSends = 60;
        private Duration closeGrace = Duration.ofSeconds(2);

        private Builder() {
        }

        /** The protocol prefix (default {@code /ipfs}; {@code /ipfs/lan} gives {@code /ipfs/lan/kad/1.0.0}). */
        public Builder protocolPrefix(String prefix) {
            if (!prefix.startsWith("/") || prefix.endsWith("/")) {
                throw new IllegalArgumentException("a prefix starts with / and does not end with /: " + prefix);
            }
            this.protocolPrefix = prefix;
            return this;
        }

        /** Bucket size and replication factor (default 20). */
        public Builder k(int k) {
            if (k < 1 || k > 256) {
                throw new IllegalArgumentException("k must be in 1..256");
            }
            this.k = k;
            return this;
        }

        /** Concurrency of lookups (default 10). */
        public Builder alpha(int alpha) {
            if (alpha < 1 || alpha > 256) {
                throw new IllegalArgumentException("alpha must be in 1..256");
            }
            this.alpha = alpha;
            return this;
        }

        /** Lookup timeout (default 10 s). */
        public Builder queryTimeout(Duration d) {
            this.queryTimeout = positive(d);
            return this;
        }

        /** Per-request timeout (default 5 s). */
        public Builder requestTimeout(Duration d) {
            this.requestTimeout = positive(d);
            return this;
        }

        /** Idle timeout of inbound streams (default 1 min). */
        public Builder streamIdleTimeout(Duration d) {
            this.streamIdleTimeout = positive(d);
            return this;
        }

        /** The mode (default server). */
        public Builder mode(Mode mode) {
            this.mode = Objects.requireNonNull(mode);
            return this;
        }

        /** The clock (default UTC system clock). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /** Randomness (default a {@link java.security.SecureRandom}); give a seeded one in tests. */
        public Builder random(RandomGenerator random) {
            this.random = Objects.requireNonNull(random);
            return this;
        }

        /** Adds peers to bootstrap from. */
        public Builder bootstrap(List<PeerInfo> peers) {
            this.bootstrapPeers.addAll(peers);
            return this;
        }

        /** Bucket refresh interval (default 10 min). */
        public Builder refreshInterval(Duration d) {
            this.refreshInterval = positive(d);
            return this;
        }

        /** How often the routing table is checked for too few peers (default 2 min, as go). */
        public Builder lowPeersInterval(Duration d) {
            this.lowPeersInterval = positive(d);
            return this;
        }

        /** Persists provider records in {@code file} (default: memory only). */
        public Builder providerStoreFile(Path file) {
            this.providerStoreFile = file;
            return this;
        }

        /** Provider store limits and expiry. */
        public Builder providerLimits(ProviderStore.Limits limits) {
            this.providerLimits = Objects.requireNonNull(limits);
            return this;
        }

        /** Provider republish interval (default 22 h). */
        public Builder providerRepublish(Duration d) {
            this.providerRepublish = positive(d);
            return this;
        }

        /**
         * Whether provided keys are kept and republished (default true); false for an owner that
         * reprovides by itself, as a p2pkit node's reprovider does.
         */
        public Builder republishProviders(boolean on) {
            this.republishProviders = on;
            return this;
        }

        /** Provider address TTL (default 30 min). */
        public Builder providerAddressTtl(Duration d) {
            this.providerAddressTtl = positive(d);
            return this;
        }

        /** Value record expiry (default 48 h). */
        public Builder recordExpiry(Duration d) {
            this.recordExpiry = positive(d);
            return this;
        }

        /** Republish interval of values this node put (default 22 h). */
        public Builder recordRepublish(Duration d) {
            this.recordRepublish = positive(d);
            return this;
        }

        /** Most value records held (default 100 000). */
        public Builder maxRecords(int n) {
            this.maxRecords = n;
            return this;
        }

        /** Record validators (default pk and ipns). */
        public Builder validators(Validators v) {
            this.validators = v;
            return this;
        }

        /** Diversity limits per bucket and per table (default 2 and 60). */
        public Builder ipGroupLimits(int perBucket, int perTable) {
            this.maxPerIpGroupPerBucket = perBucket;
            this.maxPerIpGroup = perTable;
            return this;
        }

        /** Whether timers run refresh, republish and GC (default true; tests drive them by hand). */
        public Builder periodicTasks(boolean on) {
            this.periodicTasks = on;
            return this;
        }

        /**
         * Optimistic provide (default off): a provide's lookup stops as soon as k peers have
         * answered that lie within the distance where the network-size estimate expects the k
         * closest, instead of waiting for convergence.
         */
        public Builder optimisticProvide(boolean on) {
            this.optimisticProvide = on;
            return this;
        }

        /**
         * What an optimistic provide does when the network-size estimate rests on too few lookups,
         * on old ones, or on ones made with a routing table of another size (default
         * {@link OptimisticFallback#CLASSIC}, as go-libp2p-kad-dht).
         */
        public Builder optimisticFallback(OptimisticFallback fallback) {
            this.optimisticFallback = java.util.Objects.requireNonNull(fallback, "fallback");
            return this;
        }

        /**
         * Lookups older than this do not count towards the network-size estimate (default three
         * refresh intervals, 30 minutes: a live node measures at every refresh, so an estimate
         * older than that means refreshes stopped or failed twice in a row).
         */
        public Builder networkSizeMaxAge(Duration d) {
            this.networkSizeMaxAge = positive(d);
            return this;
        }

        /**
         * Most ADD_PROVIDER sends that optimistic provides leave running after they return, for the
         * whole DHT (default 60, go's {@code OptimisticProvideJobsPoolSize}); a provide whose
         * remaining sends do not fit waits for them.
         */
        public Builder optimisticBackgroundSends(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("at least one background send: " + n);
            }
            this.optimisticBackgroundSends = n;
            return this;
        }

        /**
         * How long closing the DHT lets requests in flight and the ends of pooled streams finish
         * (all at once) before resetting what is left (default 2 s).
         */
        public Builder closeGrace(Duration d) {
            this.closeGrace = positive(d);
            return this;
        }

        /** The config. */
        public KadConfig build() {
            return new KadConfig(this);
        }

        private static Duration positive(Duration d) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("duration must be positive: " + d);
            }
            return d;
        }
    }
}
