package io.p2pkit.node.http;

import io.p2pkit.core.metrics.Counter;
import io.p2pkit.core.metrics.Histogram;
import io.p2pkit.core.metrics.MetricRegistry;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Counts what one server does: requests by status class and how long they took
 * ({@code p2pkit_http_*}, labelled with the server's name).
 */
final class CountingHandler extends Handler.Wrapper {
    private final String server;
    private final Counter requests;
    private final Histogram seconds;

    CountingHandler(String server, Handler handler, MetricRegistry registry) {
        super(handler);
        this.server = server;
        this.requests = registry.counter("p2pkit_http_requests_total", "HTTP requests answered, by server and "
                + "status class", "server", "status");
        this.seconds = registry.histogram("p2pkit_http_request_duration_seconds", "time from a request's "
                + "arrival to the end of its response, by server", Histogram.exponentialBuckets(0.0005, 2, 18), "server");
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        long start = System.nanoTime();
        Callback counted = Callback.from(() -> done(response, start), callback); // on success and failure alike
        if (!super.handle(request, response, counted)) {
            // Nothing is mounted at this path: answered here, so that it is counted too.
            Response.writeError(request, response, counted, HttpStatus.NOT_FOUND_404);
        }
        return true;
    }

    private void done(Response response, long start) {
        requests.inc(server, response.getStatus() / 100 + "xx");
        seconds.observe((System.nanoTime() - start) / 1e9, server);
    }
}
