package io.p2pkit.nat.portmap;

import io.p2pkit.core.logging.LazyLogger;

import java.io.Closeable;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Maps ports on the default gateway and keeps them mapped: finds the gateway in
 * {@code /proc/net/route}, asks it through NAT-PMP (RFC 6886) and, failing that, through a UPnP
 * IGD found by SSDP; renews every lease at half its lifetime; removes the mappings on
 * {@link #close()}. What happens is told to {@link PortMappingListener}s.
 *
 * <p>All state belongs to one thread that takes commands from a bounded queue; timers come from a
 * scheduler and only post commands. Public methods return at once.
 */
public final class PortMapper implements Closeable {
    private static final System.Logger LOG = LazyLogger.of(PortMapper.class);
    private static final int QUEUE = 256;

    /** Where the mapper stands with the gateway. */
    public enum State {
        /** Not started yet. */
        IDLE,
        /** Looking for the gateway and a port-mapping service on it. */
        DISCOVERING,
        /** Mapping through NAT-PMP. */
        NAT_PMP,
        /** Mapping through a UPnP IGD. */
        UPNP,
        /** There is no IPv4 default gateway. */
        NO_GATEWAY,
        /** The gateway answered neither NAT-PMP nor UPnP (or refused them). */
        NO_DEVICE,
        /** Closed; mappings removed. */
        CLOSED
    }

    /**
     * The mapper's state and, in words, why (the gateway, the method, the external address, or
     * what failed).
     */
    public record Status(State state, String detail) {
    }

    private record Key(Protocol protocol, int port) {
    }

    private final Builder config;
    private final ScheduledExecutorService scheduler;
    private final boolean ownsScheduler;
    private final ThreadPoolExecutor worker;
    private final List<PortMappingListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    // owned by the worker thread
    private final Set<Key> wanted = new LinkedHashSet<>();
    private final Map<Key, PortMapping> active = new LinkedHashMap<>();
    private final Map<Key, ScheduledFuture<?>> timers = new HashMap<>();
    private ScheduledFuture<?> discoveryTimer;
    private Backend backend;
    private InetAddress internal;

    private volatile Status status = new Status(State.IDLE, "not started");
    private volatile List<PortMapping> snapshot = List.of();

    private PortMapper(Builder b) {
        this.config = b;
        this.ownsScheduler = b.scheduler == null;
        this.scheduler = ownsScheduler ? Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("port-mapper-timer").factory()) : b.scheduler;
        this.worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE),
                Thread.ofVirtual().name("port-mapper").factory(), (task, pool) ->
                LOG.log(System.Logger.Level.WARNING, "port mapper queue full, a command dropped"));
    }

    /** A builder with the defaults: NAT-PMP and UPnP, one-hour leases. */
    public static Builder builder() {
        return new Builder();
    }

    /** Configuration of a {@link PortMapper}. */
    public static final class Builder {
        private InetAddress gateway;
        private Path routeTable = DefaultGateway.ROUTES;
        private Duration lease = Duration.ofHours(1);
        private boolean natPmp = true;
        private boolean upnp = true;
        private Duration discoveryTimeout = Duration.ofSeconds(2);
        private Duration requestTimeout = Duration.ofSeconds(5);
        private Duration retryInterval = Duration.ofMinutes(5);
        private ScheduledExecutorService scheduler;

        private Builder() {
        }

        /** Uses this gateway instead of the default route's. */
        public Builder gateway(InetAddress gateway) {
            this.gateway = Objects.requireNonNull(gateway, "gateway");
            return this;
        }

        /** For tests: another routing table than {@code /proc/net/route}. */
        Builder routeTable(Path table) {
            this.routeTable = Objects.requireNonNull(table, "table");
            return this;
        }

        /** The lease asked for each mapping (default one hour); renewed at half of what is granted. */
        public Builder lease(Duration lease) {
            if (lease.toSeconds() < 2) {
                throw new IllegalArgumentException("lease " + lease);
            }
            this.lease = lease;
            return this;
        }

        /** Whether to try NAT-PMP (default true). */
        public Builder natPmp(boolean on) {
            this.natPmp = on;
            return this;
        }

        /** Whether to try UPnP IGD (default true). */
        public Builder upnp(boolean on) {
            this.upnp = on;
            return this;
        }

        /** How long to wait for SSDP answers (default 2 s); NAT-PMP waits about as long. */
        public Builder discoveryTimeout(Duration timeout) {
            this.discoveryTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** The deadline of each request to the gateway (default 5 s). */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** How long after a failure discovery or a mapping is tried again (default 5 min). */
        public Builder retryInterval(Duration interval) {
            this.retryInterval = Objects.requireNonNull(interval, "interval");
            return this;
        }

        /** The scheduler for renewals (the host's); without one the mapper has its own. */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** A mapper; {@link PortMapper#start()} begins discovery. */
        public PortMapper build() {
            return new PortMapper(this);
        }
    }

    /** Adds a listener; it is called on the mapper's thread. */
    public void addListener(PortMappingListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Looks for the gateway and maps the ports asked for so far and later. Idempotent. */
    public void start() {
        if (started.compareAndSet(false, true)) {
            post(this::discover);
        }
    }

    /** Asks for {@code internalPort} to be mapped (and kept mapped) as soon as a gateway allows. */
    public void map(Protocol protocol, int internalPort) {
        checkPort(internalPort);
        Key k = new Key(Objects.requireNonNull(protocol, "protocol"), internalPort);
        post(() -> {
            if (wanted.add(k) && backend != null) {
                add(k);
            }
        });
    }

    /** Removes the mapping of {@code internalPort}, if any, and stops keeping it. */
    public void unmap(Protocol protocol, int internalPort) {
        Key k = new Key(Objects.requireNonNull(protocol, "protocol"), internalPort);
        post(() -> {
            wanted.remove(k);
            remove(k);
        });
    }

    /** The mappings in place now. */
    public List<PortMapping> mappings() {
        return snapshot;
    }

    /** Where the mapper stands. */
    public Status status() {
        return status;
    }

    /** Removes every mapping from the gateway (waiting up to a few request timeouts) and stops. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            worker.execute(this::shutdown);
        } catch (RejectedExecutionException full) {
            LOG.log(System.Logger.Level.WARNING, "port mapper busy at close: mappings expire on their own");
        }
        worker.shutdown();
        try {
            long wait = config.requestTimeout.toMillis() * Math.max(2, snapshot.size() + 2);
            if (!worker.awaitTermination(wait, TimeUnit.MILLISECONDS)) {
                worker.shutdownNow();
            }
        } catch (InterruptedException e) {
            worker.shutdownNow();
            Thread.currentThread().interrupt();
        }
        if (ownsScheduler) {
            scheduler.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- on the worker thread

    private void discover() {
        if (closed.get()) {
            return;
        }
        closeBackend();
        setStatus(State.DISCOVERING, "looking for the gateway");
        Optional<? extends InetAddress> gw;
        try {
            gw = config.gateway != null ? Optional.of(config.gateway) : DefaultGateway.find(config.routeTable);
        } catch (IOException e) {
            gw = Optional.empty();
        }
        if (gw.isEmpty()) {
            giveUp(State.NO_GATEWAY, "no IPv4 default gateway in " + config.routeTable);
            return;
        }
        InetAddress gateway = gw.get();
        List<String> why = new ArrayList<>();
        try {
            internal = localAddressTowards(gateway);
        } catch (IOException e) {
            giveUp(State.NO_GATEWAY, "the gateway " + gateway.getHostAddress() + " is unreachable: " + e.getMessage());
            return;
        }
        InetAddress external = null;
        if (config.natPmp) {
            NatPmpClient c = new NatPmpClient(new InetSocketAddress(gateway, NatPmpClient.PORT), Duration.ofMillis(250),
                    natPmpAttempts());
            try {
                external = c.externalAddress();
                backend = new NatPmpBackend(c);
            } catch (IOException e) {
                why.add("NAT-PMP: " + e.getMessage());
            }
        }
        if (backend == null && config.upnp) {
            try {
                List<SsdpResponse> found = Ssdp.search(internal, gateway, config.discoveryTimeout);
                if (found.isEmpty()) {
                    why.add("UPnP: no IGD answered the SSDP search");
                }
                for (SsdpResponse r : found) {
                    try {
                        Optional<UpnpClient> c = UpnpClient.open(r.location(), config.requestTimeout);
                        if (c.isEmpty()) {
                            why.add("UPnP: " + r.location() + " has no WAN connection service");
                            continue;
                        }
                        try {
                            external = c.get().externalAddress();
                        } catch (IOException e) {
                            c.get().close();
                            throw e;
                        }
                        backend = new UpnpBackend(c.get(), internal);
                        break;
                    } catch (IOException | RuntimeException e) {
                        why.add("UPnP " + r.location() + ": " + e.getMessage());
                    }
                }
            } catch (IOException e) {
                why.add("UPnP: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (backend == null) {
            giveUp(State.NO_DEVICE, "the gateway " + gateway.getHostAddress() + " offers no port mapping ("
                    + (why.isEmpty() ? "NAT-PMP and UPnP are off" : String.join("; ", why)) + ")");
            return;
        }
        setStatus(backend instanceof NatPmpBackend ? State.NAT_PMP : State.UPNP, backend.method() + " on "
                + gateway.getHostAddress() + ", external address " + external.getHostAddress() + ", internal "
                + internal.getHostAddress());
        for (Key k : List.copyOf(wanted)) {
            add(k);
        }
    }

    private int natPmpAttempts() {
        // 250 ms doubling: 3 attempts wait 1.75 s, about the SSDP search's time
        return config.discoveryTimeout.toMillis() >= 3750 ? 4 : 3;
    }

    private void giveUp(State state, String detail) {
        setStatus(state, detail);
        for (Key k : wanted) {
            fire(l -> l.failed(k.protocol(), k.port(), detail));
        }
        for (Key k : List.copyOf(active.keySet())) {
            drop(k);
        }
        discoveryTimer = scheduler.schedule(() -> post(this::discover), config.retryInterval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void add(Key k) {
        if (closed.get() || backend == null) {
            return;
        }
        PortMapping old = active.get(k);
        int preferred = old != null ? old.external().getPort() : k.port();
        try {
            InetAddress external = backend.externalAddress();
            Backend.Granted g = backend.add(k.protocol(), k.port(), preferred, config.lease.toSeconds());
            Instant expires = g.lease() == 0 ? Instant.MAX : Instant.now().plusSeconds(g.lease());
            PortMapping m = new PortMapping(k.protocol(), k.port(), new InetSocketAddress(external, g.externalPort()),
                    backend.method(), expires);
            active.put(k, m);
            publish();
            if (old != null && old.sameAs(m)) {
                fire(l -> l.renewed(m));
            } else {
                if (old != null) {
                    fire(l -> l.unmapped(old));
                }
                fire(l -> l.mapped(m));
            }
            long renewIn = Math.max(1, (g.lease() == 0 ? config.lease.toSeconds() : g.lease()) / 2);
            schedule(k, Duration.ofSeconds(renewIn));
        } catch (IOException | RuntimeException e) {
            String reason = e.getMessage();
            fire(l -> l.failed(k.protocol(), k.port(), reason));
            if (old != null && !Instant.now().isBefore(old.expires())) {
                drop(k);
            }
            Duration retry = config.retryInterval;
            if (old != null && old.expires().isAfter(Instant.now())) {
                Duration left = Duration.between(Instant.now(), old.expires());
                retry = left.dividedBy(2).compareTo(retry) < 0 ? left.dividedBy(2) : retry;
            }
            schedule(k, retry.isZero() ? Duration.ofSeconds(1) : retry);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void remove(Key k) {
        cancel(k);
        PortMapping m = active.get(k);
        if (m == null) {
            return;
        }
        if (backend != null) {
            try {
                backend.remove(k.protocol(), k.port(), m.external().getPort());
            } catch (IOException | RuntimeException e) {
                // it expires at the end of its lease anyway
                LOG.log(System.Logger.Level.DEBUG, () -> "removing " + m + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        drop(k);
    }

    private void drop(Key k) {
        cancel(k);
        PortMapping m = active.remove(k);
        if (m != null) {
            publish();
            fire(l -> l.unmapped(m));
        }
    }

    private void shutdown() {
        if (discoveryTimer != null) {
            discoveryTimer.cancel(false);
        }
        for (Key k : List.copyOf(active.keySet())) {
            remove(k);
        }
        for (Key k : List.copyOf(timers.keySet())) {
            cancel(k);
        }
        closeBackend();
        setStatus(State.CLOSED, "closed");
    }

    private void schedule(Key k, Duration in) {
        cancel(k);
        timers.put(k, scheduler.schedule(() -> post(() -> {
            timers.remove(k);
            if (wanted.contains(k)) {
                add(k);
            }
        }), in.toMillis(), TimeUnit.MILLISECONDS));
    }

    private void cancel(Key k) {
        ScheduledFuture<?> f = timers.remove(k);
        if (f != null) {
            f.cancel(false);
        }
    }

    private void closeBackend() {
        if (backend != null) {
            backend.close();
            backend = null;
        }
    }

    private void setStatus(State s, String detail) {
        Status now = new Status(s, detail);
        status = now;
        LOG.log(System.Logger.Level.DEBUG, () -> "port mapping: " + s + " " + detail);
        fire(l -> l.statusChanged(now));
    }

    private void publish() {
        snapshot = List.copyOf(active.values());
    }

    private void fire(Consumer<PortMappingListener> event) {
        for (PortMappingListener l : listeners) {
            try {
                event.accept(l);
            } catch (RuntimeException e) {
                // one listener's bug must not stop the others; it is still a bug
                LOG.log(System.Logger.Level.WARNING, "port mapping listener failed", e);
            }
        }
    }

    private void post(Runnable command) {
        if (worker.isShutdown()) {
            return;
        }
        try {
            worker.execute(() -> {
                try {
                    command.run();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "port mapper command failed", e);
                }
            });
        } catch (RejectedExecutionException closing) {
            // closed meanwhile: nothing left to do
        }
    }

    /** This machine's address on the route to {@code gateway} (a connected UDP socket sends nothing). */
    private static InetAddress localAddressTowards(InetAddress gateway) throws IOException {
        try (DatagramSocket s = new DatagramSocket()) {
            s.connect(gateway, NatPmpClient.PORT);
            InetAddress local = s.getLocalAddress();
            if (local == null || local.isAnyLocalAddress()) {
                throw new IOException("no local address towards " + gateway.getHostAddress());
            }
            return local;
        }
    }

    private static void checkPort(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port);
        }
    }

    @Override
    public String toString() {
        return "PortMapper " + status;
    }
}
