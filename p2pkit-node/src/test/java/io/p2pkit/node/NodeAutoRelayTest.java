package io.p2pkit.node;

import io.p2pkit.nat.autorelay.AutoRelay;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** AutoRelay in the node: on with the relay client by default (Kubo's Swarm.RelayClient.Enabled), and off on request. */
@Timeout(60)
class NodeAutoRelayTest {
    @Test
    void onByDefaultOffOnRequestAndNeverWithoutTheRelayClient() throws Exception {
        try (Node on = Node.start(NodeHolePunchTest.local().build());
             Node off = Node.start(NodeHolePunchTest.local().withoutAutoRelay().build());
             Node noRelay = Node.start(NodeHolePunchTest.local().relayClient(false).build())) {
            assertTrue(on.host().service(AutoRelay.class).isPresent());
            assertTrue(off.host().service(AutoRelay.class).isEmpty());
            assertTrue(noRelay.host().service(AutoRelay.class).isEmpty());
        }
    }

    @Test
    void itsMetricsAreServedWithTheOthers() throws Exception {
        try (Node node = Node.start(NodeHolePunchTest.local()
                .metrics(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0)).build());
             java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
            java.net.InetSocketAddress at = node.metricsAddress().orElseThrow();
            java.net.URI uri = java.net.URI.create("http://127.0.0.1:" + at.getPort()
                    + io.p2pkit.node.metrics.MetricsServer.PATHS.get(0));
            String text = http.send(java.net.http.HttpRequest.newBuilder(uri).timeout(java.time.Duration.ofSeconds(10))
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            // a fresh node of unknown reachability and no static relays: the finder waits
            assertTrue(text.contains("p2pkit_autorelay_status 0"), text);
            assertTrue(text.contains("p2pkit_autorelay_desired_reservations 0"), text);
        }
    }
}
