package io.p2pkit.node.cli.command;

import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.config.GatewayHosts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The repository config's {@code gateway.*} keys as the daemon reads them (Kubo's Gateway.PublicGateways). */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DaemonGatewayHostsTest {
    @Test
    void noKeysGiveKubosDefaults() {
        assertEquals(GatewayHosts.DEFAULT, DaemonCommand.gatewayHosts(Map.of()));
        assertTrue(GatewayHosts.DEFAULT.gateway("localhost").orElseThrow().useSubdomains());
    }

    @Test
    void aPublicGatewayIsReadFieldByFieldAndADefaultCanBeRemoved() {
        GatewayHosts hosts = DaemonCommand.gatewayHosts(Map.of(
                "gateway.noDNSLink", "true",
                "gateway.publicGateways.example.com.paths", "/ipfs/, /ipns",
                "gateway.publicGateways.example.com.useSubdomains", "true",
                "gateway.publicGateways.example.com.inlineDNSLink", "true",
                "gateway.publicGateways.localhost", "off"));
        assertTrue(hosts.noDnsLink());
        assertEquals(new GatewayHosts.PublicGateway(List.of("/ipfs", "/ipns"), true, false, true),
                hosts.gateway("example.com").orElseThrow());
        assertFalse(hosts.gateway("localhost").isPresent());
        assertEquals("example.com", hosts.subdomain("bafy.ipfs.example.com").orElseThrow().host());
    }

    @Test
    void kubosPublicGatewaysObjectSetThroughTheConfigIsWhatTheDaemonReads() {
        io.p2pkit.ipfs.repo.RepoConfig c = io.p2pkit.node.config.KuboConfig.set(io.p2pkit.ipfs.repo.RepoConfig.defaults(),
                "Gateway.PublicGateways", io.p2pkit.node.config.KuboConfig.parseJson("{\"example.com\":{\"Paths\":"
                        + "[\"/ipfs\"],\"UseSubdomains\":false,\"DeserializedResponses\":false},\"localhost\":null}"));
        GatewayHosts hosts = DaemonCommand.gatewayHosts(c.other());
        assertEquals(new GatewayHosts.PublicGateway(List.of("/ipfs"), false, false, false, false),
                hosts.gateway("example.com").orElseThrow());
        assertFalse(hosts.gateway("localhost").isPresent());
        assertEquals(null, DaemonCommand.gatewayHosts(Map.of("gateway.publicGateways.a.example.paths", "/ipfs"))
                .gateway("a.example").orElseThrow().deserializedResponses(), "unset: the gateway's own setting");
    }

    @Test
    void aGatewayWithoutPathsOrAStrayValueIsRefused() {
        assertThrows(UsageException.class, () -> DaemonCommand.gatewayHosts(Map.of(
                "gateway.publicGateways.example.com.useSubdomains", "true")));
        assertThrows(UsageException.class, () -> DaemonCommand.gatewayHosts(Map.of(
                "gateway.publicGateways.example.com", "on")));
    }
}
