package io.p2pkit.nat.relay;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.nat.LoopbackHosts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The relay's per-ASN reservation limit (go-libp2p's {@code MaxReservationsPerASN}), with
 * loopback addresses placed into ASNs by a configured {@link AsnTable}: each client dials from
 * its own 127.0.0.x (TCP dials leave from the listening address).
 */
@Timeout(60)
class RelayAsnLimitTest {
    private final LoopbackHosts hosts = new LoopbackHosts();

    @AfterEach
    void closeAll() {
        hosts.close();
    }

    private Host clientFrom(String ip) throws IOException {
        Host h = hosts.add(Host.builder().listen("/ip4/" + ip + "/tcp/0").build());
        RelayClient.attach(h);
        return h;
    }

    private static void reserve(Host client, PeerInfo relay) throws IOException {
        client.service(RelayClient.class).orElseThrow().reserve(relay);
    }

    @Test
    void reservationsFromOneAsnAreLimitedAndUnknownAddressesAreNot() throws Exception {
        // 127.0.0.2‥3 in AS64500, 127.0.0.4 in AS64501, 127.0.0.5‥ in none
        AsnTable table = AsnTable.of(Map.of("127.0.0.0/30", 64500L, "127.0.0.4/32", 64501L));
        Host r = hosts.host();
        RelayService service = RelayService.attach(r, RelayConfig.defaults().withMaxReservationsPerAsn(2, table));
        PeerInfo relay = PeerInfo.fromMultiaddr(r.addresses().get(0).encapsulate("/p2p/" + r.peerId()));

        Host a = clientFrom("127.0.0.2");
        Host b = clientFrom("127.0.0.3");
        reserve(a, relay);
        reserve(b, relay);
        // a third peer from AS64500, on an address of its own: the ASN is full, not the IP
        Host c = clientFrom("127.0.0.3");
        RelayException e = assertThrows(RelayException.class, () -> reserve(c, relay));
        assertEquals(Optional.of(Status.RESERVATION_REFUSED), e.status());
        // renewals within the ASN are not new reservations
        reserve(a, relay);
        reserve(b, relay);
        // another ASN, and addresses of no known ASN (only the per-IP limit): accepted
        reserve(clientFrom("127.0.0.4"), relay);
        for (int i = 0; i < 3; i++) {
            reserve(clientFrom("127.0.0.5"), relay);
        }
        assertEquals(6, service.reservationCount());
        // a slot freed in AS64500 (its peer left) is taken
        a.close();
        io.p2pkit.testing.Await.until("a's reservation dropped", () -> service.reservationCount() == 5,
                java.time.Duration.ofSeconds(20));
        reserve(c, relay);
        assertEquals(6, service.reservationCount());
    }

    @Test
    void theTableFindsTheLongestPrefixInBothFamilies() throws Exception {
        AsnTable t = AsnTable.parse(List.of(
                "# prefix ASN",
                "11.0.0.0/8      64500",
                "11.1.0.0/16     AS64501",
                "11.1.2.0/24     64502",
                "",
                "2001:db8::/32   64510",
                "2001:db8:1::/48 4200000000"));
        assertEquals(5, t.size());
        assertEquals(64500, t.asnOf(InetAddress.getByName("11.9.9.9")));
        assertEquals(64501, t.asnOf(InetAddress.getByName("11.1.9.9")));
        assertEquals(64502, t.asnOf(InetAddress.getByName("11.1.2.200")));
        assertEquals(0, t.asnOf(InetAddress.getByName("12.0.0.2")), "no prefix: unknown");
        assertEquals(64510, t.asnOf(InetAddress.getByName("2001:db8:2::1")));
        assertEquals(4_200_000_000L, t.asnOf(InetAddress.getByName("2001:db8:1::7")), "32-bit ASNs");
        assertEquals(0, t.asnOf(InetAddress.getByName("2001:db9::1")));
        assertEquals(0, AsnTable.empty().asnOf(InetAddress.getByName("11.0.0.2")));
        // /0 holds everything of its family only
        AsnTable all = AsnTable.of(Map.of("0.0.0.0/0", 1L));
        assertEquals(1, all.asnOf(InetAddress.getByName("203.0.113.1")));
        assertEquals(0, all.asnOf(InetAddress.getByName("::1")));
    }

    @Test
    void badTablesAreRefusedByLine(@TempDir Path dir) throws Exception {
        for (String bad : List.of("11.0.0.0/8", "11.0.0.0/8 x", "11.0.0.0/33 1", "11.0.0.0 1", "example.com/8 1",
                "11.0.0.0/8 0", "11.0.0.0/8 4294967295", "2001:db8::/129 1", "11.0.0.0/8 1 2")) {
            DecodeException e = assertThrows(DecodeException.class, () -> AsnTable.parse(List.of("# ok", bad)),
                    bad);
            assertTrue(e.getMessage().contains("line 2") || e.getMessage().contains(bad.split(" ")[0]),
                    e.getMessage());
        }
        Path file = dir.resolve("asn.txt");
        Files.writeString(file, "203.0.113.0/24 64500\n");
        assertEquals(64500, AsnTable.load(file).asnOf(InetAddress.getByName("203.0.113.9")));
    }
}
