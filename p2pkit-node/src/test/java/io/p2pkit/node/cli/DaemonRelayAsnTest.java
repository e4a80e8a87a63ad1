package io.p2pkit.node.cli;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.nat.relay.RelayClient;
import io.p2pkit.nat.relay.RelayException;
import io.p2pkit.nat.relay.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A relay daemon with {@code --relay-asn-table} and {@code --relay-max-reservations-per-asn}: clients
 * whose addresses the table puts in one ASN share its limit. Each client dials from its own 127.0.0.x
 * (TCP dials leave from the listening address), so the per-IP limit is never what refuses.
 */
@Timeout(120)
class DaemonRelayAsnTest {
    private static final Pattern READY = Pattern.compile(
            "\\{\"event\":\"ready\",\"peerId\":\"([^\"]+)\",\"addrs\":\\[\"([^\"]+)\".*");

    @Test
    @SuppressWarnings("try") // Daemon.close() may be interrupted; the case throws that on
    void reservationsFromOneAsnStopAtTheLimit(@TempDir Path home) throws Exception {
        // 127.0.0.0/30 (127.0.0.1‥3) is AS64500; 127.0.0.4 is in no ASN
        Path table = Files.writeString(home.resolve("asn.txt"), "127.0.0.0/30 64500\n");
        try (DaemonAndPingTest.Daemon relay = DaemonAndPingTest.Daemon.start(home, "--listen", "/ip4/127.0.0.1/tcp/0",
                "--json", "--relay-service", "--relay-asn-table", table.toString(), "--relay-max-reservations-per-asn", "1");
             Host a = client("127.0.0.2");
             Host b = client("127.0.0.3");
             Host c = client("127.0.0.4")) {
            Matcher r = READY.matcher(relay.next("{\"event\":\"ready\""));
            assertTrue(r.matches());
            PeerInfo info = PeerInfo.fromMultiaddr(Multiaddr.parse(r.group(2)));
            reserve(a, info);
            RelayException full = assertThrows(RelayException.class, () -> reserve(b, info));
            assertEquals(Optional.of(Status.RESERVATION_REFUSED), full.status(), full.getMessage());
            // an address of no known ASN is limited per IP only
            reserve(c, info);
            // a renewal is no new reservation, and the ASN is still full
            reserve(a, info);
            assertThrows(RelayException.class, () -> reserve(b, info));
        }
    }

    private static Host client(String ip) throws Exception {
        Host h = Host.builder().listen("/ip4/" + ip + "/tcp/0").build();
        RelayClient.attach(h);
        return h;
    }

    private static void reserve(Host client, PeerInfo relay) throws Exception {
        client.service(RelayClient.class).orElseThrow().reserve(relay);
    }
}
