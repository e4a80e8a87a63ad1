package io.p2pkit.node.cli.command;

import io.p2pkit.nat.relay.AsnTable;
import io.p2pkit.nat.relay.RelayConfig;
import io.p2pkit.node.cli.UsageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code p2pkit daemon}'s relay options: {@code --relay-service} and its per-ASN reservation limit. */
@Timeout(30)
class DaemonRelayOptionsTest {
    @Test
    void withoutTheServiceThereIsNoRelayAndItsOptionsAreRefused(@TempDir Path dir) {
        assertEquals(Optional.empty(), DaemonCommand.relayConfig(false, null, null));
        UsageException table = assertThrows(UsageException.class,
                () -> DaemonCommand.relayConfig(false, dir.resolve("asn.txt"), null));
        assertEquals("--relay-asn-table needs --relay-service", table.getMessage());
        UsageException limit = assertThrows(UsageException.class, () -> DaemonCommand.relayConfig(false, null, 4));
        assertEquals("--relay-max-reservations-per-asn needs --relay-service", limit.getMessage());
    }

    @Test
    void theServiceAloneHasGosDefaultsAndNoAsns() {
        RelayConfig c = DaemonCommand.relayConfig(true, null, null).orElseThrow();
        assertEquals(32, c.maxReservationsPerAsn());
        assertEquals(AsnTable.empty(), c.asnTable());
        assertEquals(RelayConfig.defaults().maxReservationsPerIp(), c.maxReservationsPerIp());
    }

    @Test
    void theTableAndTheLimitReachTheRelay(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("asn.txt"), """
                # prefix          ASN
                203.0.113.0/24    64500
                2001:db8::/32     AS64501
                """);
        RelayConfig c = DaemonCommand.relayConfig(true, file, 4).orElseThrow();
        assertEquals(4, c.maxReservationsPerAsn());
        assertEquals(2, c.asnTable().size());
        assertEquals(64500, c.asnTable().asnOf(InetAddress.getByName("203.0.113.7")));
        assertEquals(64501, c.asnTable().asnOf(InetAddress.getByName("2001:db8::1")));
        // the table alone keeps go's limit
        assertEquals(32, DaemonCommand.relayConfig(true, file, null).orElseThrow().maxReservationsPerAsn());
    }

    @Test
    void aBadTableOrLimitIsAUsageError(@TempDir Path dir) throws Exception {
        Path bad = Files.writeString(dir.resolve("asn.txt"), "203.0.113.0/24 64500\n203.0.113.0 64501\n");
        UsageException line = assertThrows(UsageException.class, () -> DaemonCommand.relayConfig(true, bad, null));
        assertTrue(line.getMessage().startsWith("--relay-asn-table " + bad + ": ") && line.getMessage().contains("line 2"),
                line.getMessage());
        UsageException missing = assertThrows(UsageException.class,
                () -> DaemonCommand.relayConfig(true, dir.resolve("absent.txt"), null));
        assertTrue(missing.getMessage().startsWith("--relay-asn-table: cannot read "), missing.getMessage());
        UsageException zero = assertThrows(UsageException.class, () -> DaemonCommand.relayConfig(true, null, 0));
        assertEquals("--relay-max-reservations-per-asn: at least 1, got 0", zero.getMessage());
    }
}
