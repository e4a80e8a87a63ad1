package io.p2pkit.node.config;

import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The table between Kubo's config keys and the repository's config file: values, sections, errors, files. */
@Timeout(30)
class KuboConfigTest {
    private static final RepoConfig EMPTY = RepoConfig.defaults();

    @Test
    void eachKindIsStoredUnderItsFileKeyAndShownInKubosShape() {
        RepoConfig c = EMPTY;
        c = KuboConfig.set(c, "Addresses.Gateway", "/ip4/127.0.0.1/tcp/8081");
        c = KuboConfig.set(c, "Addresses.Swarm", List.of("/ip4/0.0.0.0/tcp/4001", "/ip4/0.0.0.0/udp/4001/quic-v1"));
        c = KuboConfig.set(c, "Swarm.ConnMgr.HighWater", 200L);
        c = KuboConfig.set(c, "Swarm.ConnMgr.GracePeriod", "1m30s");
        c = KuboConfig.set(c, "Discovery.MDNS.Enabled", false);
        c = KuboConfig.set(c, "Datastore.StorageMax", "20GB");
        c = KuboConfig.set(c, "Routing.Type", "dhtclient");
        c = KuboConfig.set(c, "API.HTTPHeaders.Access-Control-Allow-Origin", List.of("https://webui.example"));
        assertEquals("/ip4/127.0.0.1/tcp/8081", c.get("addresses.gateway").orElseThrow());
        assertEquals("/ip4/0.0.0.0/tcp/4001, /ip4/0.0.0.0/udp/4001/quic-v1", c.get("addresses.swarm").orElseThrow());
        assertEquals("200", c.get("swarm.connMgr.highWater").orElseThrow());
        assertEquals("1m30s", c.get("swarm.connMgr.gracePeriod").orElseThrow());
        assertEquals("false", c.get("discovery.mdns.enabled").orElseThrow());
        assertEquals(20_000_000_000L, c.tiers().diskQuotaBytes(), "Datastore.StorageMax is the storage key");
        assertEquals("https://webui.example", c.get("api.allowedOrigins").orElseThrow());

        Map<String, Object> shown = KuboConfig.show(c);
        assertEquals(Map.of("Gateway", "/ip4/127.0.0.1/tcp/8081", "Swarm",
                List.of("/ip4/0.0.0.0/tcp/4001", "/ip4/0.0.0.0/udp/4001/quic-v1")), shown.get("Addresses"));
        assertEquals(Map.of("ConnMgr", Map.of("HighWater", 200L, "GracePeriod", "1m30s")), shown.get("Swarm"));
        assertEquals(Map.of("MDNS", Map.of("Enabled", false)), shown.get("Discovery"));
        assertEquals("20GB", ((Map<?, ?>) shown.get("Datastore")).get("StorageMax"));
        assertEquals(Map.of("HTTPHeaders", Map.of("Access-Control-Allow-Origin", List.of("https://webui.example"))),
                shown.get("API"));
        // the file round-trips
        assertEquals(shown, KuboConfig.show(RepoConfig.parse(c.format())));
    }

    @Test
    void anEmptyAddressListTurnsTheServerOffAndOneStringOrOneItemIsTheAddress() {
        RepoConfig off = KuboConfig.set(EMPTY, "Addresses.Gateway", KuboConfig.parseJson("[]"));
        assertEquals("off", off.get("addresses.gateway").orElseThrow());
        assertEquals(List.of(), ((Map<?, ?>) KuboConfig.show(off).get("Addresses")).get("Gateway"));
        RepoConfig one = KuboConfig.set(EMPTY, "Addresses.API", KuboConfig.parseJson("[\"/ip4/127.0.0.1/tcp/5002\"]"));
        assertEquals("/ip4/127.0.0.1/tcp/5002", one.get("addresses.api").orElseThrow());
        KuboConfig.EditException two = assertThrows(KuboConfig.EditException.class, () -> KuboConfig.set(EMPTY,
                "Addresses.API", List.of("/ip4/127.0.0.1/tcp/1", "/ip4/127.0.0.1/tcp/2")));
        assertTrue(two.getMessage().contains("one address"), two.getMessage());
    }

    @Test
    void addressFiltersAreMasksKeptAsWritten() {
        RepoConfig c = KuboConfig.set(EMPTY, "Swarm.AddrFilters", List.of("/ip4/10.1.2.3/ipcidr/8", "/ip6/fd00::/ipcidr/8"));
        assertEquals("/ip4/10.1.2.3/ipcidr/8, /ip6/fd00::/ipcidr/8", c.get("swarm.addrFilters").orElseThrow());
        assertEquals(List.of("/ip4/10.1.2.3/ipcidr/8", "/ip6/fd00::/ipcidr/8"),
                ((Map<?, ?>) KuboConfig.show(c).get("Swarm")).get("AddrFilters"));
        assertTrue(assertThrows(KuboConfig.EditException.class, () -> KuboConfig.set(EMPTY, "Swarm.AddrFilters",
                List.of("/ip4/10.0.0.0/tcp/1"))).getMessage().contains("invalid multiaddr-filter format"));
    }

    @Test
    void aSectionIsSetAsAWhole() {
        RepoConfig c = KuboConfig.set(EMPTY, "Swarm.ConnMgr.GracePeriod", "20s");
        c = KuboConfig.set(c, "Swarm.ConnMgr", KuboConfig.parseJson("{\"LowWater\":10,\"HighWater\":20}"));
        assertEquals("10", c.get("swarm.connMgr.lowWater").orElseThrow());
        assertEquals("20", c.get("swarm.connMgr.highWater").orElseThrow());
        assertTrue(c.get("swarm.connMgr.gracePeriod").isEmpty(), "the section's other keys are removed");
        KuboConfig.EditException unknown = assertThrows(KuboConfig.EditException.class,
                () -> KuboConfig.set(EMPTY, "Swarm.ConnMgr", Map.of("Kind", "basic")));
        assertTrue(unknown.getMessage().contains("\"Swarm.ConnMgr.Kind\""), unknown.getMessage());
    }

