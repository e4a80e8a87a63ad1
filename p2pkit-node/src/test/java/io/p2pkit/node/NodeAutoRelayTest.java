package io.p2pkit.node;

import io.p2pkit.nat.autorelay.AutoRelay;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** AutoRelay in the node: on with the relay client by default (Kubo's Swarm.RelayClient.Enabled), and off on request. */
@Timeout(60)
class NodeAutoRelayTest {
    private static NodeConfig.Builder local() {
        return NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").withoutAutoNat()
                .transports(new NodeConfig.Transports(List.of(), List.of(), false, Optional.empty(),
                        Optional.empty(), Optional.empty(), Optional.empty()));
    }

    @Test
    void onByDefaultOffOnRequestAndNeverWithoutTheRelayClient() throws Exception {
        try (Node on = Node.start(local().build());
             Node off = Node.start(local().withoutAutoRelay().build());
             Node noRelay = Node.start(local().relayClient(false).build())) {
            assertTrue(on.host().service(AutoRelay.class).isPresent());
            assertTrue(off.host().service(AutoRelay.class).isEmpty());
            assertTrue(noRelay.host().service(AutoRelay.class).isEmpty());
        }
    }
}
