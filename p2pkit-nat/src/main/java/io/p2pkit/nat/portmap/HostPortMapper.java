package io.p2pkit.nat.portmap;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.LocalChange;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.multiaddr.Multiaddr;

import java.io.Closeable;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Port mapping for a {@link Host}: maps the TCP and UDP ports of its IPv4 listen addresses (TCP,
 * WebSocket, QUIC) on the gateway, follows new listen addresses, and tells listeners the external
 * addresses the mappings give, e.g. {@code /ip4/203.0.113.7/udp/4001/quic-v1} for
 * {@code /ip4/192.168.1.11/udp/4001/quic-v1}. Those are candidates: AutoNAT should confirm them
 * before the host advertises them. Registered as a host service, so it closes (removing the
 * mappings) with the host. A host that listens on loopback only never contacts the gateway.
 */
public final class HostPortMapper implements Closeable {
    private static final System.Logger LOG = LazyLogger.of(HostPortMapper.class);

    private final Host host;
    private final PortMapper mapper;
    private final List<Consumer<List<Multiaddr>>> listeners = new CopyOnWriteArrayList<>();
    private final Set<PortKey> requested = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final ReentrantLock refreshing = new ReentrantLock();
    private volatile List<Multiaddr> external = List.of();

    private record PortKey(Protocol protocol, int port) {
    }

    private HostPortMapper(Host host, PortMapper mapper) {
        this.host = host;
        this.mapper = mapper;
    }

    /**
     * Starts mapping {@code host}'s ports with a mapper built from {@code config} (its scheduler
     * becomes the host's).
     */
    public static HostPortMapper start(Host host, PortMapper.Builder config) {
        Objects.requireNonNull(host, "host");
        HostPortMapper m = new HostPortMapper(host, config.scheduler(host.scheduler()).build());
        m.mapper.addListener(new PortMappingListener() {
            @Override
            public void mapped(PortMapping mapping) {
                m.refresh();
            }

            @Override
            public void unmapped(PortMapping mapping) {
                m.refresh();
            }

            @Override
            public void failed(Protocol protocol, int internalPort, String reason) {
                LOG.log(System.Logger.Level.DEBUG, () -> "port mapping of " + protocol + " " + internalPort
                        + " failed: " + reason);
            }
        });
        host.onLocalChange(change -> {
            if (change == LocalChange.ADDRESSES) {
                m.follow();
            }
        });
        host.addService(m);
        m.follow();
        return m;
    }

    /** The mapper itself: its status and mappings. */
    public PortMapper mapper() {
        return mapper;
    }

    /** The external addresses the current mappings give, one per mapped listen address. */
    public List<Multiaddr> externalAddresses() {
        return external;
    }

    /**
     * Calls {@code listener} with all external addresses each time they change (on the mapper's
     * thread: return quickly), and at once with those mapped before it was added, if any.
     */
    public void addListener(Consumer<List<Multiaddr>> listener) {
        Objects.requireNonNull(listener, "listener");
        refreshing.lock();
        try {
            listeners.add(listener);
            if (!external.isEmpty()) {
                listener.accept(external);   // a mapping may be done before its listener comes
            }
        } finally {
            refreshing.unlock();
        }
    }

    @Override
    public void close() {
        mapper.close();
    }

    /** Asks for every port of the host's IPv4 listen addresses to be mapped. */
    private void follow() {
        for (Multiaddr a : host.localAddresses()) {
            listenPort(a).ifPresent(k -> {
                if (requested.add(k)) {
                    mapper.map(k.protocol(), k.port());
                    // the gateway is only asked once there is something to map: a host on loopback never asks
                    mapper.start();
                }
            });
        }
        refresh();
    }

    private void refresh() {
        // called from the mapper's thread and the host's: one at a time, so listeners hear changes in order
        refreshing.lock();
        try {
            refreshLocked();
        } finally {
            refreshing.unlock();
        }
    }

    private void refreshLocked() {
        Set<Multiaddr> out = new LinkedHashSet<>();
        List<Multiaddr> local = host.localAddresses();   // not the advertised ones: those include mapped addresses
        for (PortMapping m : mapper.mappings()) {
            for (Multiaddr a : local) {
                Optional<PortKey> k = listenPort(a);
                if (k.isPresent() && k.get().protocol() == m.protocol() && k.get().port() == m.internalPort()) {
                    out.add(externalOf(a, m.external()));
                }
            }
        }
        List<Multiaddr> now = List.copyOf(out);
        if (!now.equals(external)) {
            external = now;
            for (Consumer<List<Multiaddr>> l : listeners) {
                try {
                    l.accept(now);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "external address listener failed", e);
                }
            }
        }
    }

    /** The protocol and port of a mappable listen address: IPv4, not loopback or link-local. */
    private static Optional<PortKey> listenPort(Multiaddr a) {
        Optional<InetSocketAddress> sa = a.toSocketAddress();
        if (sa.isEmpty() || a.protocols().size() < 2) {
            return Optional.empty();
        }
        InetAddress ip = sa.get().getAddress();
        if (!(ip instanceof Inet4Address) || ip.isLoopbackAddress() || ip.isLinkLocalAddress()) {
            return Optional.empty();
        }
        String transport = a.protocols().get(1).name();
        Protocol p = switch (transport) {
            case "tcp" -> Protocol.TCP;
            case "udp" -> Protocol.UDP;
            default -> null;
        };
        return p == null ? Optional.empty() : Optional.of(new PortKey(p, sa.get().getPort()));
    }

    /** {@code a} with its IP and port replaced by the external ones, the rest (/quic-v1, /ws, …) kept. */
    private static Multiaddr externalOf(Multiaddr a, InetSocketAddress ext) {
        String transport = a.protocols().get(1).name();
        InetSocketAddress sa = a.toSocketAddress().orElseThrow();
        String suffix = a.toString().substring(Multiaddr.of(sa, transport).toString().length());
        return Multiaddr.parse(Multiaddr.of(ext, transport) + suffix);
    }

    @Override
    public String toString() {
        return "HostPortMapper " + mapper.status() + " " + external;
    }
}