    @Test
    void wrongKeysAndValuesGetKubosTexts() {
        assertEquals("failed to set config value: failure to decode config: json: cannot unmarshal string into Go "
                        + "struct field ConnMgr.Swarm.ConnMgr.HighWater of type int64 (maybe use --json?)",
                assertThrows(KuboConfig.EditException.class,
                        () -> KuboConfig.set(EMPTY, "Swarm.ConnMgr.HighWater", "200")).getMessage());
        assertEquals("failed to set config value: failure to decode config: failed to unmarshal \"3\" into a flag: "
                        + "must be null/undefined, true, or false (maybe use --json?)",
                assertThrows(KuboConfig.EditException.class,
                        () -> KuboConfig.set(EMPTY, "Swarm.RelayService.Enabled", 3L)).getMessage());
        assertEquals("failed to set config value: failure to decode config: time: missing unit in duration \"5\" "
                        + "(maybe use --json?)",
                assertThrows(KuboConfig.EditException.class,
                        () -> KuboConfig.set(EMPTY, "Swarm.ConnMgr.GracePeriod", "5")).getMessage());
        assertTrue(assertThrows(KuboConfig.EditException.class, () -> KuboConfig.parseJson("nojson"))
                .getMessage().startsWith("failed to unmarshal json. "));
        String unknown = assertThrows(KuboConfig.EditException.class,
                () -> KuboConfig.set(EMPTY, "Swarm.Nope", "x")).getMessage();
        assertTrue(unknown.startsWith("failed to set config value: p2pkit has no config key \"Swarm.Nope\""), unknown);
        assertTrue(assertThrows(KuboConfig.EditException.class, () -> KuboConfig.set(EMPTY, "Routing.Type", "fast"))
                .getMessage().contains("'fast' is not one of auto, autoclient"));
        assertTrue(assertThrows(KuboConfig.EditException.class,
                () -> KuboConfig.set(EMPTY, "Addresses.Swarm", List.of("/ip4/1.2.3.4/tcp/x"))).getMessage()
                .contains("not a multiaddr"));
        assertTrue(assertThrows(KuboConfig.EditException.class,
                () -> KuboConfig.set(EMPTY, "Bootstrap", List.of("/ip4/127.0.0.1/tcp/4001"))).getMessage()
                .contains("does not end in /p2p/"));
        assertTrue(assertThrows(KuboConfig.EditException.class,
                () -> KuboConfig.set(EMPTY, "Datastore.StorageMax", "lots")).getMessage()
                .contains("blockstore.storageMax"), "the storage key's own check names it");
    }

    @Test
    void goDurations() {
        assertEquals(Duration.ofSeconds(90), KuboConfig.duration("1m30s"));
        assertEquals(Duration.ofHours(22), KuboConfig.duration("22h"));
        assertEquals(Duration.ofMillis(1500), KuboConfig.duration("1.5s"));
        assertEquals(Duration.ZERO, KuboConfig.duration("0"));
        assertThrows(KuboConfig.EditException.class, () -> KuboConfig.duration("1x"));
        assertThrows(KuboConfig.EditException.class, () -> KuboConfig.duration(""));
    }

    @Test
    void replaceTakesTheKeysP2pkitHasAndNamesTheOthers() {
        RepoConfig c = KuboConfig.set(EMPTY, "Swarm.ConnMgr.LowWater", 5L);
        Object doc = KuboConfig.parseJson("""
                {"Identity":{"PeerID":"12D3KooWx"},
                 "Addresses":{"API":"/ip4/127.0.0.1/tcp/5011","Swarm":["/ip4/127.0.0.1/tcp/4011"],"Announce":[]},
                 "Swarm":{"ConnMgr":{"HighWater":50},"DisableNatPortMap":true,"ExperimentalNope":1},
                 "Datastore":{"StorageMax":"1GB","GCPeriod":"30m","BloomFilterSize":0}}""");
        List<String> ignored = new ArrayList<>();
        RepoConfig r = KuboConfig.replace(c, (Map<?, ?>) doc, ignored);
        assertEquals("/ip4/127.0.0.1/tcp/5011", r.get("addresses.api").orElseThrow());
        assertEquals("50", r.get("swarm.connMgr.highWater").orElseThrow());
        assertTrue(r.get("swarm.connMgr.lowWater").isEmpty(), "replaced: what the document leaves out goes");
        assertEquals(1_000_000_000L, r.tiers().diskQuotaBytes());
        assertEquals("true", r.get("swarm.disableNatPortMap").orElseThrow());
        assertEquals("30m", r.get("datastore.gcPeriod").orElseThrow());
        assertEquals(List.of("Datastore.BloomFilterSize", "Swarm.ExperimentalNope"), ignored,
                "Addresses.Announce is one p2pkit has");
        // what show gives, replace takes back unchanged
        assertEquals(KuboConfig.show(r), KuboConfig.show(KuboConfig.replace(EMPTY, KuboConfig.show(r), new ArrayList<>())));
    }

