package io.p2pkit.discovery.mdns;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiaddr.Protocol;

import java.io.Closeable;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Local-network peer discovery by multicast DNS, as the libp2p mDNS spec describes and go-libp2p
 * and rust-libp2p speak it: the service asks {@code 224.0.0.251} and {@code ff02::fb} port 5353
 * for {@code _p2p._udp.local} now and then, answers such questions with this host's LAN
 * addresses, and puts every peer it hears of into the host's peer store (for the TTL the peer
 * gave) and tells the listener.
 *
 * <pre>{@code
 * MdnsService mdns = MdnsService.attach(host, MdnsConfig.defaults(),
 *         peer -> System.out.println("found " + peer.peerId() + " at " + peer.addresses()));
 * }</pre>
 *
 * <p>Port 5353 is shared (SO_REUSEADDR and SO_REUSEPORT) with other mDNS programs on the machine.
 * Closing the service (or its host) sends a goodbye and stops.
 */
public final class MdnsService implements Closeable {
    /** The mDNS port. */
    public static final int PORT = 5353;
    /** The IPv4 mDNS group. */
    public static final InetAddress GROUP_V4 = literal("224.0.0.251");
    /** The IPv6 (link-local) mDNS group. */
    public static final InetAddress GROUP_V6 = literal("ff02::fb");
    /** The most peers remembered at once (to tell new ones from ones heard again). */
    static final int MAX_PEERS = 1024;
    /** RFC 6762 section 6: a record is multicast at most once a second on one interface. */
    private static final long MIN_ANSWER_GAP_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final System.Logger LOG = LazyLogger.of(MdnsService.class);

    private final Host host;
    private final MdnsConfig config;
    private final Consumer<PeerInfo> listener;
    private final String peerName;
    private final List<LanInterface> interfaces;
    private final List<Channel> channels = new CopyOnWriteArrayList<>();
    private final Map<PeerId, Heard> heard = new LinkedHashMap<>();
    private final ReentrantLock heardLock = new ReentrantLock();
    private final Set<PeerId> dialed = ConcurrentHashMap.newKeySet();
    private final AtomicLong badPackets = new AtomicLong();
    private volatile ScheduledFuture<?> nextQuery;
    private volatile boolean closed;

    /** One multicast socket (IPv4 or IPv6) and the time of its last answer on each interface. */
    private record Channel(DatagramChannel channel, InetAddress group, ReentrantLock sendLock,
                           Map<String, Long> lastAnswer) {
    }

    /** What we last heard of a peer, to tell the listener only of news. */
    private record Heard(List<Multiaddr> addresses, long expiresNanos) {
    }

    private MdnsService(Host host, MdnsConfig config, Consumer<PeerInfo> listener, List<LanInterface> interfaces) {
        this.host = host;
        this.config = config;
        this.listener = listener;
        this.interfaces = interfaces;
        this.peerName = randomName(new SecureRandom());
    }

    /** Starts mDNS on {@code host}; found peers only go to the peer store. */
    public static MdnsService attach(Host host, MdnsConfig config) throws IOException {
        return attach(host, config, peer -> { });
    }

    /**
     * Starts mDNS on {@code host} and returns the service, which the host closes with itself.
     *
     * @param listener told of every peer found (with every address it announced that is still
     *                 valid), and again when it announces a new address or after they expired;
     *                 called on the service's receive thread, so it must be quick
     * @throws IOException when an interface named in the config does not exist or no socket could
     *                     be opened on port 5353
     */
    public static MdnsService attach(Host host, MdnsConfig config, Consumer<PeerInfo> listener) throws IOException {
        MdnsService s = new MdnsService(host, config, listener, LanInterface.choose(config.interfaces()));
        s.start();
        host.addService(s);
        return s;
    }

