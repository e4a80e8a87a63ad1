package io.p2pkit.discovery.rendezvous;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.logging.LazyLogger;

import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Discovery through rendezvous points, as {@code p2pkit daemon --rendezvous} runs it: this host
 * stays registered in one namespace at every point (renewed before the TTL runs out), and every
 * {@link Config#interval()} asks each point for the namespace's registrations it has not seen yet
 * (with the point's cookie) and connects to the peers found, while it has fewer than
 * {@link Config#maxPeers()} connections. A point that cannot be reached is tried again next round.
 *
 * <pre>{@code
 * RendezvousDiscovery.attach(host, RendezvousClient.attach(host),
 *         new RendezvousDiscovery.Config(List.of(point), "my-app", Duration.ofMinutes(5), 50));
 * }</pre>
 */
public final class RendezvousDiscovery implements Closeable {
    private static final System.Logger LOG = LazyLogger.of(RendezvousDiscovery.class);

    /**
     * What to do.
     *
     * @param points    the rendezvous points, each with its peer ID and at least one address
     * @param namespace the namespace to register and discover in (1 to 255 bytes)
     * @param interval  how often to discover (at least a second)
     * @param maxPeers  stop connecting to found peers once the host has this many connections
     */
    public record Config(List<PeerInfo> points, String namespace, Duration interval, int maxPeers) {
        /** The namespace the daemon uses when none is given. */
        public static final String DEFAULT_NAMESPACE = "p2pkit";
        /** The daemon's interval. */
        public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(5);

        /** @throws IllegalArgumentException for no points, a bad namespace, interval or cap */
        public Config {
            points = List.copyOf(points);
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(interval, "interval");
            if (points.isEmpty()) {
                throw new IllegalArgumentException("no rendezvous points");
            }
            int bytes = namespace.getBytes(StandardCharsets.UTF_8).length;
            if (bytes == 0 || bytes > 255) {
                throw new IllegalArgumentException("a rendezvous namespace is 1 to 255 bytes: '" + namespace + "'");
            }
            if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("the discovery interval is at least a second, not " + interval);
            }
            if (maxPeers < 0) {
                throw new IllegalArgumentException("negative peer cap");
            }
        }
    }

    private final Host host;
    private final RendezvousClient client;
    private final Config config;
    /** The registration kept alive at each point, once one succeeded. */
    private final Map<PeerId, Closeable> registered = new ConcurrentHashMap<>();
    /** The cookie of the last page seen from each point. */
    private final Map<PeerId, byte[]> cookies = new ConcurrentHashMap<>();
    /**
     * Peers found whose dial failed: the cookie has moved past their registrations, so they are
     * dialed again each round until one succeeds (at most {@link #MAX_RETRIED}; beyond, one is dropped).
     */
    private final java.util.Set<PeerId> retry = ConcurrentHashMap.newKeySet();
    static final int MAX_RETRIED = 256;
    private final AtomicBoolean running = new AtomicBoolean();
    private final ScheduledFuture<?> rounds;
    private volatile boolean closed;

    private RendezvousDiscovery(Host host, RendezvousClient client, Config config) {
        this.host = host;
        this.client = client;
        this.config = config;
        this.rounds = host.scheduler().scheduleWithFixedDelay(() -> host.spawn("rendezvous-discovery", this::round),
                0, config.interval().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Starts registering and discovering; the first round runs at once, in the background. */
    public static RendezvousDiscovery attach(Host host, RendezvousClient client, Config config) {
        return new RendezvousDiscovery(host, client, config);
    }

    private void round() {
        if (closed || !running.compareAndSet(false, true)) {
            return; // a slow round is still going: skip this one rather than pile up
        }
        try {
            for (PeerInfo point : config.points()) {
                if (closed) {
                    return;
                }
                retryFailed();
                try {
                    if (!registered.containsKey(point.peerId())) {
                        registered.put(point.peerId(), client.registerAndRefresh(point, config.namespace(), null));
                    }
                    discover(point);
                } catch (IOException | RuntimeException e) {
                    LOG.log(System.Logger.Level.INFO, () -> "rendezvous at " + point.peerId() + ": " + e.getMessage()
                            + " (trying again in " + config.interval() + ")");
                }
            }
        } finally {
            running.set(false);
        }
    }

    private void discover(PeerInfo point) throws IOException {
        byte[] cookie = cookies.get(point.peerId());
        for (int page = 0; page < RendezvousClient.MAX_PAGES; page++) {
            DiscoverPage found = client.discover(point, config.namespace(), 0, cookie);
            cookie = found.cookie();
            cookies.put(point.peerId(), cookie);
            for (Registration r : found.registrations()) {
                connect(r.peerId());
            }
            if (found.registrations().isEmpty()) {
                return;
            }
        }
    }

    /** The peers found whose dial failed, to be dialed again (a copy; for tests). */
    List<PeerId> toRetry() {
        return List.copyOf(retry);
    }

    /** Dials again the peers whose dial failed in an earlier round. */
    private void retryFailed() {
        for (PeerId peer : List.copyOf(retry)) {
            if (closed) {
                return;
            }
            connect(peer);
        }
    }

    private void connect(PeerId peer) {
        if (peer.equals(host.peerId()) || host.network().connection(peer).isPresent()) {
            retry.remove(peer);
            return;
        }
        if (host.network().connections().size() >= config.maxPeers()) {
            return;
        }
        try {
            host.connect(peer); // the discover put its addresses in the peer store
            retry.remove(peer);
            LOG.log(System.Logger.Level.DEBUG, () -> "rendezvous: connected to " + peer + " found in '" + config.namespace() + "'");
        } catch (IOException | RuntimeException e) {
            if (retry.add(peer) && retry.size() > MAX_RETRIED) {
                retry.remove(retry.iterator().next());
            }
            LOG.log(System.Logger.Level.DEBUG, () -> "rendezvous: cannot connect to " + peer + " (again next round): "
                    + e.getMessage());
        }
    }

    /** Stops discovering and renewing; registrations already made stay until they expire. */
    @Override
    public void close() {
        closed = true;
        rounds.cancel(false);
        registered.values().forEach(c -> {
            try {
                c.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "rendezvous: " + e);
            }
        });
    }
}