    @Test
    void kubosNetworkProfilesSetWhatKubosDo() {
        // server: Kubo's private ranges neither announced nor dialed, added once beside the file's own
        RepoConfig mine = KuboConfig.set(EMPTY, "Swarm.AddrFilters", List.of("/ip4/11.0.0.0/ipcidr/8", "/ip4/10.0.0.0/ipcidr/8"));
        RepoConfig server = KuboConfig.applyProfile(mine, "server");
        Map<?, ?> shown = KuboConfig.show(server);
        List<?> filters = (List<?>) ((Map<?, ?>) shown.get("Swarm")).get("AddrFilters");
        assertEquals(17, filters.size(), "Kubo's 16 and the file's other one, none twice");
        assertEquals("/ip4/11.0.0.0/ipcidr/8", filters.getFirst());
        assertEquals(KuboConfig.SERVER_FILTERS, ((Map<?, ?>) shown.get("Addresses")).get("NoAnnounce"));
        assertEquals(true, ((Map<?, ?>) shown.get("Swarm")).get("DisableNatPortMap"));
        assertEquals(Map.of("MDNS", Map.of("Enabled", false)), shown.get("Discovery"));
        assertEquals(KuboConfig.show(server), KuboConfig.show(KuboConfig.applyProfile(server, "server")), "twice is once");
        // the daemon reads what it wrote
        for (String mask : KuboConfig.split(server.get("swarm.addrFilters").orElseThrow())) {
            assertEquals(mask, io.p2pkit.node.AddressFilters.canonical(mask));
        }
        // local-discovery takes Kubo's ranges away again, and leaves the file's own
        Map<?, ?> local = KuboConfig.show(KuboConfig.applyProfile(server, "local-discovery"));
        assertEquals(List.of("/ip4/11.0.0.0/ipcidr/8"), ((Map<?, ?>) local.get("Swarm")).get("AddrFilters"));
        assertEquals(List.of(), ((Map<?, ?>) local.get("Addresses")).get("NoAnnounce"));
        assertEquals(Map.of("MDNS", Map.of("Enabled", true)), local.get("Discovery"));
        // default-networking undoes test's addresses
        Map<?, ?> back = KuboConfig.show(KuboConfig.applyProfile(KuboConfig.applyProfile(EMPTY, "test"), "default-networking"));
        assertFalse(back.containsKey("Addresses") || back.containsKey("Bootstrap"), back.toString());
        assertEquals(Map.of("MDNS", Map.of("Enabled", true)), back.get("Discovery"));
        // randomports: TCP on one free port, both families
        List<?> swarm = (List<?>) ((Map<?, ?>) KuboConfig.show(KuboConfig.applyProfile(EMPTY, "randomports"))
                .get("Addresses")).get("Swarm");
        String port = ((String) swarm.getFirst()).substring("/ip4/0.0.0.0/tcp/".length());
        assertTrue(Integer.parseInt(port) > 0);
        assertEquals(List.of("/ip4/0.0.0.0/tcp/" + port, "/ip6/::/tcp/" + port), swarm);
        // lowpower: Kubo's keys and p2pkit's small memory tier
        RepoConfig low = KuboConfig.applyProfile(EMPTY, "lowpower");
        Map<?, ?> lowShown = KuboConfig.show(low);
        assertEquals(Map.of("Type", "autoclient"), lowShown.get("Routing"));
        assertEquals(Map.of("ServiceMode", "disabled"), lowShown.get("AutoNAT"));
        assertEquals(Map.of("Type", "basic", "LowWater", 20L, "HighWater", 40L, "GracePeriod", "1m0s"),
                ((Map<?, ?>) lowShown.get("Swarm")).get("ConnMgr"));
        assertEquals(Map.of("Enabled", false), ((Map<?, ?>) lowShown.get("Swarm")).get("RelayService"));
    }

    @Test
    void profilesAreInitsAndAnUnknownOneIsNamed() {
        RepoConfig test = KuboConfig.applyProfile(EMPTY, "test");
        assertFalse(test.disk().syncWrites());
        // Kubo 0.39's test profile: loopback with ports the system picks, nothing that reaches out
        Map<?, ?> shown = KuboConfig.show(test);
        assertEquals(Map.of("API", "/ip4/127.0.0.1/tcp/0", "Gateway", "/ip4/127.0.0.1/tcp/0",
                "Swarm", List.of("/ip4/127.0.0.1/tcp/0")), shown.get("Addresses"));
        assertEquals(Map.of("DisableNatPortMap", true), shown.get("Swarm"));
        assertEquals(Map.of("MDNS", Map.of("Enabled", false)), shown.get("Discovery"));
        assertEquals(List.of(), shown.get("Bootstrap"));
        assertEquals(4096, KuboConfig.applyProfile(EMPTY, "lowpower").tiers().memoryMaxBlocks());
        assertEquals("unixfs-v1-2025", KuboConfig.applyProfile(EMPTY, "unixfs-v1-2025").get("import.profile").orElseThrow());
        assertTrue(assertThrows(KuboConfig.EditException.class, () -> KuboConfig.applyProfile(EMPTY, "nope"))
                .getMessage().contains("unknown profile 'nope'"));
        assertTrue(assertThrows(KuboConfig.EditException.class, () -> KuboConfig.applyProfile(EMPTY, "pebbleds"))
                .getMessage().contains("a datastore p2pkit does not have"));
        // Kubo's announce-off and announce-on
        RepoConfig off = KuboConfig.applyProfile(KuboConfig.set(EMPTY, "Provide.Strategy", "pinned"), "announce-off");
        assertEquals(Map.of("Enabled", false, "Strategy", "pinned", "DHT", Map.of("Interval", "0")),
                KuboConfig.show(off).get("Provide"));
        assertEquals(Map.of("Enabled", true, "Strategy", "pinned", "DHT", Map.of("Interval", "22h")),
                KuboConfig.show(KuboConfig.applyProfile(off, "announce-on")).get("Provide"));
    }

