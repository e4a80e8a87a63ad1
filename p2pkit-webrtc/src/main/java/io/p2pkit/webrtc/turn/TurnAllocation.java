package io.p2pkit.webrtc.turn;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.webrtc.mux.UdpMux;
import io.p2pkit.webrtc.mux.UdpRelay;
import io.p2pkit.webrtc.stun.StunAttribute;
import io.p2pkit.webrtc.stun.StunMessage;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One TURN allocation (RFC 8656) over UDP, made from a {@link UdpMux}'s socket: its relayed
 * address is an ICE relay candidate, and datagrams to peers go through it.
 *
 * <ul>
 *   <li>{@link #allocate} sends Allocate with REQUESTED-TRANSPORT UDP, answers the 401 challenge
 *       with the long-term credentials ({@link TurnClient}) and keeps XOR-RELAYED-ADDRESS, and
 *       XOR-MAPPED-ADDRESS when the server sends it (a server-reflexive candidate).</li>
 *   <li>A virtual thread refreshes the allocation before its LIFETIME ends, each permission every
 *       {@link Timing#permissionRefresh()} (they last 300 s) and each channel every
 *       {@link Timing#channelRefresh()} (600 s). When the mux closes, a Refresh with LIFETIME 0
 *       releases the allocation, waiting for the answer at most {@link #RELEASE_TIMEOUT}.</li>
 *   <li>{@link #permit} asks for a permission (CreatePermission, one per IP address so that a
 *       refused address fails alone); {@link #send} wraps a datagram in a Send indication, or in
 *       ChannelData once {@link #bindChannel} bound a channel to that peer, and drops it while its
 *       IP address has no permission yet (ICE, DTLS and SCTP retransmit).</li>
 *   <li>Data indications and ChannelData from the server, for a peer with a permission or a
 *       channel, go to {@link UdpMux#deliver} as if that peer had sent them straight.</li>
 * </ul>
 *
 * <p>Bounded: at most {@link #MAX_PERMISSIONS} permissions and {@link #MAX_CHANNELS} channels;
 * nothing is queued (a datagram either goes out at once or is dropped), so the only buffers are
 * the mux's, charged as before.
 */
public final class TurnAllocation implements UdpRelay {
    /** Most peer IP addresses with a permission (asked or installed). */
    public static final int MAX_PERMISSIONS = 32;
    /** Most channels bound. */
    public static final int MAX_CHANNELS = 8;
    /** The largest datagram a Send indication carries here (a STUN message is at most 1500 bytes). */
    public static final int MAX_DATA = StunMessage.MAX_SIZE - 20 - 12 - 4 - 8;
    /** How long a refresh, permission or channel request may take. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    /** How long closing waits for the server to confirm the release. */
    static final Duration RELEASE_TIMEOUT = Duration.ofMillis(500);

    private static final System.Logger LOG = LazyLogger.of(TurnAllocation.class);
    private static final byte[] UDP = {17, 0, 0, 0};

    /**
     * When things are refreshed.
     *
     * @param permissionRefresh how long after it was installed a permission is refreshed (they last 300 s)
     * @param channelRefresh    how long after it was bound a channel is refreshed (they last 600 s)
     * @param refreshMargin     how long before the allocation's LIFETIME ends it is refreshed (at
     *                          most half the lifetime)
     */
    record Timing(Duration permissionRefresh, Duration channelRefresh, Duration refreshMargin) {
        static final Timing DEFAULT = new Timing(Duration.ofSeconds(240), Duration.ofSeconds(480), Duration.ofSeconds(60));
    }

    private final UdpMux mux;
    private final TurnClient client;
    private final Timing timing;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    /** Peer IP to when its permission was installed (System.nanoTime), or {@link #ASKED}. */
    private final Map<InetAddress, Long> permissions = new ConcurrentHashMap<>();
    /** Channel to its peer, from the moment it is asked for (the server may use it before we hear back). */
    private final Map<Integer, InetSocketAddress> channelPeers = new ConcurrentHashMap<>();
    /** Peer to its channel, once the server confirmed it: only then does ChannelData go out. */
    private final Map<InetSocketAddress, Integer> channels = new ConcurrentHashMap<>();
    /** Channel to when it was bound (System.nanoTime), or {@link #ASKED}; guarded by the lock. */
    private final Map<Integer, Long> channelTimes = new LinkedHashMap<>();
    private int nextChannel = ChannelData.MIN_CHANNEL; // guarded by the lock
    private long refreshAt;                          // System.nanoTime; guarded by the lock
    private volatile InetSocketAddress relayed;
    private volatile InetSocketAddress mapped;
    private volatile Duration lifetime = Duration.ZERO;
    private volatile boolean released;

    private static final long ASKED = Long.MIN_VALUE;

    /** An allocation to be made on {@code server} from {@code mux}'s socket; nothing is sent before {@link #allocate}. */
    public TurnAllocation(UdpMux mux, TurnServer server) {
        this(mux, server, Timing.DEFAULT);
    }

    TurnAllocation(UdpMux mux, TurnServer server, Timing timing) {
        this.mux = mux;
        this.client = new TurnClient(mux, server);
        this.timing = timing;
    }

    /**
     * Makes the allocation, then keeps it (refreshes) until {@link #release()} or the mux closes.
     * The mux's handler must pass what the server sends to {@link #onStun} and
     * {@link #onChannelData} from before this call on.
     *
     * @throws TurnException when the server refuses (wrong credentials, quota, capacity…) or does
     *                       not answer by {@code deadline}
     * @throws IOException   when the socket is closed
     */
    public void allocate(Instant deadline) throws IOException, InterruptedException {
        StunMessage r = client.request("Allocate", TurnClient.ALLOCATE,
                b -> b.attribute(StunAttribute.REQUESTED_TRANSPORT, UDP), deadline);
        InetSocketAddress address = r.xorAddress(StunAttribute.XOR_RELAYED_ADDRESS)
                .filter(a -> a.getAddress() instanceof Inet4Address)
                .orElseThrow(() -> new TurnException("TURN server " + client.server()
                        + " allocated no IPv4 relayed address", 0));
        mapped = r.xorMappedAddress().filter(a -> a.getAddress() instanceof Inet4Address).orElse(null);
        granted(r);
        relayed = address;
        if (!mux.beforeClose(this::release)) {
            release();
            throw new IOException("the socket closed during the allocation");
        }
        Thread.ofVirtual().name("turn-" + client.server().address()).start(this::maintain);
    }

    /** The server. */
    public TurnServer server() {
        return client.server();
    }

    /** The relayed address (the relay candidate); null before {@link #allocate} succeeded. */
    @Override
    public InetSocketAddress relayedAddress() {
        return relayed;
    }

    /** The address the server saw us at, when it said (XOR-MAPPED-ADDRESS): a server-reflexive candidate. */
    public Optional<InetSocketAddress> mappedAddress() {
        return Optional.ofNullable(mapped);
    }

    /** The lifetime the server granted last. */
    public Duration lifetime() {
        return lifetime;
    }

    /** Whether it was released (or lost: the server no longer knew it). */
    public boolean isReleased() {
        return released;
    }

    @Override
    public void permit(InetAddress peer) {
        if (released || !(peer instanceof Inet4Address)) {
            return;
        }
        boolean asked;
        lock.lock(); // the cap's check and the insertion as one step
        try {
            asked = permissions.size() < MAX_PERMISSIONS && permissions.putIfAbsent(peer, ASKED) == null;
        } finally {
            lock.unlock();
        }
        if (asked) {
            wake();
        }
    }

    /** Whether {@code peer}'s IP address has an installed permission. */
    public boolean permitted(InetAddress peer) {
        Long at = permissions.get(peer);
        return at != null && at != ASKED;
    }

    /**
     * Asks for a channel to {@code peer} (the selected pair's), after which datagrams to it go as
     * ChannelData; until the server confirms, they go as Send indications. At most
     * {@link #MAX_CHANNELS}; one already asked for is not asked again.
     */
    public void bindChannel(InetSocketAddress peer) {
        lock.lock();
        try {
            if (released || channelPeers.containsValue(peer) || channelTimes.size() >= MAX_CHANNELS
                    || nextChannel > ChannelData.MAX_CHANNEL) {
                return;
            }
            int channel = nextChannel++;
            channelPeers.put(channel, peer);
            channelTimes.put(channel, ASKED);
            work.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The channel bound to {@code peer}, once the server confirmed it. */
    public OptionalInt channel(InetSocketAddress peer) {
        Integer c = channels.get(peer);
        return c == null ? OptionalInt.empty() : OptionalInt.of(c);
    }

    @Override
    public void send(byte[] data, int offset, int length, InetSocketAddress peer) throws IOException {
        if (released) {
            return; // nothing to carry it any more: lost, as on a dead path
        }
        Integer channel = channels.get(peer);
        byte[] out;
        if (channel != null) {
            out = ChannelData.encode(channel, data, offset, length);
        } else {
            if (!permitted(peer.getAddress())) {
                permit(peer.getAddress());
                return;
            }
            if (length > MAX_DATA) {
                throw new IOException("a datagram of " + length + " bytes does not fit a Send indication");
            }
            byte[] tid = new byte[12];
            ThreadLocalRandom.current().nextBytes(tid); // indications are matched to nothing
            byte[] payload = new byte[length];
            System.arraycopy(data, offset, payload, 0, length);
            out = StunMessage.builder(TurnClient.SEND_INDICATION, tid)
                    .xorAddress(StunAttribute.XOR_PEER_ADDRESS, peer)
                    .attribute(StunAttribute.DATA, payload)
                    .encode(null, true);
        }
        client.indicate(out);
    }

    /**
     * Takes what the server sent: a response to one of our requests, or a Data indication, whose
     * data goes to the mux as if its peer had sent it (only from a peer with a permission). False
     * for anything else, which is not this allocation's.
     */
    public boolean onStun(StunMessage m, InetSocketAddress from) {
        if (!from.equals(client.server().address())) {
            return false;
        }
        if (client.onMessage(m, from)) {
            return true;
        }
        if (m.type() != TurnClient.DATA_INDICATION) {
            return false;
        }
        Optional<InetSocketAddress> peer = m.xorAddress(StunAttribute.XOR_PEER_ADDRESS);
        Optional<byte[]> data = m.data();
        if (!released && peer.isPresent() && data.isPresent() && permissions.containsKey(peer.get().getAddress())) {
            mux.deliver(data.get(), peer.get(), this);
        }
        return true;
    }

    /** Takes ChannelData the server sent: its data goes to the mux as if the channel's peer had sent it. */
    public void onChannelData(byte[] datagram, InetSocketAddress from) {
        if (released || !from.equals(client.server().address())) {
            return;
        }
        ChannelData c;
        try {
            c = ChannelData.decode(datagram, datagram.length);
        } catch (DecodeException e) {
            return;
        }
        InetSocketAddress peer = channelPeers.get(c.channel());
        if (peer != null) {
            mux.deliver(c.data(), peer, this);
        }
    }

    /**
     * Refreshes the allocation now (the maintenance thread does it on time by itself) and
     * returns the lifetime granted.
     */
    Duration refresh() throws IOException, InterruptedException {
        StunMessage r = client.request("Refresh", TurnClient.REFRESH, b -> { },
                Instant.now().plus(REQUEST_TIMEOUT));
        granted(r);
        return lifetime;
    }

    /**
     * Releases the allocation: a Refresh with LIFETIME 0, its answer awaited at most
     * {@link #RELEASE_TIMEOUT} (best effort: the server lets it expire otherwise). Later calls do
     * nothing.
     */
    public void release() {
        lock.lock();
        try {
            if (released) {
                return;
            }
            released = true;
            work.signalAll();
        } finally {
            lock.unlock();
        }
        // The maintenance thread is woken, never interrupted: an interrupt that lands while it sends
        // closes the socket, and with it every connection on it. It ends after the request it may be
        // making (at most REQUEST_TIMEOUT).
        if (relayed == null || mux.isClosed()) {
            return;
        }
        try {
            client.request("Refresh", TurnClient.REFRESH, b -> b.lifetime(0), Instant.now().plus(RELEASE_TIMEOUT));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "releasing the TURN allocation on " + client.server() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void granted(StunMessage r) {
        long seconds = r.lifetime().orElse(600);
        lifetime = Duration.ofSeconds(seconds);
        Duration margin = timing.refreshMargin().compareTo(lifetime.dividedBy(2)) < 0
                ? timing.refreshMargin() : lifetime.dividedBy(2);
        lock.lock();
        try {
            refreshAt = System.nanoTime() + lifetime.minus(margin).toNanos();
        } finally {
            lock.unlock();
        }
    }

    private void wake() {
        lock.lock();
        try {
            work.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The maintenance thread: permissions, channels and refreshes as they fall due. */
    private void maintain() {
        try {
            while (!released && !mux.isClosed()) {
                List<InetAddress> permits = new ArrayList<>();
                List<Integer> binds = new ArrayList<>();
                boolean refresh;
                lock.lock();
                try {
                    long now = System.nanoTime();
                    long next = refreshAt;
                    for (Map.Entry<InetAddress, Long> e : permissions.entrySet()) {
                        long due = e.getValue() == ASKED ? now : e.getValue() + timing.permissionRefresh().toNanos();
                        if (due - now <= 0) {
                            permits.add(e.getKey());
                        }
                        next = Math.min(next, due);
                    }
                    for (Map.Entry<Integer, Long> e : channelTimes.entrySet()) {
                        long due = e.getValue() == ASKED ? now : e.getValue() + timing.channelRefresh().toNanos();
                        if (due - now <= 0) {
                            binds.add(e.getKey());
                        }
                        next = Math.min(next, due);
                    }
                    refresh = refreshAt - now <= 0;
                    if (permits.isEmpty() && binds.isEmpty() && !refresh) {
                        work.awaitNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(1), next - now));
                        continue;
                    }
                } finally {
                    lock.unlock();
                }
                for (InetAddress ip : permits) {
                    if (released) {
                        return;
                    }
                    try {
                        createPermission(ip);
                    } catch (TurnException e) {
                        // a refused peer (403: an address the server does not relay to) stays without one
                        permissions.remove(ip);
                        LOG.log(System.Logger.Level.DEBUG, () -> "no TURN permission for " + ip.getHostAddress()
                                + ": " + e.getMessage());
                    }
                }
                for (int channel : binds) {
                    if (released) {
                        return;
                    }
                    bind(channel);
                }
                if (refresh && !released) {
                    try {
                        refresh();
                    } catch (TurnException e) {
                        if (!released) {
                            LOG.log(System.Logger.Level.WARNING, () -> "TURN allocation lost: " + e.getMessage());
                            released = true; // the server no longer relays for us
                        }
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // nobody interrupts it (release wakes it): keep the status
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "TURN allocation on " + client.server() + " ends: " + e);
        }
    }

    /** Installs or refreshes the permission for {@code ip} now (one address per request, so a refused one fails alone). */
    void createPermission(InetAddress ip) throws IOException, InterruptedException {
        client.request("CreatePermission", TurnClient.CREATE_PERMISSION,
                b -> b.xorAddress(StunAttribute.XOR_PEER_ADDRESS, new InetSocketAddress(ip, 0)),
                Instant.now().plus(REQUEST_TIMEOUT));
        permissions.put(ip, System.nanoTime());
    }

    private void bind(int channel) throws IOException, InterruptedException {
        InetSocketAddress peer = channelPeers.get(channel);
        try {
            client.request("ChannelBind", TurnClient.CHANNEL_BIND,
                    b -> b.channelNumber(channel).xorAddress(StunAttribute.XOR_PEER_ADDRESS, peer),
                    Instant.now().plus(REQUEST_TIMEOUT));
            long now = System.nanoTime();
            lock.lock();
            try {
                channelTimes.put(channel, now);
            } finally {
                lock.unlock();
            }
            channels.put(peer, channel);
            permissions.put(peer.getAddress(), now); // a binding installs or refreshes the permission too
        } catch (TurnException e) {
            lock.lock();
            try {
                channelTimes.remove(channel);
            } finally {
                lock.unlock();
            }
            channels.remove(peer);
            channelPeers.remove(channel);
            LOG.log(System.Logger.Level.DEBUG, () -> "no TURN channel to " + peer + ": " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "TurnAllocation[" + client.server() + (relayed == null ? "" : " → " + relayed) + "]";
    }
}
