package io.p2pkit.node.http;

import io.p2pkit.core.metrics.MetricRegistry;
import io.p2pkit.core.metrics.PrometheusText;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.nio.charset.StandardCharsets;

/** The node's metrics in the Prometheus text format, on the RPC server as Kubo serves them. */
final class MetricsHandler extends Handler.Abstract.NonBlocking {
    private final MetricRegistry registry;

    MetricsHandler(MetricRegistry registry) {
        this.registry = registry;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        boolean head = HttpMethod.HEAD.is(request.getMethod());
        if (!head && !HttpMethod.GET.is(request.getMethod())) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
            Response.writeError(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405);
            return true;
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, PrometheusText.CONTENT_TYPE);
        byte[] body = PrometheusText.write(registry).getBytes(StandardCharsets.UTF_8);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, head ? null : java.nio.ByteBuffer.wrap(body), callback);
        return true;
    }
}