    @Test
    void theGatewayKeysTakeKubosTypesAndAByteSizeIsAStringOrANumber() {
        RepoConfig c = KuboConfig.set(EMPTY, "Gateway", Map.of("NoFetch", true, "DeserializedResponses", false,
                "MaxConcurrentRequests", 100L, "MaxRangeRequestFileSize", "5GiB", "ExposeRoutingAPI", false));
        assertEquals("5GiB", c.get("gateway.maxRangeRequestFileSize").orElseThrow());
        assertEquals(Map.of("NoFetch", true, "DeserializedResponses", false, "MaxConcurrentRequests", 100L,
                "MaxRangeRequestFileSize", "5GiB", "ExposeRoutingAPI", false), KuboConfig.show(c).get("Gateway"));
        RepoConfig number = KuboConfig.set(EMPTY, "Gateway.MaxRangeRequestFileSize", 1024L);
        assertEquals(Map.of("MaxRangeRequestFileSize", "1024"), KuboConfig.show(number).get("Gateway"),
                "kept as a string, as Kubo's OptionalBytes");
        assertTrue(assertThrows(KuboConfig.EditException.class,
                () -> KuboConfig.set(EMPTY, "Gateway.MaxRangeRequestFileSize", "lots")).getMessage()
                .contains("gateway.maxRangeRequestFileSize"));
        assertTrue(assertThrows(KuboConfig.EditException.class,
                () -> KuboConfig.set(EMPTY, "Gateway.MaxRangeRequestFileSize", true)).getMessage()
                .contains("expected a size string (e.g., \"5GiB\") or a number"));
    }

    @Test
    void theImportKeysAreCheckedAsKubosAndTheImportProfilesSetThemAsKubosDo() {
        RepoConfig c = KuboConfig.set(EMPTY, "Import.CidVersion", 1L);
        c = KuboConfig.set(c, "Import.UnixFSChunker", "size-1048576");
        c = KuboConfig.set(c, "Import.UnixFSHAMTDirectorySizeThreshold", "1MiB");
        c = KuboConfig.set(c, "Import.UnixFSHAMTDirectorySizeEstimation", "disabled");
        assertEquals("1", c.get("import.cidVersion").orElseThrow());
        assertEquals(Map.of("CidVersion", 1L, "UnixFSChunker", "size-1048576", "UnixFSHAMTDirectorySizeThreshold", "1MiB",
                "UnixFSHAMTDirectorySizeEstimation", "disabled"), KuboConfig.show(c).get("Import"));
        assertEquals("failed to set config value: Import.CidVersion must be 0 or 1, got 2",
                assertThrows(KuboConfig.EditException.class, () -> KuboConfig.set(EMPTY, "Import.CidVersion", 2L)).getMessage());
        assertEquals("failed to set config value: Import.UnixFSHAMTDirectoryMaxFanout must be a power of 2, between 8 and "
                + "1024 (got 96)", assertThrows(KuboConfig.EditException.class,
                () -> KuboConfig.set(EMPTY, "Import.UnixFSHAMTDirectoryMaxFanout", 96L)).getMessage());
        assertTrue(assertThrows(KuboConfig.EditException.class, () -> KuboConfig.set(EMPTY, "Import.UnixFSChunker", "size-x"))
                .getMessage().startsWith("failed to set config value: Import.UnixFSChunker invalid format: \"size-x\""));
        assertTrue(assertThrows(KuboConfig.EditException.class, () -> KuboConfig.set(EMPTY, "Import.UnixFSDAGLayout", "flat"))
                .getMessage().contains("'flat' is not one of balanced, trickle"));
        assertTrue(assertThrows(KuboConfig.EditException.class, () -> KuboConfig.set(EMPTY, "Import.CidVersion", "1"))
                .getMessage().contains("cannot unmarshal string into Go struct field Import.Import.CidVersion"));
        // Kubo's unixfs-v1-2025 sets every key; p2pkit also keeps the profile as the base
        RepoConfig v1 = KuboConfig.applyProfile(c, "unixfs-v1-2025");
        assertEquals("unixfs-v1-2025", v1.get("import.profile").orElseThrow());
        Map<String, Object> v1Keys = new java.util.LinkedHashMap<>();
        v1Keys.put("CidVersion", 1L);
        v1Keys.put("UnixFSRawLeaves", true);
        v1Keys.put("UnixFSChunker", "size-1048576");
        v1Keys.put("HashFunction", "sha2-256");
        v1Keys.put("UnixFSFileMaxLinks", 1024L);
        v1Keys.put("UnixFSDirectoryMaxLinks", 0L);
        v1Keys.put("UnixFSHAMTDirectoryMaxFanout", 256L);
        v1Keys.put("UnixFSHAMTDirectorySizeThreshold", "256KiB");
        v1Keys.put("UnixFSHAMTDirectorySizeEstimation", "block");
        v1Keys.put("UnixFSDAGLayout", "balanced");
        assertEquals(v1Keys, KuboConfig.show(v1).get("Import"));
        // legacy-cid-v0 is unixfs-v0-2015; Kubo 0.39's test-cid-v1 leaves the two keys it did not have
        assertEquals(KuboConfig.show(KuboConfig.applyProfile(EMPTY, "unixfs-v0-2015")),
                KuboConfig.show(KuboConfig.applyProfile(EMPTY, "legacy-cid-v0")));
        Map<?, ?> wide = (Map<?, ?>) KuboConfig.show(KuboConfig.applyProfile(v1, "test-cid-v1-wide")).get("Import");
        assertEquals(1024L, wide.get("UnixFSHAMTDirectoryMaxFanout"));
        assertEquals("1MiB", wide.get("UnixFSHAMTDirectorySizeThreshold"));
        assertEquals("block", wide.get("UnixFSHAMTDirectorySizeEstimation"));
        // a repository whose profile was applied before the keys existed here shows what the profile means
        assertEquals(v1Keys, KuboConfig.show(EMPTY.with("import.profile", "unixfs-v1-2025")).get("Import"));
        assertEquals(0L, ((Map<?, ?>) KuboConfig.defaults().get("Import")).get("CidVersion"));
    }

