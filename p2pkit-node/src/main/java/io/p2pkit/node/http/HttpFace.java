package io.p2pkit.node.http;

import io.p2pkit.core.metrics.MetricRegistry;
import io.p2pkit.node.NodeConfig;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SizeLimitHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One of the node's HTTP servers (the RPC API, the gateway): Jetty, with every request handled on
 * a virtual thread of its own so that handlers may block, bounded by {@link NodeConfig.Http}, and
 * counted in the node's metrics under the server's name.
 */
public final class HttpFace implements Closeable {
    /** Jetty's INFO lines (its version, each start and stop) would clutter the daemon's output; held so it stays set. */
    private static final java.util.logging.Logger JETTY_LOG = quiet(java.util.logging.Logger.getLogger("org.eclipse.jetty"));
    /** Jetty's setting of how many object references fill a cache line (its padded queues are sized by it). */
    private static final String REFERENCES_PER_CACHE_LINE = "org.eclipse.jetty.util.referencesPerCacheLine";

    static {
        // Unless told, Jetty asks the platform MBean server whether references are compressed, and
        // making that server cost a fresh daemon about 16 ms of its start; the MXBean alone is cheap
        if (System.getProperty(REFERENCES_PER_CACHE_LINE) == null) {
            System.setProperty(REFERENCES_PER_CACHE_LINE, Integer.toString(64 / referenceBytes()));
        }
    }

    private final String name;
    private final Server server;
    private final ServerConnector connector;
    private final ExecutorService virtualThreads;

    private HttpFace(String name, Server server, ServerConnector connector, ExecutorService virtualThreads) {
        this.name = name;
        this.server = server;
        this.connector = connector;
        this.virtualThreads = virtualThreads;
    }

    /**
     * Starts serving {@code handler} where {@code limits} says (port 0 picks a free one).
     *
     * @param name     the server's name in metrics and errors ({@code rpc}, {@code gateway})
     * @param registry where requests and their durations are counted
     * @throws IOException when the address cannot be bound
     */
    public static HttpFace start(String name, NodeConfig.Http limits, Handler handler, MetricRegistry registry)
            throws IOException {
        InetSocketAddress address = limits.address();
        // A few platform threads run Jetty's selector and acceptor; requests go to virtual threads.
        QueuedThreadPool threads = new QueuedThreadPool(8, 2);
        threads.setName("p2pkit-http-" + name);
        ExecutorService virtualThreads = Executors.newVirtualThreadPerTaskExecutor();
        threads.setVirtualThreadsExecutor(virtualThreads);
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(limits.maxHeaderBytes());
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        // Paths such as /ipfs/<cid>/100%25.txt or a name holding an encoded slash are legal: the
        // handlers decode each segment themselves, so Jetty's refusal of "ambiguous" encodings is lifted.
        http.setUriCompliance(UriCompliance.DEFAULT.with("p2pkit", UriCompliance.Violation.AMBIGUOUS_PATH_ENCODING,
                UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR));
        ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString());
        connector.setPort(address.getPort());
        connector.setIdleTimeout(limits.idleTimeout().toMillis());
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(limits.maxConnections(), connector));
        server.setErrorHandler(new PlainErrorHandler());
        Handler limited = limits.maxBodyBytes() >= 0 ? sizeLimited(limits.maxBodyBytes(), handler) : handler;
        server.setHandler(new CountingHandler(name, limited, registry));
        try {
            server.start();
        } catch (Exception e) {
            stopQuietly(server);
            virtualThreads.shutdownNow();
            throw new IOException("the " + name + " server cannot listen on " + address.getHostString() + ":"
                    + address.getPort() + ": " + e.getMessage(), e);
        }
        return new HttpFace(name, server, connector, virtualThreads);
    }

    /** 4 with compressed object references (a heap under 32 GiB, the JVM's default), else 8. */
    private static int referenceBytes() {
        try {
            String compressed = java.lang.management.ManagementFactory
                    .getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class).getVMOption("UseCompressedOops").getValue();
            return Boolean.parseBoolean(compressed) ? 4 : 8;
        } catch (RuntimeException e) {
            return 8; // not HotSpot: Jetty's own fallback when it cannot tell
        }
    }

    private static java.util.logging.Logger quiet(java.util.logging.Logger logger) {
        logger.setLevel(java.util.logging.Level.WARNING);
        return logger;
    }

    private static Handler sizeLimited(long maxBody, Handler handler) {
        SizeLimitHandler limit = new SizeLimitHandler(maxBody, -1);
        limit.setHandler(handler);
        return limit;
    }

    /** The server's name ({@code rpc}, {@code gateway}). */
    public String name() {
        return name;
    }

    /** The address actually bound (the real port when 0 was asked for). */
    public InetSocketAddress address() {
        return new InetSocketAddress(connector.getHost(), connector.getLocalPort());
    }

    /** The connections open now. */
    public int openConnections() {
        return connector.getConnectedEndPoints().size();
    }

    /** Stops accepting, closes the connections and waits briefly for requests in flight. */
    @Override
    public void close() {
        server.setStopTimeout(2_000);
        stopQuietly(server);
        virtualThreads.shutdownNow();
    }

    private static void stopQuietly(Server server) {
        try {
            server.stop();
        } catch (Exception e) {
            // Stopping is best effort: Jetty has closed the connector's socket before it fails.
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "HttpFace[" + name + " " + address() + "]";
    }
}
