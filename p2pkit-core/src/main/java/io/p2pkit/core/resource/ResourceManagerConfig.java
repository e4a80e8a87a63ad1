package io.p2pkit.core.resource;

import io.p2pkit.core.identity.PeerId;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The limits of every scope. Service, protocol and peer limits apply to each service, protocol and
 * peer separately; the overrides replace them for particular ones. The allow-listed system and
 * transient limits apply to connections admitted through the {@link AllowList} when the normal
 * ones are full. Immutable; build with {@link #builder()} or {@link #toBuilder()}.
 */
public final class ResourceManagerConfig {
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;

    private final ResourceLimits system;
    private final ResourceLimits transientLimits;
    private final ResourceLimits allowlistedSystem;
    private final ResourceLimits allowlistedTransient;
    private final ResourceLimits serviceDefault;
    private final Map<String, ResourceLimits> serviceOverrides;
    private final ResourceLimits protocolDefault;
    private final Map<String, ResourceLimits> protocolOverrides;
    private final ResourceLimits peerDefault;
    private final Map<PeerId, ResourceLimits> peerOverrides;
    private final ResourceLimits connection;
    private final ResourceLimits stream;
    private final AllowList allowList;

    private ResourceManagerConfig(Builder b) {
        this.system = b.system;
        this.transientLimits = b.transientLimits;
        this.allowlistedSystem = b.allowlistedSystem;
        this.allowlistedTransient = b.allowlistedTransient;
        this.serviceDefault = b.serviceDefault;
        this.serviceOverrides = Map.copyOf(b.serviceOverrides);
        this.protocolDefault = b.protocolDefault;
        this.protocolOverrides = Map.copyOf(b.protocolOverrides);
        this.peerDefault = b.peerDefault;
        this.peerOverrides = Map.copyOf(b.peerOverrides);
        this.connection = b.connection;
        this.stream = b.stream;
        this.allowList = b.allowList;
    }

    /** No limits anywhere: everything is counted, nothing is refused. */
    public static ResourceManagerConfig unlimited() {
        return new Builder().build();
    }

    /** A builder starting from no limits at all. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.system = system;
        b.transientLimits = transientLimits;
        b.allowlistedSystem = allowlistedSystem;
        b.allowlistedTransient = allowlistedTransient;
        b.serviceDefault = serviceDefault;
        b.serviceOverrides.putAll(serviceOverrides);
        b.protocolDefault = protocolDefault;
        b.protocolOverrides.putAll(protocolOverrides);
        b.peerDefault = peerDefault;
        b.peerOverrides.putAll(peerOverrides);
        b.connection = connection;
        b.stream = stream;
        b.allowList = allowList;
        return b;
    }

    /**
     * Defaults scaled to this JVM: half of {@link Runtime#maxMemory()} as the memory budget and half
     * of the process's file-descriptor limit, see {@link #scaled(long, long)}.
     */
    public static ResourceManagerConfig defaults() {
        return scaled(Runtime.getRuntime().maxMemory() / 2, processFileDescriptorLimit() / 2);
    }

    /**
     * Defaults for a memory budget and a number of file descriptors, modelled on go-libp2p's
     * scaling limit config: each scope has base limits for 128 MiB and grows by a fixed increase
     * per further GiB; descriptors are shared out as fractions of {@code fileDescriptors}.
     */
    public static ResourceManagerConfig scaled(long memoryBytes, long fileDescriptors) {
        double gib = Math.max(0, memoryBytes - 128 * MIB) / (double) GIB;
        long fds = Math.max(16, fileDescriptors);
        ResourceLimits system = counts(64, 128, 128, 1024, 2048, 2048, gib, 64, 128, 128, 1024, 2048, 2048)
                .with(Resource.MEMORY, grow(128 * MIB, GIB, gib))
                .with(Resource.FILE_DESCRIPTORS, fds);
        ResourceLimits trans = counts(32, 64, 64, 128, 256, 256, gib, 16, 32, 32, 128, 256, 256)
                .with(Resource.MEMORY, grow(32 * MIB, 128 * MIB, gib))
                .with(Resource.FILE_DESCRIPTORS, Math.max(4, fds / 4));
        ResourceLimits service = counts(-1, -1, -1, 1024, 4096, 4096, gib, 0, 0, 0, 512, 2048, 2048)
                .with(Resource.MEMORY, grow(64 * MIB, 128 * MIB, gib));
        ResourceLimits protocol = counts(-1, -1, -1, 512, 2048, 2048, gib, 0, 0, 0, 256, 512, 512)
                .with(Resource.MEMORY, grow(64 * MIB, 128 * MIB, gib));
        ResourceLimits peer = counts(8, 8, 8, 256, 512, 512, gib, 0, 0, 0, 128, 256, 256)
                .with(Resource.MEMORY, grow(64 * MIB, 128 * MIB, gib))
                .with(Resource.FILE_DESCRIPTORS, Math.max(4, fds / 64));
        ResourceLimits conn = ResourceLimits.unlimited().with(Resource.INBOUND_CONNECTIONS, 1)
                .with(Resource.OUTBOUND_CONNECTIONS, 1).with(Resource.CONNECTIONS, 1)
                .with(Resource.FILE_DESCRIPTORS, 1).with(Resource.MEMORY, 32 * MIB);
        ResourceLimits stream = ResourceLimits.unlimited().with(Resource.INBOUND_STREAMS, 1)
                .with(Resource.OUTBOUND_STREAMS, 1).with(Resource.STREAMS, 1).with(Resource.MEMORY, 16 * MIB);
        return builder().system(system).transientLimits(trans).allowlistedSystem(system)
                .allowlistedTransient(trans).serviceDefault(service).protocolDefault(protocol).peerDefault(peer)
                .connection(conn).stream(stream).build();
    }

    private static ResourceLimits counts(long connsIn, long connsOut, long conns, long streamsIn, long streamsOut,
                                         long streams, double gib, long incConnsIn, long incConnsOut, long incConns,
                                         long incStreamsIn, long incStreamsOut, long incStreams) {
        ResourceLimits l = ResourceLimits.unlimited();
        if (connsIn >= 0) {
            l = l.with(Resource.INBOUND_CONNECTIONS, grow(connsIn, incConnsIn, gib))
                    .with(Resource.OUTBOUND_CONNECTIONS, grow(connsOut, incConnsOut, gib))
                    .with(Resource.CONNECTIONS, grow(conns, incConns, gib));
        }
        return l.with(Resource.INBOUND_STREAMS, grow(streamsIn, incStreamsIn, gib))
                .with(Resource.OUTBOUND_STREAMS, grow(streamsOut, incStreamsOut, gib))
                .with(Resource.STREAMS, grow(streams, incStreams, gib));
    }

    private static long grow(long base, long perGib, double gib) {
        return base + (long) (perGib * gib);
    }

    /**
     * The process's limit on open file descriptors (the soft limit): on Linux from
     * {@code /proc/self/limits}, elsewhere from the platform MXBean; 4096 when the platform does
     * not say (Windows, other VMs) or the limit is unlimited.
     */
    public static long processFileDescriptorLimit() {
        // The file first: the platform MXBean costs a fresh JVM some 4 ms of class initialisation
        // on every host it builds (docs/PERFORMANCE.md, "QUIC made on its first use").
        long fromFile = ProcLimits.openFiles(Path.of("/proc/self/limits"));
        if (fromFile > 0) {
            return fromFile;
        }
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean u) {
            long max = u.getMaxFileDescriptorCount();
            if (max > 0) {
                return max;
            }
        }
        return 4096;
    }

    /** Limits of the system scope. */
    public ResourceLimits system() {
        return system;
    }

    /** Limits of the transient scope. */
    public ResourceLimits transientLimits() {
        return transientLimits;
    }

    /** Limits of the allow-listed system scope. */
    public ResourceLimits allowlistedSystem() {
        return allowlistedSystem;
    }

    /** Limits of the allow-listed transient scope. */
    public ResourceLimits allowlistedTransient() {
        return allowlistedTransient;
    }

    /** The limits of {@code service}'s scope. */
    public ResourceLimits service(String service) {
        return serviceOverrides.getOrDefault(service, serviceDefault);
    }

    /** The limits of {@code protocol}'s scope. */
    public ResourceLimits protocol(String protocol) {
        return protocolOverrides.getOrDefault(protocol, protocolDefault);
    }

    /** The limits of {@code peer}'s scope. */
    public ResourceLimits peer(PeerId peer) {
        return peerOverrides.getOrDefault(peer, peerDefault);
    }

    /** The limits every service gets unless overridden. */
    public ResourceLimits serviceDefault() {
        return serviceDefault;
    }

    /** The limits every protocol gets unless overridden. */
    public ResourceLimits protocolDefault() {
        return protocolDefault;
    }

    /** The limits every peer gets unless overridden. */
    public ResourceLimits peerDefault() {
        return peerDefault;
    }

    /** Per-service overrides. */
    public Map<String, ResourceLimits> serviceOverrides() {
        return serviceOverrides;
    }

    /** Per-protocol overrides. */
    public Map<String, ResourceLimits> protocolOverrides() {
        return protocolOverrides;
    }

    /** Per-peer overrides. */
    public Map<PeerId, ResourceLimits> peerOverrides() {
        return peerOverrides;
    }

    /** Limits of each connection's own scope. */
    public ResourceLimits connection() {
        return connection;
    }

    /** Limits of each stream's own scope. */
    public ResourceLimits stream() {
        return stream;
    }

    /** Who may use the allow-listed scopes. */
    public AllowList allowList() {
        return allowList;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResourceManagerConfig c && system.equals(c.system)
                && transientLimits.equals(c.transientLimits) && allowlistedSystem.equals(c.allowlistedSystem)
                && allowlistedTransient.equals(c.allowlistedTransient) && serviceDefault.equals(c.serviceDefault)
                && serviceOverrides.equals(c.serviceOverrides) && protocolDefault.equals(c.protocolDefault)
                && protocolOverrides.equals(c.protocolOverrides) && peerDefault.equals(c.peerDefault)
                && peerOverrides.equals(c.peerOverrides) && connection.equals(c.connection)
                && stream.equals(c.stream) && allowList.equals(c.allowList);
    }

    @Override
    public int hashCode() {
        return Objects.hash(system, transientLimits, allowlistedSystem, allowlistedTransient, serviceDefault,
                serviceOverrides, protocolDefault, protocolOverrides, peerDefault, peerOverrides, connection, stream,
                allowList);
    }

    @Override
    public String toString() {
        return "ResourceManagerConfig[system=" + system + ", transient=" + transientLimits + ", service="
                + serviceDefault + ", protocol=" + protocolDefault + ", peer=" + peerDefault + ", connection="
                + connection + ", stream=" + stream + ", allowList=" + allowList + "]";
    }

    /** Builds a {@link ResourceManagerConfig}; everything not set is unlimited. */
    public static final class Builder {
        private ResourceLimits system = ResourceLimits.unlimited();
        private ResourceLimits transientLimits = ResourceLimits.unlimited();
        private ResourceLimits allowlistedSystem = ResourceLimits.unlimited();
        private ResourceLimits allowlistedTransient = ResourceLimits.unlimited();
        private ResourceLimits serviceDefault = ResourceLimits.unlimited();
        private final Map<String, ResourceLimits> serviceOverrides = new HashMap<>();
        private ResourceLimits protocolDefault = ResourceLimits.unlimited();
        private final Map<String, ResourceLimits> protocolOverrides = new HashMap<>();
        private ResourceLimits peerDefault = ResourceLimits.unlimited();
        private final Map<PeerId, ResourceLimits> peerOverrides = new HashMap<>();
        private ResourceLimits connection = ResourceLimits.unlimited();
        private ResourceLimits stream = ResourceLimits.unlimited();
        private AllowList allowList = AllowList.empty();

        private Builder() {
        }

        /** Limits of the system scope. */
        public Builder system(ResourceLimits l) {
            system = Objects.requireNonNull(l);
            return this;
        }

        /** Limits of the transient scope. */
        public Builder transientLimits(ResourceLimits l) {
            transientLimits = Objects.requireNonNull(l);
            return this;
        }

        /** Limits of the allow-listed system scope. */
        public Builder allowlistedSystem(ResourceLimits l) {
            allowlistedSystem = Objects.requireNonNull(l);
            return this;
        }

        /** Limits of the allow-listed transient scope. */
        public Builder allowlistedTransient(ResourceLimits l) {
            allowlistedTransient = Objects.requireNonNull(l);
            return this;
        }

        /** Limits of every service scope. */
        public Builder serviceDefault(ResourceLimits l) {
            serviceDefault = Objects.requireNonNull(l);
            return this;
        }

        /** Limits of one service's scope. */
        public Builder service(String service, ResourceLimits l) {
            serviceOverrides.put(service, Objects.requireNonNull(l));
            return this;
        }

        /** Limits of every protocol scope. */
        public Builder protocolDefault(ResourceLimits l) {
            protocolDefault = Objects.requireNonNull(l);
            return this;
        }

        /** Limits of one protocol's scope. */
        public Builder protocol(String protocol, ResourceLimits l) {
            protocolOverrides.put(protocol, Objects.requireNonNull(l));
            return this;
        }

        /** Limits of every peer scope. */
        public Builder peerDefault(ResourceLimits l) {
            peerDefault = Objects.requireNonNull(l);
            return this;
        }

        /** Limits of one peer's scope. */
        public Builder peer(PeerId peer, ResourceLimits l) {
            peerOverrides.put(peer, Objects.requireNonNull(l));
            return this;
        }

        /** Limits of each connection's own scope. */
        public Builder connection(ResourceLimits l) {
            connection = Objects.requireNonNull(l);
            return this;
        }

        /** Limits of each stream's own scope. */
        public Builder stream(ResourceLimits l) {
            stream = Objects.requireNonNull(l);
            return this;
        }

        /** Who may use the allow-listed scopes. */
        public Builder allowList(AllowList a) {
            allowList = Objects.requireNonNull(a);
            return this;
        }

        /** The configuration. */
        public ResourceManagerConfig build() {
            return new ResourceManagerConfig(this);
        }
    }
}
