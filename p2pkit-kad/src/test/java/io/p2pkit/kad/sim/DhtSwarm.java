package io.p2pkit.kad.sim;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.transport.memory.MemoryNetwork;
import io.p2pkit.kad.KadConfig;
import io.p2pkit.kad.KadDht;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;

/**
 * Many hosts with a DHT each on one {@link MemoryNetwork}, for tests and the simulation. Hosts
 * use plaintext security (the simulation measures the DHT, not Noise) and yamux.
 */
public final class DhtSwarm implements AutoCloseable {
    /** One simulated node. */
    public record Node(Host host, KadDht dht) {
        /** How to reach it. */
        public PeerInfo info() {
            return new PeerInfo(host.peerId(), host.addresses());
        }
    }

    private final MemoryNetwork network;
    private final List<Node> nodes = new ArrayList<>();
    private final UnaryOperator<KadConfig.Builder> configure;
    private final SplittableRandom random;

    private java.util.concurrent.ScheduledExecutorService scheduler;
    private int maxConnections = Integer.MAX_VALUE;
    private io.p2pkit.core.muxer.yamux.YamuxConfig yamux = io.p2pkit.core.muxer.yamux.YamuxConfig.defaults();

    /**
     * Caps every node's connections, as a connection manager would: after each batch of joins
     * (and on {@link #trimConnections()}) a node over the cap closes its oldest connections.
     * Each yamux session holds about 130 KiB of buffers, so a thousand fully meshed nodes would
     * not fit in memory otherwise. The DHT redials when it needs a peer again.
     */
    public DhtSwarm maxConnections(int max, io.p2pkit.core.muxer.yamux.YamuxConfig yamuxConfig) {
        this.maxConnections = max;
        this.yamux = yamuxConfig;
        return this;
    }

    /** Closes the oldest connections of every node over the cap. */
    public void trimConnections() {
        if (maxConnections == Integer.MAX_VALUE) {
            return;
        }
        for (Node n : nodes()) {
            List<io.p2pkit.core.network.Connection> conns = new ArrayList<>(n.host().network().connections());
            if (conns.size() <= maxConnections) {
                continue;
            }
            conns.sort(java.util.Comparator.comparing(io.p2pkit.core.network.Connection::opened));
            for (int i = 0; i < conns.size() - maxConnections; i++) {
                conns.get(i).close();
            }
        }
    }

    /** A swarm on {@code network}; {@code configure} adjusts each node's config. */
    public DhtSwarm(MemoryNetwork network, long seed, UnaryOperator<KadConfig.Builder> configure) {
        this.network = network;
        this.configure = configure;
        this.random = new SplittableRandom(seed);
    }

    /** Shares one scheduler among all hosts started from now on (a thousand hosts need not a thousand timer threads). */
    public DhtSwarm sharedScheduler(java.util.concurrent.ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
        return this;
    }

    /** The network. */
    public MemoryNetwork network() {
        return network;
    }

    /**
     * The library's limits without its caps on what a node opens itself, as a daemon's are (Kubo's,
     * and p2pkit's {@code KuboResourceLimits}): with them, a node announcing thousands of keys
     * reaches its outbound connection limit within seconds and its lookups miss the peers it may no
     * longer dial.
     */
    private static final io.p2pkit.core.resource.ResourceManagerConfig DAEMON_LIMITS = daemonLimits();

    private static io.p2pkit.core.resource.ResourceManagerConfig daemonLimits() {
        var library = io.p2pkit.core.resource.ResourceManagerConfig.defaults();
        return library.toBuilder().system(opened(library.system())).transientLimits(opened(library.transientLimits()))
                .build();
    }

    private static io.p2pkit.core.resource.ResourceLimits opened(io.p2pkit.core.resource.ResourceLimits l) {
        for (var r : List.of(io.p2pkit.core.resource.Resource.OUTBOUND_CONNECTIONS, io.p2pkit.core.resource.Resource.CONNECTIONS,
                io.p2pkit.core.resource.Resource.OUTBOUND_STREAMS, io.p2pkit.core.resource.Resource.STREAMS)) {
            l = l.with(r, Long.MAX_VALUE);
        }
        return l;
    }

    /** Starts a node (not bootstrapped) and adds it to the swarm. */
    public Node start(List<PeerInfo> bootstrap) throws IOException {
        return start(bootstrap, UnaryOperator.identity());
    }

    /** Starts a node whose config {@code extra} adjusts after the swarm's own adjustment. */
    public Node start(List<PeerInfo> bootstrap, UnaryOperator<KadConfig.Builder> extra) throws IOException {
        var builder = Host.builder();
        if (scheduler != null) {
            builder.scheduler(scheduler);
        }
        Host host = builder
                .identity(PrivateKey.generateEd25519())
                .transport(key -> network.transport())
                .security("plaintext")
                .muxer(io.p2pkit.core.muxer.yamux.Yamux.factory(yamux))
                .resourceManager(new io.p2pkit.core.resource.ResourceManager(DAEMON_LIMITS))
                .listen("/memory/0")
                .build();
        try {
            KadConfig.Builder b = KadConfig.builder()
                    .bootstrap(bootstrap)
                    .periodicTasks(false)
                    .random(new java.util.Random(random.nextLong()));
            KadDht dht = KadDht.attach(host, extra.apply(configure.apply(b)).build());
            Node n = new Node(host, dht);
            synchronizedAdd(n);
            return n;
        } catch (IOException | RuntimeException e) {
            host.close();
            throw e;
        }
    }

    private void synchronizedAdd(Node n) {
        lock.lock();
        try {
            nodes.add(n);
        } finally {
            lock.unlock();
        }
    }

    private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();

    /**
     * Starts {@code count} nodes: the first alone, each later one bootstrapping from up to three
     * random earlier nodes; joins run {@code parallel} at a time.
     */
    public void grow(int count, int parallel) throws Exception {
        if (nodes().isEmpty()) {
            start(List.of());
            count--;
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(parallel, Thread.ofVirtual().factory())) {
            List<Future<?>> joins = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                List<Node> existing = nodes();
                List<PeerInfo> boot = new ArrayList<>();
                for (int j = 0; j < Math.min(3, existing.size()); j++) {
                    boot.add(existing.get(random.nextInt(existing.size())).info());
                }
                joins.add(pool.submit(() -> {
                    Node n = start(boot);
                    n.dht().bootstrap();
                    return null;
                }));
                if (joins.size() >= parallel) {
                    for (Future<?> f : joins) {
                        f.get();
                    }
                    joins.clear();
                    trimConnections();
                }
            }
            for (Future<?> f : joins) {
                f.get();
            }
        }
        trimConnections();
    }

    /** Stops node {@code n} and removes it from the swarm. */
    public void stop(Node n) {
        lock.lock();
        try {
            nodes.remove(n);
        } finally {
            lock.unlock();
        }
        n.host().close();
    }

    /** The live nodes. */
    public List<Node> nodes() {
        lock.lock();
        try {
            return List.copyOf(nodes);
        } finally {
            lock.unlock();
        }
    }

    /** A random live node. */
    public Node randomNode() {
        List<Node> all = nodes();
        return all.get(random.nextInt(all.size()));
    }

    /** Random numbers from the swarm's seed. */
    public SplittableRandom random() {
        return random;
    }

    @Override
    public void close() {
        for (Node n : nodes()) {
            n.host().close();
        }
    }
}
