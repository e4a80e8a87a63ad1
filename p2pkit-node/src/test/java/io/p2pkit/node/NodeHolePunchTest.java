package io.p2pkit.node;

import io.p2pkit.nat.holepunch.HolePunchService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hole punching in the node: on with the relay client by default (Kubo's Swarm.EnableHolePunching), and off on request. */
@Timeout(60)
class NodeHolePunchTest {
    /** A node on loopback TCP only, without AutoNAT. */
    static NodeConfig.Builder local() {
        return NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").withoutAutoNat()
                .transports(new NodeConfig.Transports(List.of(), List.of(), false, Optional.empty(),
                        Optional.empty(), Optional.empty(), Optional.empty()));
    }

    @Test
    void onByDefaultOffOnRequestAndNeverWithoutTheRelayClient() throws Exception {
        try (Node on = Node.start(local().build());
             Node off = Node.start(local().holePunching(false).build());
             Node noRelay = Node.start(local().relayClient(false).build())) {
            assertTrue(on.host().service(HolePunchService.class).isPresent());
            assertTrue(on.host().protocols().contains(HolePunchService.PROTOCOL_ID));
            assertTrue(off.host().service(HolePunchService.class).isEmpty());
            assertFalse(off.host().protocols().contains(HolePunchService.PROTOCOL_ID));
            assertTrue(noRelay.host().service(HolePunchService.class).isEmpty());
        }
    }
}
