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
}