    @Test
    void peeringPeersAreKeptAsKubosJsonAndReadAsPeersMergedByIdentity() {
        String a = "12D3KooWDnxHwYJA3jsZvtZi9FHVtdAtSs8F2WDH58HTAh4whhbs";
        String b = "QmNnooDu7bfjPFoTZYxMNLWUQJyrVwtbZg5gBMjTezGAJN";
        Object peers = KuboConfig.parseJson("[{\"ID\":\"" + a + "\",\"Addrs\":[\"/ip4/127.0.0.1/tcp/4001\","
                + "\"/ip4/127.0.0.1/udp/4001/quic-v1/p2p/" + a + "\"]},{\"ID\":\"" + b + "\"},"
                + "{\"ID\":\"" + a + "\",\"Addrs\":[\"/ip4/127.0.0.2/tcp/4001\"]}]");
        RepoConfig c = KuboConfig.set(EMPTY, "Peering.Peers", peers);
        List<Map<String, Object>> shown = List.of(
                Map.of("ID", a, "Addrs", List.of("/ip4/127.0.0.1/tcp/4001", "/ip4/127.0.0.1/udp/4001/quic-v1/p2p/" + a)),
                Map.of("ID", b),
                Map.of("ID", a, "Addrs", List.of("/ip4/127.0.0.2/tcp/4001")));
        assertEquals(Map.of("Peers", shown), KuboConfig.show(c).get("Peering"), "as given, as Kubo keeps them");
        assertEquals(Map.of("Peers", shown), KuboConfig.show(RepoConfig.parse(c.format())).get("Peering"));
        // what the daemon keeps connected: each peer once, its addresses without /p2p/
        List<io.p2pkit.core.host.PeerInfo> read = PeeringConfig.peers(c.get(PeeringConfig.FILE_KEY).orElseThrow());
        assertEquals(2, read.size());
        assertEquals(a, read.get(0).peerId().toString());
        assertEquals(List.of("/ip4/127.0.0.1/tcp/4001", "/ip4/127.0.0.1/udp/4001/quic-v1", "/ip4/127.0.0.2/tcp/4001"),
                read.get(0).addresses().stream().map(Object::toString).toList());
        assertEquals(List.of(), read.get(1).addresses());
        // set as a section, as Kubo's `config --json Peering '{"Peers":[…]}'`; null removes it
        RepoConfig section = KuboConfig.set(EMPTY, "Peering", Map.of("Peers", peers));
        assertEquals(c.get(PeeringConfig.FILE_KEY), section.get(PeeringConfig.FILE_KEY));
        assertTrue(KuboConfig.set(c, "Peering.Peers", null).get(PeeringConfig.FILE_KEY).isEmpty());
        // Kubo's own config has "Peering": {"Peers": null}: replace takes it as none
        List<String> ignored = new ArrayList<>();
        RepoConfig replaced = KuboConfig.replace(c, (Map<?, ?>) KuboConfig.parseJson("{\"Peering\":{\"Peers\":null}}"), ignored);
        assertTrue(replaced.get(PeeringConfig.FILE_KEY).isEmpty());
        assertFalse(ignored.contains("Peering.Peers"));
        // what is wrong is named
        assertTrue(assertThrows(KuboConfig.EditException.class, () -> KuboConfig.set(EMPTY, "Peering.Peers",
                KuboConfig.parseJson("[{\"ID\":\"nope\"}]"))).getMessage().contains("Peering.Peers[0].ID: not a peer ID: nope"));
        assertTrue(assertThrows(KuboConfig.EditException.class, () -> KuboConfig.set(EMPTY, "Peering.Peers",
                KuboConfig.parseJson("[{\"ID\":\"" + a + "\",\"Addrs\":[\"/ip4/1.2.3.4/tcp/1/p2p/" + b + "\"]}]")))
                .getMessage().contains("names another peer than " + a));
        assertTrue(assertThrows(KuboConfig.EditException.class, () -> KuboConfig.set(EMPTY, "Peering.Peers",
                KuboConfig.parseJson("[{\"ID\":\"" + a + "\",\"Addrs\":[\"/ip4/1.2.3.4/tcpx/1\"]}]")))
                .getMessage().contains("Peering.Peers[0].Addrs: not a multiaddr: /ip4/1.2.3.4/tcpx/1"));
        assertTrue(assertThrows(KuboConfig.EditException.class, () -> KuboConfig.set(EMPTY, "Peering.Peers", "x"))
                .getMessage().contains("of type []peer.AddrInfo"));
    }

