package io.p2pkit.websocket;

import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.transport.LeanInputStream;
import io.p2pkit.core.transport.Listener;
import io.p2pkit.core.transport.ByteStreamConnection;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * A WebSocket listener. One virtual thread accepts TCP connections and starts one virtual thread
 * per connection for its TLS and HTTP upgrade, so a slow or silent client never holds up the
 * others. Upgrades are bounded ({@link WebSocketConfig#maxPendingHandshakes()}, excess closed on
 * arrival) and time-limited; finished connections wait in a bounded queue for {@link #accept()}.
 */
final class WebSocketListener implements Listener {
    private static final System.Logger LOG = LazyLogger.of(WebSocketListener.class);

    /** Placed in the queue to wake {@link #accept()} when the listener closes. */
    private static final Object CLOSED = new Object();

    private final ServerSocket server;
    private final Multiaddr address;
    private final Multiaddr connectionSuffix;
    private final SSLContext tls;
    private final WebSocketConfig config;
    private final Semaphore handshakes;
    private final BlockingQueue<Object> ready;
    private final Set<Socket> upgrading = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closed;

    WebSocketListener(ServerSocket server, Multiaddr suffix, SSLContext tls, WebSocketConfig config) {
        this.server = server;
        this.address = Multiaddr.of((InetSocketAddress) server.getLocalSocketAddress(), "tcp").encapsulate(suffix);
        this.connectionSuffix = Multiaddr.parse(tls != null ? "/tls/ws" : "/ws");
        this.tls = tls;
        this.config = config;
        this.handshakes = new Semaphore(config.maxPendingHandshakes());
        this.ready = new ArrayBlockingQueue<>(config.acceptQueue() + 1);
        this.acceptor = Thread.ofVirtual().name("p2pkit-ws-accept " + address).start(this::acceptLoop);
    }

    @Override
    public Multiaddr address() {
        return address;
    }

    @Override
    public ByteStreamConnection accept() throws IOException {
        Object o;
        try {
            o = closed ? ready.poll() : ready.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while accepting on " + address);
        }
        if (o instanceof WebSocketConnection c) {
            if (closed) {
                c.close();
                throw new IOException("listener closed: " + address);
            }
            return c;
        }
        if (o == CLOSED) {
            ready.offer(CLOSED); // wake the next waiter too
        }
        throw new IOException("listener closed: " + address);
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue; // e.g. out of file descriptors for a moment: the next accept may work
            }
            if (!handshakes.tryAcquire()) {
                closeQuietly(s);
                continue;
            }
            upgrading.add(s);
            Thread.ofVirtual().name("p2pkit-ws-upgrade").start(() -> {
                try {
                    WebSocketConnection c = upgrade(s);
                    if (closed || !ready.offer(c)) {
                        c.close(); // nobody accepts fast enough: shed the connection
                    }
                } catch (IOException | RuntimeException e) {
                    closeQuietly(s);
                } finally {
                    upgrading.remove(s);
                    handshakes.release();
                }
            });
        }
    }

    private WebSocketConnection upgrade(Socket raw) throws IOException {
        raw.setTcpNoDelay(true);
        raw.setKeepAlive(true);
        raw.setSoTimeout((int) Math.min(Integer.MAX_VALUE, config.handshakeTimeout().toMillis()));
        Multiaddr local = Multiaddr.of((InetSocketAddress) raw.getLocalSocketAddress(), "tcp").encapsulate(connectionSuffix);
        Multiaddr remote = Multiaddr.of((InetSocketAddress) raw.getRemoteSocketAddress(), "tcp").encapsulate(connectionSuffix);
        Socket s = raw;
        if (tls != null) {
            SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(raw, null, true);
            ssl.setUseClientMode(false);
            SSLParameters params = ssl.getSSLParameters();
            params.setApplicationProtocols(new String[] {"http/1.1"});
            ssl.setSSLParameters(params);
            ssl.startHandshake();
            s = ssl;
        }
        InputStream in = new LeanInputStream(s.getInputStream(), config.readBufferBytes());
        Handshake.server(in, s.getOutputStream());
        s.setSoTimeout(0);
        return new WebSocketConnection(s, in, false, config, local, remote);
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.close();
        } finally {
            for (Socket s : upgrading) {
                closeQuietly(s);
            }
            for (Object o; (o = ready.poll()) != null; ) {
                if (o instanceof WebSocketConnection c) {
                    c.close();
                }
            }
            ready.offer(CLOSED);
            acceptor.interrupt();
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already gone
            LOG.log(System.Logger.Level.DEBUG, () -> "closing a WebSocket listener connection: " + e);
        }
    }

    @Override
    public String toString() {
        return "websocket listener " + address;
    }
}