    private void start() throws IOException {
        List<IOException> failures = new ArrayList<>();
        if (config.ipv4() && interfaces.stream().anyMatch(LanInterface::hasIpv4)) {
            open(StandardProtocolFamily.INET, GROUP_V4, LanInterface::hasIpv4, failures);
        }
        if (config.ipv6() && interfaces.stream().anyMatch(LanInterface::hasIpv6)) {
            open(StandardProtocolFamily.INET6, GROUP_V6, LanInterface::hasIpv6, failures);
        }
        if (channels.isEmpty() && !failures.isEmpty()) {
            throw failures.getFirst();
        }
        LOG.log(System.Logger.Level.DEBUG, () -> "mdns: " + peerName + " on " + interfaceNames());
        for (Channel c : channels) {
            host.spawn("mdns receive " + c.group().getHostAddress(), () -> receive(c));
        }
        query(Duration.ZERO);
    }

    private void open(ProtocolFamily family, InetAddress group, java.util.function.Predicate<LanInterface> has,
                      List<IOException> failures) {
        DatagramChannel ch = null;
        try {
            ch = DatagramChannel.open(family);
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            if (ch.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
                ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            ch.bind(new InetSocketAddress(family == StandardProtocolFamily.INET ? literal("0.0.0.0") : literal("::"), PORT));
            ch.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 255);
            ch.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);
            int joined = 0;
            for (LanInterface i : interfaces) {
                if (has.test(i)) {
                    try {
                        ch.join(group, i.nif());
                        joined++;
                    } catch (IOException e) {
                        LOG.log(System.Logger.Level.DEBUG, () -> "mdns: cannot join " + group + " on " + i.name() + ": " + e);
                    }
                }
            }
            if (joined == 0) {
                throw new IOException("could not join " + group.getHostAddress() + " on any interface");
            }
            channels.add(new Channel(ch, group, new ReentrantLock(), new ConcurrentHashMap<>()));
        } catch (IOException e) {
            failures.add(e);
            LOG.log(System.Logger.Level.DEBUG, () -> "mdns: no " + family + " socket: " + e);
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException closing) {
                    LOG.log(System.Logger.Level.DEBUG, () -> "mdns: closing: " + closing);
                }
            }
        }
    }

    /** The random name this peer answers as ({@code <name>._p2p._udp.local}), 32 to 63 characters. */
    public String peerName() {
        return peerName;
    }

    /** The names of the interfaces the service runs on. */
    public List<String> interfaceNames() {
        return interfaces.stream().map(LanInterface::name).toList();
    }

    /** How many received packets could not be decoded (they were dropped). */
    public long badPackets() {
        return badPackets.get();
    }

    /** Asks the network for peers now, on every interface (answers arrive at the listener). */
    public void queryNow() {
        send(DnsCodec.encode(MdnsPackets.query()), null);
    }

    /** Sends a query now and schedules the next: the gaps double from one second up to the interval. */
    private void query(Duration gap) {
        if (closed) {
            return;
        }
        host.spawn("mdns query", () -> {
            queryNow();
            if (gap.isZero()) {
                announce(config.ttl()); // an unsolicited answer lets peers already running find us at once
            }
        });
        Duration next = gap.isZero() ? Duration.ofSeconds(1) : gap.multipliedBy(2);
        if (next.compareTo(config.queryInterval()) > 0) {
            next = config.queryInterval();
        }
        Duration after = next;
        nextQuery = host.scheduler().schedule(() -> query(after), gap.isZero() ? 1000 : next.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void receive(Channel c) {
        ByteBuffer buf = ByteBuffer.allocate(DnsCodec.MAX_PACKET);
        while (!closed) {
            SocketAddress from;
            try {
                buf.clear();
                from = c.channel().receive(buf);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(System.Logger.Level.DEBUG, () -> "mdns: receive: " + e);
                }
                continue;
            }
            if (!(from instanceof InetSocketAddress source)) {
                continue;
            }
            // a dual-stack IPv6 socket may also see the IPv4 group's traffic: the IPv4 socket handles that
            if (c.group() instanceof Inet6Address && source.getAddress() instanceof Inet4Address) {
                continue;
            }
            if (buf.position() >= DnsCodec.MAX_PACKET) {
                badPackets.incrementAndGet();
                continue; // maybe cut: the packet filled the whole buffer
            }
            try {
                handle(c, DnsCodec.decode(buf.array(), buf.position()), source);
            } catch (DecodeException e) {
                badPackets.incrementAndGet();
                LOG.log(System.Logger.Level.DEBUG, () -> "mdns: bad packet from " + source + ": " + e.getMessage());
            }
        }
    }

    private void handle(Channel c, DnsMessage m, InetSocketAddress source) {
        if (MdnsPackets.asksForPeers(m)) {
            for (LanInterface i : answerInterfaces(source.getAddress())) {
                long now = System.nanoTime();
                Long last = c.lastAnswer().get(i.name());
                if (last != null && now - last < MIN_ANSWER_GAP_NANOS) {
                    continue;
                }
                c.lastAnswer().put(i.name(), now);
                sendOn(c, i, DnsCodec.encode(answer(i, config.ttl())));
            }
        } else if (MdnsPackets.asksForServiceTypes(m)) {
            for (LanInterface i : answerInterfaces(source.getAddress())) {
                sendOn(c, i, DnsCodec.encode(MdnsPackets.serviceTypes(config.ttl())));
            }
        } else if (m.isResponse()) {
            for (MdnsPackets.Found f : MdnsPackets.found(m, host.peerId())) {
                // go-libp2p announces its loopback addresses too (here they would reach ourselves),
                // rust-libp2p its IPv6 link-local ones (a multiaddr has no zone to dial them with)
                List<Multiaddr> usable = f.addresses().stream()
                        .filter(a -> (config.allowLoopback() || !isLoopback(a)) && !isLinkLocal(a)).toList();
                if (!usable.isEmpty()) {
                    found(new MdnsPackets.Found(f.peer(), usable, f.ttl()));
                }
            }
        }
    }

    private List<LanInterface> answerInterfaces(InetAddress source) {
        List<LanInterface> match = interfaces.stream().filter(i -> i.reaches(source)).toList();
        return match.isEmpty() ? interfaces : match;
    }

    private void found(MdnsPackets.Found f) {
        host.peerStore().addAddresses(f.peer(), f.addresses(), f.ttl());
        long now = System.nanoTime();
        // a peer may answer on each of its interfaces with that interface's addresses: keep them all
        List<Multiaddr> known = new ArrayList<>();
        heardLock.lock();
        try {
            Heard before = heard.get(f.peer());
            if (before != null && now - before.expiresNanos() < 0) {
                known.addAll(before.addresses());
            }
            boolean news = known.isEmpty();
            for (Multiaddr a : f.addresses()) {
                if (!known.contains(a) && known.size() < MdnsPackets.MAX_ADDRESSES) {
                    known.add(a);
                    news = true;
                }
            }
            if (!news) {
                return;
            }
            if (before == null && heard.size() >= MAX_PEERS) {
                heard.values().removeIf(h -> now - h.expiresNanos() > 0);
            }
            if (before != null || heard.size() < MAX_PEERS) {
                heard.put(f.peer(), new Heard(List.copyOf(known), now + f.ttl().toNanos()));
            }
        } finally {
            heardLock.unlock();
        }
        PeerInfo peer = new PeerInfo(f.peer(), known);
        try {
            listener.accept(peer);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, () -> "mdns: the listener failed on " + peer.peerId() + ": " + e);
        }
        maybeConnect(peer);
    }

    /** Connects to a newly found peer while fewer than {@code maxConnections} of our dials are connected. */
    private void maybeConnect(PeerInfo peer) {
        if (config.maxConnections() == 0 || host.network().connection(peer.peerId()).isPresent()) {
            return;
        }
        dialed.removeIf(p -> host.network().connection(p).isEmpty());
        if (dialed.size() >= config.maxConnections() || !dialed.add(peer.peerId())) {
            return;
        }
        host.spawn("mdns connect " + peer.peerId(), () -> {
            try {
                host.connect(peer);
            } catch (IOException | RuntimeException e) {
                dialed.remove(peer.peerId());
                LOG.log(System.Logger.Level.DEBUG, () -> "mdns: connecting to " + peer.peerId() + " failed: " + e);
            }
        });
    }

    /** Our answer on interface {@code i}: the host's addresses on it (and loopback ones if allowed). */
    private DnsMessage answer(LanInterface i, Duration ttl) {
        List<Multiaddr> announce = new ArrayList<>();
        for (Multiaddr a : host.addresses()) {
            if (suitable(a, i)) {
                announce.add(a.encapsulate("/p2p/" + host.peerId()));
            }
        }
        return MdnsPackets.answer(peerName, announce, i.recordAddresses(), ttl);
    }

    /** Whether {@code a} is worth announcing on {@code i}: direct, reachable on that LAN, not browser-only. */
    private boolean suitable(Multiaddr a, LanInterface i) {
        if (a.isEmpty() || a.hasProtocol(Protocol.P2P_CIRCUIT) || a.hasProtocol(Protocol.WS)
                || a.protocols().stream().anyMatch(p -> p.name().startsWith("webrtc") || p.name().equals("webtransport")
                || p.name().equals("wss"))) {
            return false;
        }
        String first = a.protocols().getFirst().name();
        if (first.equals("dns") || first.equals("dns4") || first.equals("dns6")) {
            return a.components().getFirst().valueString().toLowerCase(java.util.Locale.ROOT).endsWith(".local");
        }
        InetAddress ip = a.toSocketAddress().map(InetSocketAddress::getAddress).orElse(null);
        if (ip == null) {
            return false;
        }
        if (ip.isLoopbackAddress()) {
            return config.allowLoopback();
        }
        return !ip.isLinkLocalAddress() && i.owns(ip);
    }

    private static boolean isLoopback(Multiaddr a) {
        return a.toSocketAddress().map(sa -> sa.getAddress().isLoopbackAddress()).orElse(false);
    }

    private static boolean isLinkLocal(Multiaddr a) {
        return a.toSocketAddress().map(sa -> sa.getAddress().isLinkLocalAddress()).orElse(false);
    }

    /** An answer on every interface, unsolicited: on start, and with TTL 0 (goodbye) on close. */
    private void announce(Duration ttl) {
        for (Channel c : channels) {
            for (LanInterface i : interfaces) {
                sendOn(c, i, DnsCodec.encode(answer(i, ttl)));
            }
        }
    }

    private void send(byte[] packet, LanInterface only) {
        for (Channel c : channels) {
            for (LanInterface i : interfaces) {
                if (only == null || only == i) {
                    sendOn(c, i, packet);
                }
            }
        }
    }

    private void sendOn(Channel c, LanInterface i, byte[] packet) {
        boolean v6 = c.group() instanceof Inet6Address;
        if (v6 ? !i.hasIpv6() : !i.hasIpv4()) {
            return;
        }
        c.sendLock().lock();
        try {
            c.channel().setOption(StandardSocketOptions.IP_MULTICAST_IF, i.nif());
            c.channel().send(ByteBuffer.wrap(packet), new InetSocketAddress(c.group(), PORT));
        } catch (IOException e) {
            if (!closed) {
                LOG.log(System.Logger.Level.DEBUG, () -> "mdns: sending on " + i.name() + ": " + e);
            }
        } finally {
            c.sendLock().unlock();
        }
    }

    /** Sends a goodbye (our records with TTL 0) and stops. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        ScheduledFuture<?> q = nextQuery;
        if (q != null) {
            q.cancel(false);
        }
        announce(Duration.ZERO);
        closed = true;
        for (Channel c : channels) {
            try {
                c.channel().close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "mdns: closing: " + e);
            }
        }
    }

    /** 32 to 63 characters of [a-z0-9], as go-libp2p picks. */
    static String randomName(SecureRandom random) {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        int n = 32 + random.nextInt(32);
        StringBuilder b = new StringBuilder(n);
        for (int k = 0; k < n; k++) {
            b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    private static InetAddress literal(String ip) {
        try {
            return InetAddress.getByName(ip);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "MdnsService " + peerName + " on " + interfaceNames();
    }
}