    @Test
    void securityPrioritiesAreKubosPositiveIntegersOrFalse() {
        RepoConfig c = KuboConfig.set(EMPTY, "Swarm.Transports.Security.TLS", false);
        c = KuboConfig.set(c, "Swarm.Transports.Security.Noise", 50L);
        assertEquals("false", c.get("swarm.transports.security.tls").orElseThrow());
        assertEquals("50", c.get("swarm.transports.security.noise").orElseThrow());
        assertEquals(Map.of("Security", Map.of("TLS", false, "Noise", 50L)),
                ((Map<?, ?>) KuboConfig.show(c).get("Swarm")).get("Transports"));
        assertTrue(KuboConfig.set(c, "Swarm.Transports.Security.TLS", null).get("swarm.transports.security.tls").isEmpty(),
                "null is Kubo's default");
        // Kubo's own words
        assertTrue(assertThrows(KuboConfig.EditException.class,
                () -> KuboConfig.set(EMPTY, "Swarm.Transports.Security.TLS", true)).getMessage()
                .contains("'true' is not a valid priority"));
        assertTrue(assertThrows(KuboConfig.EditException.class,
                () -> KuboConfig.set(EMPTY, "Swarm.Transports.Security.Noise", 0L)).getMessage()
                .contains("priority must be positive: 0 <= 0"));
        assertTrue(assertThrows(KuboConfig.EditException.class,
                () -> KuboConfig.set(EMPTY, "Swarm.Transports.Security.Noise", "high")).getMessage()
                .contains("of type config.Priority"));
    }

    @Test
    void theGatewaysHeadersAreAnObjectSetWholeOrOneByOne() {
        RepoConfig c = KuboConfig.set(EMPTY, "Gateway.HTTPHeaders", Map.of("X-A", List.of("1", "2")));
        c = KuboConfig.set(c, "Gateway.HTTPHeaders.X-B", List.of("3"));
        c = KuboConfig.set(c, "Gateway.RootRedirect", "/ipfs/bafkqaaa");
        assertEquals(Map.of("X-A", List.of("1", "2"), "X-B", List.of("3")),
                ((Map<?, ?>) KuboConfig.show(c).get("Gateway")).get("HTTPHeaders"));
        assertEquals(List.of("3"), KuboConfig.lookup(KuboConfig.show(c), "Gateway.HTTPHeaders.X-B"));
        assertEquals(Map.of("X-A", List.of("1", "2"), "X-B", List.of("3")),
                KuboConfig.httpHeaders(c.get("gateway.httpHeaders").orElseThrow()));
        assertEquals("/ipfs/bafkqaaa", ((Map<?, ?>) KuboConfig.show(c).get("Gateway")).get("RootRedirect"));
        c = KuboConfig.set(c, "Gateway.HTTPHeaders.X-A", null);
        assertEquals(Map.of("X-B", List.of("3")), ((Map<?, ?>) KuboConfig.show(c).get("Gateway")).get("HTTPHeaders"));
        assertTrue(assertThrows(KuboConfig.EditException.class,
                () -> KuboConfig.set(EMPTY, "Gateway.HTTPHeaders", Map.of("Bad Name", List.of("x")))).getMessage()
                .contains("'Bad Name' is not an HTTP header name"));
        assertTrue(assertThrows(KuboConfig.EditException.class,
                () -> KuboConfig.set(EMPTY, "Gateway.HTTPHeaders.X-C", "one")).getMessage()
                .contains("cannot unmarshal string"));
    }

