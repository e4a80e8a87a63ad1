package io.p2pkit.interop;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.identify.IdentifyResult;
import io.p2pkit.core.identify.IdentifyService;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.network.ConnectionListener;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Catches a host's first connection and its first identify result from the moment it is made, so
 * that a fast remote dialer which runs its steps and leaves before the test looks cannot be missed
 * (looking up the host's live connections afterwards raced with the dialer's disconnect).
 */
final class InboundWatch {
    private final CompletableFuture<Connection> connection = new CompletableFuture<>();
    private final CompletableFuture<IdentifyResult> identified = new CompletableFuture<>();
    private final Host host;

    private InboundWatch(Host host) {
        this.host = host;
        host.addConnectionListener(new ConnectionListener() {
            @Override
            public void connected(Connection c) {
                connection.complete(c);
            }
        });
        host.service(IdentifyService.class).orElseThrow().addListener(identified::complete);
    }

    /** Starts watching {@code host}; call it before the remote dials. */
    static InboundWatch of(Host host) {
        return new InboundWatch(host);
    }

    /** The first connection, waiting up to {@code timeout}. */
    Connection connection(Duration timeout) throws Exception {
        return await(connection, timeout, "the dialer connected but p2pkit registered no connection");
    }

    /** What p2pkit learned by identifying the remote, waiting up to {@code timeout}. */
    IdentifyResult identified(Duration timeout) throws Exception {
        try {
            return await(identified, timeout, "p2pkit did not identify the dialer");
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + " (" + whyNotIdentified() + ")", e);
        }
    }

    /** The same, a failure naming also what the remote peer program printed last. */
    IdentifyResult identified(Duration timeout, PeerProcess remote) throws Exception {
        try {
            return identified(timeout);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n--- the peer's stderr (tail) ---\n" + remote.stderrTail(), e);
        }
    }

    /** What identify of the first connection ended in, for a failure's message. */
    private String whyNotIdentified() {
        Connection c = connection.getNow(null);
        if (c == null) {
            return "no connection";
        }
        try {
            host.service(IdentifyService.class).orElseThrow().awaitIdentified(c, Duration.ofMillis(1));
            return "identified after all";
        } catch (java.io.IOException e) {
            return "identify of " + c + (c.isClosed() ? ", closed," : ", open,") + " says: " + e.getMessage()
                    + (e.getCause() != null ? " (" + e.getCause() + ")" : "");
        }
    }

    private static <T> T await(CompletableFuture<T> f, Duration timeout, String failure) throws Exception {
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(failure + " within " + timeout);
        } catch (ExecutionException e) {
            throw new AssertionError(failure + ": " + e.getCause(), e.getCause());
        }
    }
}
