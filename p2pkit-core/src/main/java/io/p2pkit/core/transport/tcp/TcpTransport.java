package io.p2pkit.core.transport.tcp;

import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiaddr.Protocol;
import io.p2pkit.core.transport.ByteStreamConnection;
import io.p2pkit.core.transport.Listener;
import io.p2pkit.core.transport.ListeningPortDialer;
import io.p2pkit.core.transport.Transport;
import io.p2pkit.core.transport.TransportConnection;

import java.io.IOException;
import java.net.BindException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * TCP over IPv4 and IPv6 ({@code /ip4|ip6/…/tcp/PORT}). Sockets have {@code TCP_NODELAY} (libp2p
 * protocols are request/response and batch their own writes). With port reuse on, listeners set
 * {@code SO_REUSEPORT} and outgoing connections leave from a listening port of the same address
 * family, so the remote sees the address it can dial back (hole punching needs this); when that
 * fails (the same four-tuple is still in TIME_WAIT, for example) the dial falls back to an
 * ephemeral port.
 *
 * <p>Dialing from the listening port has a cost: when two nodes dial each other at the same
 * moment, each from its listening port, the two SYNs can cross and TCP joins both dials into one
 * connection (a simultaneous open). Both ends then believe they dialed it and start the security
 * handshake as its initiator, which fails on both. As a {@link ListeningPortDialer} this transport
 * tells the network which connections left from a listening port, and dials from an ephemeral
 * port on request: the network redials once that way when such a connection fails its security
 * handshake for any reason other than a definitive one (a wrong peer ID, a wrong private network
 * key, a timeout). Hole punching ({@code Swarm.connectSimultaneous}) relies on the simultaneous
 * open and is never redialed.
 */
public final class TcpTransport implements Transport, ListeningPortDialer {
    private final boolean portReuse;
    private final List<TcpListener> listeners = new CopyOnWriteArrayList<>();

    /** A TCP transport with port reuse on. */
    public TcpTransport() {
        this(true);
    }

    /** @param portReuse whether to dial out from the listening port */
    public TcpTransport(boolean portReuse) {
        this.portReuse = portReuse && reusePortSupported();
    }

    @Override
    public boolean canDial(Multiaddr address) {
        return isTcp(address.withoutPeerId());
    }

    @Override
    public boolean canListen(Multiaddr address) {
        return isTcp(address);
    }

    @Override
    public ByteStreamConnection dial(Multiaddr address, Duration timeout) throws IOException {
        InetSocketAddress target = socketAddress(address.withoutPeerId());
        int timeoutMillis = millis(timeout);
        Optional<InetSocketAddress> reuse = portReuse ? reuseAddressFor(target) : Optional.empty();
        if (reuse.isPresent()) {
            try {
                return connect(target, reuse.get(), timeoutMillis);
            } catch (BindException e) {
                // Port in use for this destination (e.g. TIME_WAIT): an ephemeral port will do.
            } catch (SocketException e) {
                if (!String.valueOf(e.getMessage()).contains("Cannot assign requested address")) {
                    throw e;
                }
            }
        }
        return connect(target, null, timeoutMillis);
    }

    @Override
    public boolean leftFromListeningPort(TransportConnection connection) {
        return connection instanceof TcpConnection c && c.fromListeningPort();
    }

    @Override
    public ByteStreamConnection dialFromEphemeralPort(Multiaddr address, Duration timeout) throws IOException {
        InetSocketAddress target = socketAddress(address.withoutPeerId());
        return connect(target, null, millis(timeout));
    }

    @Override
    public Listener listen(Multiaddr address) throws IOException {
        if (!canListen(address)) {
            throw new IOException("TCP cannot listen on " + address);
        }
        InetSocketAddress bind = socketAddress(address);
        ServerSocket server = new ServerSocket();
        try {
            server.setReuseAddress(true);
            if (portReuse) {
                server.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            server.bind(bind, 1024);
        } catch (IOException e) {
            server.close();
            throw new IOException("cannot listen on " + address + ": " + e.getMessage(), e);
        }
        TcpListener listener = new TcpListener(server, this);
        listeners.add(listener);
        return listener;
    }

    /** A listener closed: dials stop leaving from its port. */
    void listenerClosed(TcpListener listener) {
        listeners.remove(listener);
    }

    private static TcpConnection connect(InetSocketAddress target, InetSocketAddress from, int timeoutMillis)
            throws IOException {
        Socket s = new Socket();
        try {
            if (from != null) {
                s.setReuseAddress(true);
                s.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                s.bind(from);
            }
            configure(s);
            s.connect(target, timeoutMillis);
            return new TcpConnection(s, from != null);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private static int millis(Duration timeout) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    }

    static void configure(Socket s) throws SocketException {
        s.setTcpNoDelay(true);
        s.setKeepAlive(true);
    }

    /** A listening address of the target's family to dial from: loopback only reaches loopback. */
    private Optional<InetSocketAddress> reuseAddressFor(InetSocketAddress target) {
        boolean v4 = target.getAddress() instanceof Inet4Address;
        for (TcpListener l : listeners) {
            InetSocketAddress a = l.socketAddress();
            if ((a.getAddress() instanceof Inet4Address) != v4) {
                continue;
            }
            if (a.getAddress().isAnyLocalAddress()
                    || a.getAddress().isLoopbackAddress() == target.getAddress().isLoopbackAddress()) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    private static boolean isTcp(Multiaddr a) {
        List<Protocol> p = a.protocols();
        return p.size() == 2 && (p.get(0) == Protocol.IP4 || p.get(0) == Protocol.IP6) && p.get(1) == Protocol.TCP;
    }

    private static InetSocketAddress socketAddress(Multiaddr a) throws IOException {
        if (!isTcp(a)) {
            throw new IOException("not a TCP address: " + a);
        }
        return a.toSocketAddress().orElseThrow(() -> new IOException("not a TCP address: " + a));
    }

    private static boolean reusePortSupported() {
        try (Socket s = new Socket()) {
            return s.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT);
        } catch (IOException e) {
            return false;
        }
    }
}
