package io.p2pkit.node.http;

import io.p2pkit.core.metrics.MetricRegistry;
import io.p2pkit.node.Node;
import io.p2pkit.node.console.ConsoleHandler;
import io.p2pkit.node.dnslink.DnsLinkResolver;
import io.p2pkit.node.gateway.GatewayHandler;
import io.p2pkit.node.routing.RoutingV1Handler;
import io.p2pkit.node.rpc.NodeRpc;
import org.eclipse.jetty.http.pathmap.PathSpec;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.handler.PathMappingsHandler;

/**
 * What the node's two HTTP servers serve, path by path. The RPC server: {@code /api/v0/…}, the
 * web console at {@code /webui/} and the metrics at {@code /debug/metrics/prometheus}. The gateway: {@code /ipfs/…},
 * {@code /ipns/…} and {@code /routing/v1/…}.
 */
public final class NodeHttp {
    private NodeHttp() {
    }

    /** The RPC server's handler for {@code node}. */
    public static Handler rpc(Node node, MetricRegistry registry) {
        PathMappingsHandler paths = new PathMappingsHandler();
        paths.addMapping(PathSpec.from("/debug/metrics/prometheus"), new MetricsHandler(registry));
        ConsoleHandler console = new ConsoleHandler(node, registry);
        paths.addMapping(PathSpec.from(ConsoleHandler.PREFIX), console);
        paths.addMapping(PathSpec.from(ConsoleHandler.PREFIX + "/*"), console);
        paths.addMapping(PathSpec.from("/api/v0/*"), NodeRpc.handler(node, registry));
        return paths;
    }

    /** The gateway server's handler for {@code node}, counting its retrieval timeouts in {@code registry}. */
    public static Handler gateway(Node node, MetricRegistry registry) {
        io.p2pkit.node.config.GatewayOptions options = node.config().gatewayOptions();
        PathMappingsHandler paths = new PathMappingsHandler();
        if (options.exposeRoutingApi()) {
            paths.addMapping(PathSpec.from(RoutingV1Handler.PREFIX + "*"), new RoutingV1Handler(node.host(), node.dht(),
                    node.config().ignoredProviders()));
        }
        // every other path: /ipfs/… and /ipns/…, and any path on a subdomain or DNSLink host
        DnsLinkResolver dns = node.config().dnsLink();
        java.util.Optional<java.time.Duration> cap = node.config().ipnsCache().maxTtl();
        GatewayHandler gateway = new GatewayHandler(node, node.config().gatewayHosts(),
                cap.isPresent() ? dns.capped(cap.get()) : dns, registry);
        paths.addMapping(PathSpec.from("/"), gateway);
        // HTTP/1.1 serves one request per connection at a time, so the server's connection limit
        // bounds requests already: the limiter is there only when it is lower (Kubo's 4,096 is not)
        int connections = node.config().gateway().map(io.p2pkit.node.NodeConfig.Http::maxConnections)
                .orElse(Integer.MAX_VALUE);
        int max = options.maxConcurrentRequests();
        return max > 0 && max < connections ? new RequestLimit(max, paths) : paths;
    }
}
