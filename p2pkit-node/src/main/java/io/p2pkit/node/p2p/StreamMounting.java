package io.p2pkit.node.p2p;

import io.p2pkit.core.connmgr.ConnectionManager;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.LimitedConnections;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiaddr.Protocol;
import io.p2pkit.core.peerstore.AddressTtl;

import java.io.Closeable;
import java.io.IOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Libp2p stream mounting, Kubo's {@code p2p} package ({@code Experimental.Libp2pStreamMounting}):
 * listeners that join incoming libp2p streams of a protocol to TCP connections to a target
 * ({@link #listen}), forwarders that join the connections a local TCP listener accepts to libp2p
 * streams to a peer ({@link #forward}), and the streams so mounted, each listed with a handler ID
 * until it ends or is closed.
 *
 * <p>As in Kubo, one handler serves {@code /x/} and every protocol a listener was registered for;
 * closing a listener stops new streams or connections, and the streams already mounted go on
 * until they end, are closed by ID, or the node stops. Streams are charged to the resource
 * manager as every protocol's are, and each mounted stream's two copy buffers to its scope.
 */
public final class StreamMounting implements Closeable {
    /** The prefix protocol names need unless custom ones are allowed. */
    public static final String PREFIX = "/x/";
    /** At most this many listeners, and this many forwarders. */
    static final int MAX_LISTENERS = 1024;
    /** At most this many streams mounted at once. */
    static final int MAX_STREAMS = 1024;
    /** The longest protocol name: multistream-select's messages are at most 1 KiB, newline included. */
    static final int MAX_PROTOCOL_BYTES = 1000;

    private final Host host;
    private final ListenerRegistry forwarders = new ListenerRegistry(MAX_LISTENERS);
    private final ListenerRegistry listeners = new ListenerRegistry(MAX_LISTENERS);
    private final StreamRegistry streams;

    private StreamMounting(Host host, ConnectionManager connections) {
        this.host = host;
        this.streams = new StreamRegistry(connections, MAX_STREAMS);
    }

    /**
     * Serves {@code /x/} and the listeners' protocols on {@code host}, and closes with it.
     *
     * @param connections where peers with mounted streams are tagged, or null
     */
    public static StreamMounting attach(Host host, ConnectionManager connections) {
        StreamMounting m = new StreamMounting(host, connections);
        host.setStreamHandlerMatch(PREFIX, p -> m.listeners.get(p) != null, stream -> {
            if (m.listeners.get(stream.protocol()) instanceof IncomingListener l) {
                l.handle(stream, m.streams);
            } else {
                stream.reset(); // closed while the stream was negotiated
            }
        }, LimitedConnections.REFUSE);
        host.addService(m);
        return m;
    }

    /** Kubo's check of a protocol name: within {@code /x/} unless custom protocols are allowed. */
    public static void checkProtocol(String protocol, boolean allowCustom) {
        if (!allowCustom && !protocol.startsWith(PREFIX)) {
            throw new IllegalArgumentException("protocol name must be within '" + PREFIX + "' namespace");
        }
        if (protocol.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_PROTOCOL_BYTES) {
            // multistream-select could never negotiate it
            throw new IllegalArgumentException("protocol name longer than " + MAX_PROTOCOL_BYTES + " bytes");
        }
    }

    /** Kubo's check of a listener's target: a TCP or UDP port, not 0. */
    public static void checkPort(Multiaddr target) {
        String port = target.valueForProtocol(Protocol.TCP).or(() -> target.valueForProtocol(Protocol.UDP))
                .orElseThrow(() -> new IllegalArgumentException("address does not contain tcp or udp protocol"));
        if (Integer.parseInt(port) == 0) {
            throw new IllegalArgumentException("port can not be 0");
        }
    }

    /**
     * Registers a listener ({@code p2p listen}): streams of {@code protocol} are joined to TCP
     * connections to {@code target}, which first get the remote's peer ID and a newline when
     * {@code reportPeerId}.
     *
     * @throws IllegalArgumentException when the protocol or target is refused (Kubo's words where it has them)
     * @throws IllegalStateException    with Kubo's {@code listener already registered}
     */
    public P2pListener listen(String protocol, Multiaddr target, boolean reportPeerId) {
        checkPort(target);
        IncomingListener l = new IncomingListener(protocol, host.peerId(), target, tcpTarget(target), reportPeerId);
        listeners.register(l);
        return l;
    }

    /** The socket address of {@code /ip4|ip6/A/tcp/P}; p2pkit joins streams to TCP targets only. */
    private static InetSocketAddress tcpTarget(Multiaddr target) {
        if (target.components().size() == 2 && target.hasProtocol(Protocol.TCP)) {
            InetSocketAddress s = target.toSocketAddress().orElse(null);
            if (s != null) {
                return s;
            }
        }
        throw new IllegalArgumentException("p2pkit forwards to /ip4 or /ip6 TCP addresses only, not " + target);
    }

    /**
     * Starts a forwarder ({@code p2p forward}): a TCP listener on {@code listen} whose connections
     * are joined to streams of {@code protocol} to {@code peer}, whose addresses are remembered for
     * a while (as Kubo's temporary TTL).
     *
     * @throws IllegalArgumentException when {@code listen} is not a TCP address
     * @throws IOException              when it cannot be bound, in Go's words ({@code listen tcp4 …: bind: …})
     * @throws IllegalStateException    with Kubo's {@code listener already registered}
     */
    public P2pListener forward(String protocol, Multiaddr listen, PeerInfo peer) throws IOException {
        if (listen.components().size() == 2 && listen.hasProtocol(Protocol.UDP) && listen.toSocketAddress().isPresent()) {
            // Go's net.Listen on a UDP address, as Kubo answers it
            InetSocketAddress udp = listen.toSocketAddress().get();
            String hostPort = hostPort(udp);
            throw new IOException("listen " + (udp.getAddress() instanceof Inet6Address ? "udp6 " : "udp4 ") + hostPort
                    + ": address " + hostPort + ": unexpected address type");
        }
        if (!(listen.components().size() == 2 && listen.hasProtocol(Protocol.TCP))
                || listen.toSocketAddress().isEmpty()) {
            throw new IllegalArgumentException("p2pkit forwards from /ip4 or /ip6 TCP addresses only, not " + listen);
        }
        InetSocketAddress at = listen.toSocketAddress().get();
        host.peerStore().addAddresses(peer.peerId(), peer.addresses(), AddressTtl.TEMPORARY);
        ServerSocket server = new ServerSocket();
        try {
            server.bind(at);
        } catch (IOException e) {
            server.close();
            throw new IOException(goListenError(at, e), e);
        }
        LocalForwarder f = new LocalForwarder(host, protocol, peer.peerId(), server, streams);
        try {
            forwarders.register(f);
        } catch (IllegalStateException e) {
            f.close();
            throw e;
        }
        f.start();
        return f;
    }

    /** Go's net.Listen error: {@code listen tcp4 127.0.0.1:4001: bind: address already in use}. */
    private static String goListenError(InetSocketAddress at, IOException e) {
        boolean v6 = at.getAddress() instanceof Inet6Address;
        String why = e.getMessage() == null ? e.toString() : e.getMessage().toLowerCase(Locale.ROOT);
        if (e instanceof BindException) {
            why = why.replaceFirst(" \\(bind failed\\)$", "");
            why = "bind: " + why;
        }
        return "listen " + (v6 ? "tcp6 " : "tcp4 ") + hostPort(at) + ": " + why;
    }

    /** Go's host:port, an IPv6 address in brackets. */
    private static String hostPort(InetSocketAddress at) {
        String host = at.getAddress().getHostAddress();
        return (at.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + at.getPort();
    }

    /** Every forwarder, then every listener, as {@code p2p ls} lists them; each kind in the order added. */
    public List<P2pListener> listeners() {
        List<P2pListener> all = new ArrayList<>(forwarders.list());
        all.addAll(listeners.list());
        return all;
    }

    /** Closes the forwarders and listeners {@code match} accepts ({@code p2p close}); returns how many. */
    public int close(Predicate<P2pListener> match) {
        return forwarders.close(match) + listeners.close(match);
    }

    /** The mounted streams, by handler ID ({@code p2p stream ls}). */
    public List<MountedStreamInfo> streams() {
        return streams.all().stream().map(MountedStream::info).toList();
    }

    /** Resets the stream with handler ID {@code id} and closes its TCP connection; false when there is none. */
    public boolean resetStream(long id) {
        return streams.get(id).map(s -> {
            s.reset();
            return true;
        }).orElse(false);
    }

    /** Resets every mounted stream ({@code p2p stream close --all}); returns how many. */
    public int resetAll() {
        List<MountedStream> all = streams.all();
        all.forEach(MountedStream::reset);
        return all.size();
    }

    /** Closes every forwarder and listener and resets every mounted stream (with the node). */
    @Override
    public void close() {
        host.removeStreamHandler(PREFIX);
        close(l -> true);
        resetAll();
    }
}
