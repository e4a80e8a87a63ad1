package io.p2pkit.node.cli.content;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;

import javax.net.ssl.SSLEngine;
import java.net.InetSocketAddress;

/**
 * Jetty's HTTP client for the daemon's RPC API, made to start quickly: a command that asks a
 * running daemon starts a JVM for one request, and Jetty's defaults cost it about a third of its
 * time (docs/PERFORMANCE.md, "Commands that ask the daemon").
 * It waits for an answer however long the daemon works on it, as Kubo's client does.
 * <ul>
 *   <li>The API is plain HTTP on the address of the repository's {@code api} file, so the client
 *       has no TLS context: the default one reads and parses the JDK's whole trust store when
 *       the client starts. An {@code https} request fails with a clear error instead.</li>
 *   <li>Jetty's queues pad their fields to a cache line and ask the platform MBean server
 *       whether references are compressed, to know how many fit in one; starting that server
 *       (with its Flight Recorder bean) costs a fresh JVM more than the request. The property
 *       that answers instead is set unless the user set it.</li>
 *   <li>Jetty's HTTP parser builds its tables of headers, methods and media types (with a list of
 *       every locale's language) when it is first used, once the connection is made, while the
 *       caller's thread builds the request's headers, whose date formatter makes a calendar
 *       (another walk over every locale). Both run interpreted in a fresh JVM; the parser's
 *       start on a thread of its own while the client starts lets the two use both cores.</li>
 * </ul>
 */
final class ApiHttpClient {
    /** Jetty's property for the references per cache line, read once when its queues load. */
    static final String REFERENCES_PER_CACHE_LINE = "org.eclipse.jetty.util.referencesPerCacheLine";
    /** The heap size up to which the JVM compresses references by default. */
    private static final long COMPRESSED_OOPS_LIMIT = 32L << 30;

    private ApiHttpClient() {
    }

    /** Jetty's HTTP parser, whose class initialisation {@link #create()} starts early. */
    static final String PARSER = "org.eclipse.jetty.http.HttpParser";

    /** A client, not yet started, that speaks plain HTTP only. */
    static HttpClient create() {
        if (System.getProperty(REFERENCES_PER_CACHE_LINE) == null) {
            System.setProperty(REFERENCES_PER_CACHE_LINE, Integer.toString(referencesPerCacheLine()));
        }
        // Jetty's first component initialises SLF4J on this thread; the parser's thread starts
        // after, since SLF4J answers a logger asked for during its initialisation with a stand-in
        // and warns on stderr when it replays what that logged.
        ClientConnector connector = new PlainConnector();
        // Jetty closes a connection silent for 30 s; a pin add or repo gc says nothing until it is
        // done, and Kubo's client waits for it too. The daemon's own deadlines end what finds nothing.
        connector.setIdleTimeout(java.time.Duration.ZERO);
        initialiseParserMeanwhile();
        return new HttpClient(new HttpClientTransportOverHTTP(connector));
    }

    /**
     * Initialises Jetty's HTTP parser class on a daemon thread while the caller goes on. The
     * JVM runs a class's initialiser once; a thread that needs the class meanwhile waits for it,
     * and a failure is reported to whoever uses the class next, as it would be without this.
     */
    private static void initialiseParserMeanwhile() {
        Thread.ofPlatform().name("p2pkit-rpc-client-init").daemon().start(() -> {
            try {
                Class.forName(PARSER, true, ApiHttpClient.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                // the client's own use of the parser fails with the same error, where it is reported
                System.getLogger(ApiHttpClient.class.getName()).log(System.Logger.Level.DEBUG,
                        "initialising Jetty's HTTP parser", e);
            }
        });
    }

    /**
     * What Jetty would compute: 64-byte lines over 4-byte references when the heap is small enough
     * to compress them (the JVM's default), 8-byte ones otherwise. A wrong guess only changes
     * padding, never behaviour.
     */
    static int referencesPerCacheLine() {
        return Runtime.getRuntime().maxMemory() < COMPRESSED_OOPS_LIMIT ? 16 : 8;
    }

    /** A connector whose TLS context is never built. */
    private static final class PlainConnector extends ClientConnector {
        @Override
        protected SslContextFactory.Client newSslContextFactory() {
            return new NoTls();
        }
    }

    /** Starts without loading anything, and refuses to make a TLS engine. */
    private static final class NoTls extends SslContextFactory.Client {
        @Override
        protected void doStart() {
            // Nothing to load: no request of this client uses TLS.
        }

        @Override
        public SSLEngine newSSLEngine() {
            throw refused();
        }

        @Override
        public SSLEngine newSSLEngine(String host, int port) {
            throw refused();
        }

        @Override
        public SSLEngine newSSLEngine(InetSocketAddress address) {
            throw refused();
        }

        private static UnsupportedOperationException refused() {
            return new UnsupportedOperationException("the daemon's RPC API speaks plain HTTP; this client has no TLS");
        }
    }
}
