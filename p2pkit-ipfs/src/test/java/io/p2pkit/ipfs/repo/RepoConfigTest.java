package io.p2pkit.ipfs.repo;

import io.p2pkit.ipfs.blockstore.TierPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RepoConfigTest {
    private static RepoConfig parse(String text) {
        return RepoConfig.parse(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theDefaultsRoundTripAndAreWrittenOut() {
        RepoConfig d = RepoConfig.defaults();
        String text = new String(d.format(), StandardCharsets.UTF_8);
        assertTrue(text.contains("blockstore.storageMax = 10GB\n"), text);
        assertTrue(text.contains("blockstore.memory.maxBytes = 64MiB\n"), text);
        assertTrue(text.contains("heat.halfLife = 10m\n"), text);
        assertTrue(text.contains("heat.demoteBelow = 0.5\n"), text);
        assertTrue(text.contains("remote.timeout = 1m\n"), text);
        assertEquals(d, RepoConfig.parse(d.format()));
        assertEquals(d, parse(""), "every key has a default");
    }

    @Test
    void valuesTakeUnits() {
        RepoConfig c = parse("""
                # comment
                blockstore.syncWrites = false
                blockstore.hashOnRead=false
                blockstore.storageMax = 2TB
                blockstore.memory.maxBytes = 512KiB
                blockstore.memory.maxBlocks = 10
                heat.halfLife = 90s
                heat.promoteAt = 3.5
                heat.demoteBelow = 0.25
                heat.writeDownAt = 1
                heat.maintainInterval = 500ms
                heat.flushInterval = 1d
                remote.timeout = 2h
                pins.maxDagBlocks = 5
                """);
        assertFalse(c.disk().syncWrites());
        assertFalse(c.disk().verifyOnRead());
        TierPolicy t = c.tiers();
        assertEquals(2_000_000_000_000L, t.diskQuotaBytes());
        assertEquals(512 * 1024, t.memoryMaxBytes());
        assertEquals(10, t.memoryMaxBlocks());
        assertEquals(Duration.ofSeconds(90), t.halfLife());
        assertEquals(3.5, t.promoteAt());
        assertEquals(0.25, t.demoteBelow());
        assertEquals(1, t.writeDownAt());
        assertEquals(Duration.ofMillis(500), t.maintainInterval());
        assertEquals(Duration.ofDays(1), t.heatFlushInterval());
        assertEquals(Duration.ofHours(2), c.remoteTimeout());
        assertEquals(5, c.maxDagBlocks());
        assertEquals(c, RepoConfig.parse(c.format()));
    }

    @Test
    void otherKeysAreKeptAsTheyAre() {
        RepoConfig c = parse("Addresses.Swarm = /ip4/0.0.0.0/tcp/4001\nIdentity.PeerID=12D3Koo\nodd\\ key = a\\=b  \\u00e9 é\n");
        assertEquals(Map.of("Addresses.Swarm", "/ip4/0.0.0.0/tcp/4001", "Identity.PeerID", "12D3Koo", "odd key", "a=b  é é"),
                c.other());
        assertEquals(c, RepoConfig.parse(c.format()));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "blockstore.syncWritez = true|blockstore.syncWritez",
        "blockstore.syncWrites = yes|blockstore.syncWrites",
        "blockstore.storageMax = 10 GB|blockstore.storageMax",
        "blockstore.storageMax = 10PB|blockstore.storageMax",
        "blockstore.storageMax = 99999999999999TiB|blockstore.storageMax",
        "blockstore.memory.maxBlocks = 0|blockstore.memory.maxBlocks",
        "blockstore.memory.maxBlocks = 3000000000|blockstore.memory.maxBlocks",
        "heat.halfLife = 10|heat.halfLife",
        "heat.halfLife = -1m|heat.halfLife",
        "heat.promoteAt = 1e3|heat.promoteAt",
        "heat.promoteAt = NaN|heat.promoteAt",
        "heat.promoteAt = .5|heat.promoteAt",
        "heat.demoteBelow = 5|blockstore/heat",
        "remote.timeout = 0s|remote.timeout",
        "pins.whatever = 1|pins.whatever",
    })
    void badValuesNameTheirKey(String line, String field) {
        RepoConfigException e = assertThrows(RepoConfigException.class, () -> parse(line));
        assertEquals(field, e.field(), e.getMessage());
    }

    @Test
    void bytesThatAreNotAConfigAreRefused() {
        assertEquals("config", assertThrows(RepoConfigException.class,
                () -> RepoConfig.parse(new byte[] {(byte) 0xff, (byte) 0xfe})).field());
        assertEquals("config", assertThrows(RepoConfigException.class, () -> parse("a = \\u12")).field());
        assertEquals("config", assertThrows(RepoConfigException.class,
                () -> RepoConfig.parse(new byte[RepoConfig.MAX_BYTES + 1])).field());
    }

    @Test
    void oneKeyIsReadAndChangedWithTheFilesChecks() {
        RepoConfig d = RepoConfig.defaults();
        assertEquals("10GB", d.get("blockstore.storageMax").orElseThrow(), "a storage key always has a value");
        assertTrue(d.get("addresses.api").isEmpty());
        RepoConfig c = d.with("blockstore.storageMax", "1GB").with("addresses.api", "/ip4/127.0.0.1/tcp/5001");
        assertEquals(1_000_000_000L, c.tiers().diskQuotaBytes());
        assertEquals("/ip4/127.0.0.1/tcp/5001", c.get("addresses.api").orElseThrow());
        assertEquals(c, RepoConfig.parse(c.format()));
        assertEquals(d, c.with("blockstore.storageMax", null).with("addresses.api", null), "null removes");
        RepoConfigException bad = assertThrows(RepoConfigException.class, () -> d.with("blockstore.storageMax", "lots"));
        assertTrue(bad.getMessage().contains("blockstore.storageMax"), bad.getMessage());
        assertThrows(RepoConfigException.class, () -> d.with("blockstore.nope", "1"));
    }

    @Test
    void decimalsAreWrittenAsBigDecimalWritesThemPlain() {
        for (double d : new double[] {0, -0.0, 0.5, 2, 3.5, 0.001, 0.0001, 1e-6, 1234.5678, 1e7, 123456789.25,
                1e15, 1e16, 9007199254740993.0, 0.1 + 0.2}) {
            assertEquals(java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString(),
                    ConfigValues.formatDecimal(d), Double.toString(d));
        }
        assertThrows(NumberFormatException.class, () -> ConfigValues.formatDecimal(Double.NaN));
    }
}