    @Test
    void theApisHeadersKeepTheirOriginsApartAsTheFileHadThem() {
        Map<String, Object> given = new java.util.LinkedHashMap<>();
        given.put("Access-Control-Allow-Origin", List.of("https://webui.example", "http://127.0.0.1:3000"));
        given.put("Access-Control-Allow-Methods", List.of("PUT", "POST"));
        given.put("x-served-by", List.of("p2pkit"));
        RepoConfig c = KuboConfig.set(EMPTY, "API.HTTPHeaders", given);
        assertEquals("https://webui.example, http://127.0.0.1:3000", c.get("api.allowedOrigins").orElseThrow());
        assertEquals(Map.of("Access-Control-Allow-Methods", List.of("PUT", "POST"), "x-served-by", List.of("p2pkit")),
                KuboConfig.httpHeaders("API.HTTPHeaders", c.get("api.httpHeaders").orElseThrow()),
                "the other headers as JSON, their names as given, as Kubo's config keeps them");
        Map<String, List<String>> shown = KuboConfig.apiHeaders(c);
        assertEquals(java.util.Set.of("Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "x-served-by"),
                shown.keySet());
        assertEquals(shown, ((Map<?, ?>) KuboConfig.show(c).get("API")).get("HTTPHeaders"));
        // one header at a time, the origins among them
        c = KuboConfig.set(c, "API.HTTPHeaders.Access-Control-Allow-Credentials", List.of("true"));
        c = KuboConfig.set(c, "API.HTTPHeaders.Access-Control-Allow-Origin", List.of("*"));
        c = KuboConfig.set(c, "API.HTTPHeaders.x-served-by", null);
        assertEquals("*", c.get("api.allowedOrigins").orElseThrow());
        assertEquals(List.of("true"), KuboConfig.lookup(KuboConfig.show(c), "API.HTTPHeaders.Access-Control-Allow-Credentials"));
        assertFalse(KuboConfig.apiHeaders(c).containsKey("x-served-by"));
        // an empty list of origins is kept, as Kubo shows it; an empty object removes both file keys
        c = KuboConfig.set(c, "API.HTTPHeaders.Access-Control-Allow-Origin", List.of());
        assertEquals(List.of(), KuboConfig.apiHeaders(c).get("Access-Control-Allow-Origin"));
        c = KuboConfig.set(c, "API.HTTPHeaders", Map.of());
        assertTrue(c.get("api.allowedOrigins").isEmpty() && c.get("api.httpHeaders").isEmpty());
        assertEquals(Map.of(), KuboConfig.lookup(KuboConfig.merge(KuboConfig.defaults(), KuboConfig.show(c)),
                "API.HTTPHeaders"), "Kubo's default: an empty object");
        // Kubo's whole config replaces both
        Map<String, Object> document = Map.of("API", Map.of("HTTPHeaders", Map.of(
                "Access-Control-Allow-Origin", List.of("https://a.example"), "X-A", List.of("1"))));
        RepoConfig replaced = KuboConfig.replace(EMPTY, document, new ArrayList<>());
        assertEquals("https://a.example", replaced.get("api.allowedOrigins").orElseThrow());
        assertEquals(Map.of("X-A", List.of("1")), KuboConfig.httpHeaders("API.HTTPHeaders",
                replaced.get("api.httpHeaders").orElseThrow()));
        assertTrue(assertThrows(KuboConfig.EditException.class,
                () -> KuboConfig.set(EMPTY, "API.HTTPHeaders.X-B", List.of("a\r\nSet-Cookie: x"))).getMessage()
                .contains("must be one line"));
        assertTrue(assertThrows(KuboConfig.EditException.class,
                () -> KuboConfig.set(EMPTY, "API.HTTPHeaders.Access-Control-Allow-Origin", List.of("a,b"))).getMessage()
                .contains("has a comma"));
        assertTrue(assertThrows(KuboConfig.EditException.class,
                () -> KuboConfig.set(EMPTY, "API.HTTPHeaders", "x")).getMessage().contains("cannot unmarshal string"));
    }

    @Test
    void theApisAuthorizationsAreKubosObjectKeptAsTheFileKeysTheDaemonReads() {
        Map<String, Object> ci = Map.of("AuthSecret", "bearer:s3cret", "AllowedPaths", List.of("/api/v0/id", "/api/v0/cat"));
        RepoConfig c = KuboConfig.set(EMPTY, "API.Authorizations", Map.of("ci", ci));
        assertEquals("bearer:s3cret", c.get("api.authorization.ci.secret").orElseThrow());
        assertEquals("/api/v0/id, /api/v0/cat", c.get("api.authorization.ci.paths").orElseThrow());
        // one name at a time, as Kubo's MapSetKV; none allowed opens only the version, as in Kubo
        c = KuboConfig.set(c, "API.Authorizations.probe", Map.of("AuthSecret", "t0ken", "AllowedPaths", List.of()));
        assertEquals(Map.of("ci", ci, "probe", Map.of("AuthSecret", "t0ken", "AllowedPaths", List.of())),
                ((Map<?, ?>) KuboConfig.show(c).get("API")).get("Authorizations"));
        assertEquals(List.of("/api/v0/id", "/api/v0/cat"),
                KuboConfig.lookup(KuboConfig.show(c), "API.Authorizations.ci.AllowedPaths"));
        Map<String, Object> shownWithout = KuboConfig.withoutSecrets(KuboConfig.show(c));
        assertEquals(Map.of(), ((Map<?, ?>) shownWithout.get("API")).get("Authorizations"), "config show empties them");
        assertEquals(KuboConfig.show(EMPTY), KuboConfig.withoutSecrets(KuboConfig.show(EMPTY)));
        c = KuboConfig.set(c, "API.Authorizations.ci", null);
        assertTrue(c.get("api.authorization.ci.secret").isEmpty() && c.get("api.authorization.ci.paths").isEmpty());
        // what the daemon reads from the file
        var access = io.p2pkit.node.cli.command.DaemonCommand.apiAccess(c.other());
        assertEquals(1, access.authorizations().size());
        assertEquals("Bearer t0ken", access.authorizations().getFirst().header(), "a bare token is a bearer token");
        assertTrue(access.authorizations().getFirst().allows("/api/v0/version"));
        assertFalse(access.authorizations().getFirst().allows("/api/v0/id"));
        // Kubo's omitempty: no key when there is none
        assertFalse(((Map<?, ?>) KuboConfig.show(KuboConfig.set(c, "API.Authorizations", null))
                .getOrDefault("API", Map.of())).containsKey("Authorizations"));
        assertTrue(assertThrows(KuboConfig.EditException.class, () -> KuboConfig.set(EMPTY, "API.Authorizations",
                Map.of("ci", Map.of("AuthSecret", "digest:x", "AllowedPaths", List.of("/api/v0"))))).getMessage()
                .contains("the secret must be bearer:TOKEN"), "a type Kubo would ignore without a word");
        assertTrue(assertThrows(KuboConfig.EditException.class, () -> KuboConfig.set(EMPTY, "API.Authorizations",
                Map.of("ci", Map.of("AuthSecret", "bearer:x", "AllowedPaths", List.of("api/v0"))))).getMessage()
                .contains("AllowedPaths"));
        assertTrue(assertThrows(KuboConfig.EditException.class, () -> KuboConfig.set(EMPTY, "API.Authorizations",
                Map.of("ci", Map.of("AuthSecret", "bearer:x", "Paths", List.of("/api/v0"))))).getMessage()
                .contains("no field Paths"));
    }

    @Test
    void publicGatewaysAreKubosObjectKeptAsTheFileKeysTheDaemonReads() {
        Map<String, Object> spec = new java.util.LinkedHashMap<>();
        spec.put("Paths", List.of("/ipfs", "/ipns"));
        spec.put("UseSubdomains", true);
        spec.put("NoDNSLink", false);
        spec.put("InlineDNSLink", true);
        spec.put("DeserializedResponses", false);
        Map<String, Object> hosts = new java.util.LinkedHashMap<>();
        hosts.put("example.com", spec);
        hosts.put("localhost", null); // Kubo's way of removing a default
        RepoConfig c = KuboConfig.set(EMPTY.with("gateway.publicGateways.old.example.paths", "/ipfs"),
                "Gateway.PublicGateways", hosts);
        assertEquals("/ipfs, /ipns", c.get("gateway.publicGateways.example.com.paths").orElseThrow());
        assertEquals("false", c.get("gateway.publicGateways.example.com.deserializedResponses").orElseThrow());
        assertEquals("off", c.get("gateway.publicGateways.localhost").orElseThrow());
        assertTrue(c.get("gateway.publicGateways.old.example.paths").isEmpty(), "the object replaces what was there");
        assertEquals(hosts, ((Map<?, ?>) KuboConfig.show(c).get("Gateway")).get("PublicGateways"));
        // a field left out is left out, as Kubo shows the object it was given
        RepoConfig bare = KuboConfig.set(EMPTY, "Gateway.PublicGateways", Map.of("a.example", Map.of("Paths", List.of("/ipfs"))));
        assertEquals(Map.of("a.example", Map.of("Paths", List.of("/ipfs"))),
                ((Map<?, ?>) KuboConfig.show(bare).get("Gateway")).get("PublicGateways"));
        assertTrue(assertThrows(KuboConfig.EditException.class, () -> KuboConfig.set(EMPTY, "Gateway.PublicGateways",
                Map.of("b.example", Map.of("Paths", List.of())))).getMessage().contains("b.example.Paths"));
        assertTrue(assertThrows(KuboConfig.EditException.class, () -> KuboConfig.set(EMPTY, "Gateway.PublicGateways",
                Map.of("b.example", Map.of("Paths", List.of("/ipfs"), "Subdomains", true)))).getMessage()
                .contains("no field Subdomains"));
    }

    @Test
    void theProvideKeysOfKubo038KeepTheFileKeysAndTheOldKeysNameTheirReplacements() {
        RepoConfig c = KuboConfig.set(EMPTY, "Provide", Map.of("Strategy", "roots", "Enabled", true,
                "DHT", Map.of("Interval", "12h")));
        assertEquals("roots", c.get("reprovider.strategy").orElseThrow(), "the file key repositories already have");
        assertEquals("12h", c.get("reprovider.interval").orElseThrow());
        assertEquals("true", c.get("provide.enabled").orElseThrow());
        assertEquals(Map.of("Strategy", "roots", "Enabled", true, "DHT", Map.of("Interval", "12h")),
                KuboConfig.show(c).get("Provide"));
        assertTrue(assertThrows(KuboConfig.EditException.class, () -> KuboConfig.set(EMPTY, "Provide.Strategy", "flat"))
                .getMessage().contains("'flat' is not one of all, pinned"), "Kubo 0.39's daemon refuses flat too");
        for (String[] renamed : new String[][]{{"Reprovider.Strategy", "Provide.Strategy"},
                {"Reprovider.Interval", "Provide.DHT.Interval"}, {"Provider.Enabled", "Provide.Enabled"}}) {
            assertEquals("failed to set config value: " + renamed[0] + " was removed in Kubo 0.38: use " + renamed[1],
                    assertThrows(KuboConfig.EditException.class, () -> KuboConfig.set(EMPTY, renamed[0], "x"))
                            .getMessage());
        }
        // a Kubo config from before 0.38, replaced: the old section is named as one p2pkit has no place for
        List<String> ignored = new ArrayList<>();
        KuboConfig.replace(EMPTY, (Map<?, ?>) KuboConfig.parseJson("{\"Reprovider\":{\"Strategy\":\"pinned\"}}"),
                ignored);
        assertEquals(List.of("Reprovider.Strategy"), ignored);
    }

    @Test
    void anEditIsWrittenWholeAndADryRunOrAFailedOneWritesNothing(@TempDir Path dir) throws Exception {
        Path repo = dir.resolve("repo");
        Repository.init(repo, EMPTY);
        byte[] before = Files.readAllBytes(repo.resolve("config"));
        KuboConfig.Edit dry = KuboConfig.edit(repo, c -> KuboConfig.applyProfile(c, "test"), true);
        assertFalse(dry.after().disk().syncWrites());
        assertEquals(new String(before), Files.readString(repo.resolve("config")));
        assertThrows(KuboConfig.EditException.class,
                () -> KuboConfig.edit(repo, c -> KuboConfig.set(c, "Nope", "x"), false));
        assertEquals(new String(before), Files.readString(repo.resolve("config")));
        KuboConfig.edit(repo, c -> KuboConfig.set(c, "Routing.Type", "none"), false);
        assertEquals("none", Repository.readConfig(repo).get("routing.type").orElseThrow());
        try (var files = Files.list(repo)) {
            assertEquals(List.of(), files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("put-")).toList(),
                    "no temporary file is left");
        }
    }

    @Test
    void theFileOverlaysTheRunningSettings() {
        Map<String, Object> running = Map.of("Addresses", Map.of("API", "/ip4/127.0.0.1/tcp/5001", "Swarm", List.of()),
                "Routing", Map.of("Type", "dht"));
        Map<String, Object> merged = KuboConfig.merge(running,
                KuboConfig.show(KuboConfig.set(EMPTY, "Addresses.API", "/ip4/127.0.0.1/tcp/5999")));
        assertEquals(Map.of("API", "/ip4/127.0.0.1/tcp/5999", "Swarm", List.of()), merged.get("Addresses"));
        assertEquals(Map.of("Type", "dht"), merged.get("Routing"));
    }
}
