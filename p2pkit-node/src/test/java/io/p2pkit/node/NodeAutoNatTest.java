package io.p2pkit.node;

import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.host.Reachability;
import io.p2pkit.core.identify.IdentifyService;
import io.p2pkit.kad.Mode;
import io.p2pkit.nat.autonat.AutoNat;
import io.p2pkit.nat.autonat.AutoNatConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** AutoNAT in the node: on by default, and the DHT's auto mode follows what it finds. */
@Timeout(60)
class NodeAutoNatTest {
    private static NodeConfig.Builder local() {
        return NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                .transports(new NodeConfig.Transports(List.of(), List.of(), false, Optional.empty(),
                        Optional.empty(), Optional.empty(), Optional.empty()));
    }

    @Test
    void aNodeServesAutoNatByDefaultAndItsAutoDhtBecomesAServerOnceFoundPublic() throws Exception {
        // loopback stands in for the internet here: both sides allow private addresses
        AutoNatConfig loopback = AutoNatConfig.defaults().withAllowPrivateAddresses(true)
                .withProbes(new AutoNatConfig.Probes(Duration.ofDays(1), Duration.ofDays(1), Duration.ofDays(1),
                        Duration.ofSeconds(20), Duration.ZERO));
        try (Node server = Node.start(local().autoNat(loopback).build());
             Node client = Node.start(local().autoNat(loopback).dht(NodeConfig.Dht.of(Mode.AUTO)).build())) {
            assertTrue(server.host().protocols().contains(AutoNat.V1_PROTOCOL));
            assertTrue(server.host().protocols().contains(AutoNat.V2_DIAL_REQUEST));
            assertEquals(Mode.CLIENT, client.dht().orElseThrow().effectiveMode());

            var c = client.host().connect(new PeerInfo(server.peerId(), server.host().addresses()));
            client.host().service(IdentifyService.class).orElseThrow().awaitIdentified(c, Duration.ofSeconds(20));
            AutoNat autonat = client.host().service(AutoNat.class).orElseThrow();
            assertEquals(Reachability.PUBLIC, autonat.probe(server.peerId()));
            assertEquals(Mode.SERVER, client.dht().orElseThrow().effectiveMode());
        }
    }

    @Test
    void theServiceCanBeDisabledAndAutoNatLeftOut() throws Exception {
        try (Node quiet = Node.start(local().autoNat(AutoNatConfig.defaults()
                .withServiceMode(AutoNatConfig.ServiceMode.DISABLED)).build());
             Node none = Node.start(local().withoutAutoNat().build())) {
            assertFalse(quiet.host().protocols().contains(AutoNat.V1_PROTOCOL));
            assertTrue(quiet.host().protocols().contains(AutoNat.V2_DIAL_BACK), "the client still runs");
            assertTrue(none.host().service(AutoNat.class).isEmpty());
        }
    }
}
