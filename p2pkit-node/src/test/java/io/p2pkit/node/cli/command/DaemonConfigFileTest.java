package io.p2pkit.node.cli.command;

import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.nat.autonat.AutoNatConfig;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.cli.Console;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.config.KuboConfig;
import io.p2pkit.node.exchange.ReprovideStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@code p2pkit daemon} takes from the repository's config file, and how its options win over it. */
@Timeout(30)
class DaemonConfigFileTest {
    private static NodeConfig daemon(Path repo, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("--repo-dir", repo.toString(), "--identity",
                repo.resolveSibling("id.key").toString()));
        args.addAll(List.of(options));
        DaemonCommand command = new DaemonCommand();
        new CommandLine(command).parseArgs(args.toArray(String[]::new));
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        return command.config(new Console(sink, sink));
    }

    /** A repository in {@code dir}/repo whose config sets the given Kubo keys. */
    static Path repo(Path dir, Map<String, Object> kubo) throws Exception {
        Path repo = dir.resolve("repo");
        RepoConfig c = RepoConfig.defaults();
        for (Map.Entry<String, Object> e : kubo.entrySet()) {
            c = KuboConfig.set(c, e.getKey(), e.getValue());
        }
        Repository.init(repo, c);
        return repo;
    }

    @Test
    void theIpnsRepublishSettingsReachTheNodeAndKubosBoundsHold(@TempDir Path dir) throws Exception {
        NodeConfig.IpnsRepublish defaults = daemon(repo(dir.resolve("a"), Map.of("Ipns.RepublishPeriod", "",
                "Ipns.RecordLifetime", ""))).ipnsRepublish();
        assertEquals(NodeConfig.IpnsRepublish.DEFAULT, defaults, "\"\" is Kubo's 4h and 48h");
        NodeConfig.IpnsRepublish set = daemon(repo(dir.resolve("b"), Map.of("Ipns", Map.of("RepublishPeriod", "30m",
                "RecordLifetime", "2h")))).ipnsRepublish();
        assertEquals(Duration.ofMinutes(30), set.period());
        assertEquals(Duration.ofHours(2), set.lifetime());
        assertEquals(Duration.ofMinutes(1), set.initialDelay());
        UsageException shortLife = assertThrows(UsageException.class, () -> daemon(repo(dir.resolve("c"),
                Map.of("Ipns", Map.of("RepublishPeriod", "2h", "RecordLifetime", "1h")))));
        assertEquals("config setting IPNS.RecordLifetime (1h0m0s) must be >= IPNS.RepublishPeriod (2h0m0s), otherwise "
                + "records expire before they are republished", shortLife.getMessage());
        UsageException tooOften = assertThrows(UsageException.class, () -> daemon(repo(dir.resolve("d"),
                Map.of("Ipns.RepublishPeriod", "30s"))));
        assertEquals("config setting IPNS.RepublishPeriod is not between 1min and 1day: 30s", tooOften.getMessage());
    }

    /** Kubo's Swarm.Transports.Network: a transport set false is neither dialed (left out of the host) nor listened on. */
    @Test
    void aNetworkTransportSetFalseIsNeitherDialedNorListenedOn(@TempDir Path dir) throws Exception {
        NodeConfig c = daemon(repo(dir.resolve("a"), Map.of("Swarm.Transports.Network.QUIC", false,
                "Addresses.Swarm", List.of("/ip4/127.0.0.1/tcp/0", "/ip4/127.0.0.1/udp/0/quic-v1",
                        "/ip4/127.0.0.1/udp/0/quic-v1/webtransport"))));
        assertFalse(c.transports().quic());
        assertTrue(c.transports().tcp() && c.transports().webSocket() && c.transports().webTransport());
        assertEquals(List.of("/ip4/127.0.0.1/tcp/0", "/ip4/127.0.0.1/udp/0/quic-v1/webtransport"),
                c.listen().stream().map(Object::toString).toList());
        NodeConfig noTcp = daemon(repo(dir.resolve("b"), Map.of("Swarm", Map.of("Transports", Map.of("Network",
                Map.of("TCP", false, "Websocket", false))))));
        assertFalse(noTcp.transports().tcp() || noTcp.transports().webSocket());
        assertTrue(noTcp.listen().stream().noneMatch(a -> a.toString().contains("/tcp/")), noTcp.listen().toString());

        UsageException none = assertThrows(UsageException.class, () -> daemon(repo(dir.resolve("c"), Map.of(
                "Swarm.Transports.Network.QUIC", false, "Addresses.Swarm", List.of("/ip4/127.0.0.1/udp/0/quic-v1")))));
        assertTrue(none.getMessage().startsWith("failed to listen on any addresses"), none.getMessage());
        UsageException given = assertThrows(UsageException.class, () -> daemon(repo(dir.resolve("d"),
                Map.of("Swarm.Transports.Network.QUIC", false)), "--listen", "/ip4/127.0.0.1/udp/0/quic-v1"));
        assertEquals("--listen /ip4/127.0.0.1/udp/0/quic-v1: the QUIC transport is off (Swarm.Transports.Network.QUIC in "
                + "the repository's config)", given.getMessage());
        Map<String, Object> allOff = new java.util.HashMap<>();
        for (String n : List.of("TCP", "Websocket", "QUIC", "WebTransport", "WebRTCDirect")) {
            allOff.put("Swarm.Transports.Network." + n, false);
        }
        UsageException off = assertThrows(UsageException.class, () -> daemon(repo(dir.resolve("e"), allOff)));
        assertTrue(off.getMessage().startsWith("Swarm.Transports.Network: every transport is off"), off.getMessage());

        // as Kubo: a transport that secures itself, asked for in a private network, stops the start
        Path pnet = repo(dir.resolve("f"), Map.of("Swarm.Transports.Network.QUIC", true));
        java.nio.file.Files.writeString(pnet.resolve("swarm.key"), "/key/swarm/psk/1.0.0/\n/base16/\n" + "ab".repeat(32) + "\n");
        UsageException quicInPnet = assertThrows(UsageException.class, () -> daemon(pnet));
        assertEquals("QUIC transport does not support private networks, please disable Swarm.Transports.Network.QUIC",
                quicInPnet.getMessage());
    }

    /** Kubo's Swarm.Transports.Network.Relay: off, the relay client and service are off, and asking for them stops the start. */
    @Test
    void theRelayTransportOffTakesTheRelayClientAndServiceWithIt(@TempDir Path dir) throws Exception {
        NodeConfig c = daemon(repo(dir.resolve("a"), Map.of("Swarm.Transports.Network.Relay", false)));
        assertFalse(c.relayClient());
        assertFalse(c.holePunching());
        assertTrue(c.autoRelay().isEmpty());
        assertTrue(daemon(repo(dir.resolve("b"), Map.of())).relayClient());
        UsageException service = assertThrows(UsageException.class, () -> daemon(repo(dir.resolve("c"),
                Map.of("Swarm.Transports.Network.Relay", false, "Swarm.RelayService.Enabled", true))));
        assertEquals("failed to enable Swarm.RelayService: it requires Swarm.Transports.Network.Relay to be true",
                service.getMessage());
        UsageException client = assertThrows(UsageException.class, () -> daemon(repo(dir.resolve("d"),
                Map.of("Swarm.Transports.Network.Relay", false, "Swarm.RelayClient.Enabled", true))));
        assertEquals("failed to enable Swarm.RelayClient: it requires Swarm.Transports.Network.Relay to be true",
                client.getMessage());
    }

    /** Kubo's daemon --enable-gc, with Datastore.GCPeriod ("" 1h, "0" never) and Datastore.StorageGCWatermark (0: 90). */
    @Test
    void enableGcTakesKubosDatastoreKeys(@TempDir Path dir) throws Exception {
        assertEquals(Optional.empty(), daemon(repo(dir.resolve("a"), Map.of())).content().orElseThrow().gc(),
                "off without the flag, as Kubo's");
        assertEquals(Optional.of(NodeConfig.Gc.DEFAULT), daemon(repo(dir.resolve("b"), Map.of("Datastore.GCPeriod", "")),
                "--enable-gc").content().orElseThrow().gc());
        assertEquals(Optional.of(new NodeConfig.Gc(Duration.ofMinutes(30), 80)), daemon(repo(dir.resolve("c"),
                Map.of("Datastore", Map.of("GCPeriod", "30m", "StorageGCWatermark", 80L))), "--enable-gc")
                .content().orElseThrow().gc());
        assertEquals(Optional.empty(), daemon(repo(dir.resolve("d"), Map.of("Datastore.GCPeriod", "0")), "--enable-gc")
                .content().orElseThrow().gc(), "a zero period: never, as Kubo's");
        UsageException over = assertThrows(UsageException.class, () -> daemon(repo(dir.resolve("e"),
                Map.of("Datastore.StorageGCWatermark", 120L)), "--enable-gc"));
        assertEquals("config setting Datastore.StorageGCWatermark (120) is a percentage of Datastore.StorageMax: at most 100",
                over.getMessage());
    }

    /** Kubo's --enable-pubsub-experiment and Pubsub section: router, signing, and how long duplicates are recognised. */
    @Test
    void pubsubTakesKubosFlagAndSection(@TempDir Path dir) throws Exception {
        assertTrue(daemon(repo(dir.resolve("a"), Map.of())).pubsub().isEmpty(), "off by default, as Kubo's");
        NodeConfig.Pubsub on = daemon(repo(dir.resolve("b"), Map.of()), "--enable-pubsub-experiment").pubsub().orElseThrow();
        assertEquals(NodeConfig.Pubsub.RouterKind.GOSSIPSUB, on.router());
        assertEquals(io.p2pkit.pubsub.SignaturePolicy.STRICT_SIGN, on.signing());
        assertEquals(new NodeConfig.Pubsub.Seen(Duration.ofMinutes(2), true), on.seen(), "Kubo's last-seen");
        Path set = repo(dir.resolve("c"), Map.of("Pubsub", Map.of("Enabled", true, "Router", "floodsub",
                "DisableSigning", true, "SeenMessagesTTL", "5m", "SeenMessagesStrategy", "first-seen")));
        NodeConfig.Pubsub configured = daemon(set).pubsub().orElseThrow();
        assertEquals(NodeConfig.Pubsub.RouterKind.FLOODSUB, configured.router());
        assertEquals(io.p2pkit.pubsub.SignaturePolicy.STRICT_NO_SIGN, configured.signing());
        assertEquals(new NodeConfig.Pubsub.Seen(Duration.ofMinutes(5), false), configured.seen());
        assertEquals(NodeConfig.Pubsub.RouterKind.GOSSIPSUB, daemon(set, "--pubsub", "gossipsub").pubsub().orElseThrow()
                .router(), "the option wins");
        assertTrue(daemon(set, "--enable-pubsub-experiment=false").pubsub().isEmpty());
        UsageException router = assertThrows(UsageException.class, () -> daemon(repo(dir.resolve("d"),
                Map.of("Pubsub.Enabled", true, "Pubsub.Router", "meshsub"))));
        assertEquals("unknown pubsub router meshsub", router.getMessage());
        UsageException strategy = assertThrows(UsageException.class, () -> daemon(repo(dir.resolve("e"),
                Map.of("Pubsub.Enabled", true, "Pubsub.SeenMessagesStrategy", "sometimes"))));
        assertEquals("unsupported Pubsub.SeenMessagesStrategy \"sometimes\"", strategy.getMessage());
    }

    /** Kubo's HTTPRetrieval keys reach Bitswap: which providers are asked over HTTPS, and how. */
    @Test
    void theHttpRetrievalSettingsReachBitswap(@TempDir Path dir) throws Exception {
        assertEquals(io.p2pkit.ipfs.bitswap.HttpRetrieval.DEFAULT, daemon(repo(dir.resolve("a"), Map.of())).content()
                .orElseThrow().bitswap().http(), "Kubo's defaults: on, 16 workers, 2 MiB");
        io.p2pkit.ipfs.bitswap.HttpRetrieval set = daemon(repo(dir.resolve("b"), Map.of("HTTPRetrieval", Map.of(
                "Enabled", false, "Allowlist", List.of("gw.example"), "Denylist", List.of("bad.example"),
                "NumWorkers", 4L, "MaxBlockSize", "1MiB", "TLSInsecureSkipVerify", true)))).content().orElseThrow()
                .bitswap().http();
        assertEquals(new io.p2pkit.ipfs.bitswap.HttpRetrieval(false, List.of("gw.example"), List.of("bad.example"), 4,
                1 << 20, true), set);
        assertTrue(daemon(repo(dir.resolve("e"), Map.of())).content().orElseThrow().bitswap().libp2p());
        assertFalse(daemon(repo(dir.resolve("f"), Map.of("Bitswap.Libp2pEnabled", false))).content().orElseThrow()
                .bitswap().libp2p(), "Kubo's Bitswap.Libp2pEnabled");
        KuboConfig.EditException host = assertThrows(KuboConfig.EditException.class, () -> repo(dir.resolve("c"),
                Map.of("HTTPRetrieval.Denylist", List.of("https://bad.example/"))));
        assertTrue(host.getMessage().contains("is not a host name"), host.getMessage());
        UsageException many = assertThrows(UsageException.class, () -> daemon(repo(dir.resolve("d"),
                Map.of("HTTPRetrieval.NumWorkers", 5000L))));
        assertTrue(many.getMessage().contains("5000 is over 1024"), many.getMessage());
    }

    /** Kubo's Routing.DelegatedRouters: asked beside the DHT when the routing is auto; "auto" names none here. */
    @Test
    void theDelegatedRoutersOfTheConfigAreAskedWhenTheRoutingIsAuto(@TempDir Path dir) throws Exception {
        java.net.URI router = java.net.URI.create("http://127.0.0.1:9/");
        assertEquals(List.of(router), daemon(repo(dir.resolve("a"), Map.of("Routing.DelegatedRouters",
                List.of("auto", router.toString())))).delegatedRouters());
        assertEquals(List.of(), daemon(repo(dir.resolve("b"), Map.of("Routing.DelegatedRouters", List.of("auto"))))
                .delegatedRouters(), "no AutoConf.URL: p2pkit asks no public router");
        assertEquals(List.of(), daemon(repo(dir.resolve("c"), Map.of("Routing", Map.of("Type", "dht",
                "DelegatedRouters", List.of(router.toString()))))).delegatedRouters(), "as Kubo: only with auto routing");
        assertEquals(List.of(java.net.URI.create("http://127.0.0.1:8/")), daemon(repo(dir.resolve("d"),
                Map.of("Routing.DelegatedRouters", List.of(router.toString()))), "--routing-http", "http://127.0.0.1:8/")
                .delegatedRouters(), "the option wins");
        KuboConfig.EditException bad = assertThrows(KuboConfig.EditException.class,
                () -> KuboConfig.set(RepoConfig.defaults(), "Routing.DelegatedRouters", List.of("ftp://127.0.0.1/")));
        assertTrue(bad.getMessage().contains("expected an http:// or https:// URL"), bad.getMessage());
    }

    /** Kubo's Version.AgentSuffix, which wins over --agent-version-suffix, made safe as Kubo makes it. */
    @Test
    void theAgentSuffixFollowsTheVersionAndIsMadeSafe(@TempDir Path dir) throws Exception {
        String plain = "p2pkit/" + io.p2pkit.node.NodeVersion.get();
        assertEquals(plain, daemon(repo(dir.resolve("a"), Map.of())).agentVersion());
        assertEquals(plain + "/lab", daemon(repo(dir.resolve("b"), Map.of()), "--agent-version-suffix", "lab").agentVersion());
        assertEquals(plain + "/site-a", daemon(repo(dir.resolve("c"), Map.of("Version.AgentSuffix", "site-a")),
                "--agent-version-suffix", "lab").agentVersion(), "the config wins, as Kubo's");
        assertEquals(plain + "/a\uFFFDb", daemon(repo(dir.resolve("d"), Map.of()), "--agent-version-suffix", "a\u202Eb")
                .agentVersion(), "a format character (right-to-left override) is replaced");
        String longOne = daemon(repo(dir.resolve("e"), Map.of()), "--agent-version-suffix", "x".repeat(300)).agentVersion();
        assertEquals(128, longOne.codePointCount(0, longOne.length()));
    }

    /** Kubo's Swarm.RelayService limits reach the relay service; zero is refused naming the key. */
    @Test
    void theRelayServiceLimitsOfTheConfigReachTheService(@TempDir Path dir) throws Exception {
        Map<String, Object> service = new java.util.HashMap<>(Map.of("Enabled", true, "ConnectionDurationLimit", "5m",
                "ConnectionDataLimit", 1_048_576L, "ReservationTTL", "30m", "MaxReservations", 64L, "MaxCircuits", 4L,
                "BufferSize", 4096L, "MaxReservationsPerIP", 2L, "MaxReservationsPerASN", 10L));
        io.p2pkit.nat.relay.RelayConfig r = daemon(repo(dir.resolve("a"), Map.of("Swarm", Map.of("RelayService", service))))
                .relayService().orElseThrow();
        assertEquals(new io.p2pkit.core.network.ConnectionLimit(Duration.ofMinutes(5), 1_048_576L), r.limit().orElseThrow());
        assertEquals(Duration.ofMinutes(30), r.reservationTtl());
        assertEquals(List.of(64, 4, 4096, 2, 10), List.of(r.maxReservations(), r.maxCircuits(), r.bufferBytes(),
                r.maxReservationsPerIp(), r.maxReservationsPerAsn()));
        assertEquals(7, daemon(repo(dir.resolve("b"), Map.of("Swarm", Map.of("RelayService", service))),
                "--relay-max-reservations-per-asn", "7").relayService().orElseThrow().maxReservationsPerAsn(),
                "the option wins");
        assertEquals(io.p2pkit.nat.relay.RelayConfig.defaults().maxCircuits(), daemon(repo(dir.resolve("c"),
                Map.of("Swarm.RelayService.Enabled", true))).relayService().orElseThrow().maxCircuits());
        UsageException zero = assertThrows(UsageException.class, () -> daemon(repo(dir.resolve("d"),
                Map.of("Swarm.RelayService.Enabled", true, "Swarm.RelayService.MaxCircuits", 0L))));
        assertEquals("config setting Swarm.RelayService.MaxCircuits must be positive", zero.getMessage());
    }

    /**
     * Kubo's Swarm.ResourceMgr: off is no limits; else the limits Kubo computes for its daemon from
     * MaxMemory and MaxFileDescriptors, which leave what the node opens itself unlimited.
     */
    @Test
    void theResourceManagerSettingsScaleTheLimits(@TempDir Path dir) throws Exception {
        assertEquals(io.p2pkit.core.resource.ResourceManagerConfig.unlimited(), daemon(repo(dir.resolve("a"),
                Map.of("Swarm.ResourceMgr.Enabled", false))).limits());
        io.p2pkit.core.resource.ResourceManagerConfig gib = daemon(repo(dir.resolve("b"),
                Map.of("Swarm", Map.of("ResourceMgr", Map.of("MaxMemory", "1GB", "MaxFileDescriptors", 512L))))).limits();
        assertEquals(io.p2pkit.node.config.KuboResourceLimits.of(1_000_000_000L, 512, 96, true), gib);
        var system = gib.system();
        assertEquals(1_000_000_000L, system.limit(io.p2pkit.core.resource.Resource.MEMORY));
        assertEquals(512, system.limit(io.p2pkit.core.resource.Resource.FILE_DESCRIPTORS));
        assertEquals(953, system.limit(io.p2pkit.core.resource.Resource.INBOUND_CONNECTIONS), "one per MiB of 1 GB");
        for (var open : List.of(io.p2pkit.core.resource.Resource.OUTBOUND_CONNECTIONS, io.p2pkit.core.resource.Resource.CONNECTIONS,
                io.p2pkit.core.resource.Resource.OUTBOUND_STREAMS, io.p2pkit.core.resource.Resource.INBOUND_STREAMS)) {
            assertEquals(Long.MAX_VALUE, system.limit(open), open + " unlimited, as Kubo's");
            assertEquals(Long.MAX_VALUE, gib.transientLimits().limit(open), open + " unlimited, as Kubo's");
        }
        assertEquals(238, gib.transientLimits().limit(io.p2pkit.core.resource.Resource.INBOUND_CONNECTIONS));
        assertEquals(128, gib.transientLimits().limit(io.p2pkit.core.resource.Resource.FILE_DESCRIPTORS));
        assertEquals(8, gib.peerDefault().limit(io.p2pkit.core.resource.Resource.INBOUND_CONNECTIONS));
        assertEquals(Long.MAX_VALUE, gib.peerDefault().limit(io.p2pkit.core.resource.Resource.OUTBOUND_STREAMS));
        // a small budget: the inbound floor (twice the high watermark, at least 800) unless nothing trims
        var small = daemon(repo(dir.resolve("m"), Map.of("Swarm", Map.of("ResourceMgr", Map.of("MaxMemory", "256MB"),
                "ConnMgr", Map.of("HighWater", 600L, "LowWater", 500L))))).limits();
        assertEquals(1200, small.system().limit(io.p2pkit.core.resource.Resource.INBOUND_CONNECTIONS));
        assertEquals(61, small.transientLimits().limit(io.p2pkit.core.resource.Resource.INBOUND_CONNECTIONS));
        var floor = daemon(repo(dir.resolve("f"), Map.of("Swarm.ResourceMgr.MaxMemory", "256MB"))).limits();
        assertEquals(800, floor.system().limit(io.p2pkit.core.resource.Resource.INBOUND_CONNECTIONS));
        var heap = Runtime.getRuntime().maxMemory() / 2;
        assertEquals(heap, daemon(repo(dir.resolve("c"), Map.of())).limits().system()
                .limit(io.p2pkit.core.resource.Resource.MEMORY), "half the heap by default");
        assertEquals(Duration.ofSeconds(30), daemon(repo(dir.resolve("s"), Map.of("Swarm.ConnMgr.SilencePeriod", "30s")))
                .connections().silencePeriod(), "Kubo's Swarm.ConnMgr.SilencePeriod");
        var kubos = daemon(repo(dir.resolve("t"), Map.of())).connections();
        assertEquals(Duration.ofSeconds(10), kubos.silencePeriod());
        assertEquals(32, kubos.lowWater(), "Kubo's DefaultConnMgrLowWater");
        assertEquals(96, kubos.highWater(), "Kubo's DefaultConnMgrHighWater");
        assertEquals(Duration.ofSeconds(20), kubos.gracePeriod(), "Kubo's DefaultConnMgrGracePeriod");
        var leecher = daemon(repo(dir.resolve("l"), Map.of()), "--role", "leecher").connections();
        assertEquals(32, leecher.lowWater(), "the leecher's preset");
        assertEquals(64, leecher.highWater(), "the leecher's preset");
        UsageException few = assertThrows(UsageException.class, () -> daemon(repo(dir.resolve("d"),
                Map.of("Swarm.ResourceMgr.MaxFileDescriptors", 8L))));
        assertEquals("config setting Swarm.ResourceMgr.MaxFileDescriptors (8) leaves too few for a node: at least 16",
                few.getMessage());
    }

    /** Kubo's Ipns.ResolveCacheSize (0: its 128) and Ipns.MaxCacheTTL. */
    @Test
    void theIpnsCacheSettingsReachTheNode(@TempDir Path dir) throws Exception {
        assertEquals(NodeConfig.IpnsCache.DEFAULT, daemon(repo(dir.resolve("a"), Map.of())).ipnsCache());
        assertEquals(NodeConfig.IpnsCache.DEFAULT, daemon(repo(dir.resolve("b"), Map.of("Ipns.ResolveCacheSize", 0L)))
                .ipnsCache(), "0 is Kubo's default");
        assertEquals(new NodeConfig.IpnsCache(5, Optional.of(Duration.ofMinutes(1))), daemon(repo(dir.resolve("c"),
                Map.of("Ipns", Map.of("ResolveCacheSize", 5L, "MaxCacheTTL", "1m")))).ipnsCache());
        assertEquals(Optional.of(Duration.ZERO), daemon(repo(dir.resolve("d"), Map.of("Ipns.MaxCacheTTL", "0s")))
                .ipnsCache().maxTtl(), "Kubo's way to turn the cache off");
        UsageException big = assertThrows(UsageException.class, () -> daemon(repo(dir.resolve("e"),
                Map.of("Ipns.ResolveCacheSize", 2_000_000L))));
        assertEquals("config setting Ipns.ResolveCacheSize (2000000) is over the limit of 1048576 names", big.getMessage());
    }

    /** Kubo's Routing.IgnoreProviders: peer IDs, checked when set and at the start. */
    @Test
    void theIgnoredProvidersOfTheConfigReachTheNode(@TempDir Path dir) throws Exception {
        String id = "12D3KooWGC6TvWhfapngX6wvJHMYvKpDMXPb3ZnCZ6dMoaMtimQ5";
        assertEquals(java.util.Set.of(io.p2pkit.core.identity.PeerId.parse(id)), daemon(repo(dir.resolve("a"),
                Map.of("Routing.IgnoreProviders", List.of(id)))).ignoredProviders());
        assertEquals(java.util.Set.of(), daemon(repo(dir.resolve("b"), Map.of())).ignoredProviders());
        KuboConfig.EditException bad = assertThrows(KuboConfig.EditException.class, () -> repo(dir.resolve("c"),
                Map.of("Routing.IgnoreProviders", List.of("not-a-peer"))));
        assertTrue(bad.getMessage().contains("Routing.IgnoreProviders: not a peer ID: not-a-peer"), bad.getMessage());
    }

    /** Kubo's Ipns.DelegatedPublishers: base URLs or their IPNS API's, "auto" none, with Routing.Type auto. */
    @Test
    void theDelegatedPublishersOfTheConfigReachTheNode(@TempDir Path dir) throws Exception {
        Map<String, Object> publishers = Map.of("Ipns.DelegatedPublishers", List.of("auto",
                "http://127.0.0.1:8081/routing/v1/ipns", "https://127.0.0.1:8443"));
        assertEquals(List.of(java.net.URI.create("http://127.0.0.1:8081"), java.net.URI.create("https://127.0.0.1:8443")),
                daemon(repo(dir.resolve("a"), publishers)).delegatedPublishers());
        assertEquals(List.of(), daemon(repo(dir.resolve("b"), Map.of("Ipns.DelegatedPublishers", List.of("auto"))))
                .delegatedPublishers(), "Kubo's auto is none with Routing.Type auto");
        assertEquals(List.of(), daemon(repo(dir.resolve("c"), publishers), "--dht", "server").delegatedPublishers(),
                "used as the delegated routers are, with Routing.Type auto or autoclient only");
        KuboConfig.EditException path = assertThrows(KuboConfig.EditException.class, () -> repo(dir.resolve("d"),
                Map.of("Ipns.DelegatedPublishers", List.of("http://127.0.0.1/routing/v1/providers"))));
        assertTrue(path.getMessage().contains("a delegated publisher's URL has no path, or /routing/v1/ipns"),
                path.getMessage());
    }

    /** Kubo's DNS.Resolvers and DNS.MaxCacheTTL; blank and "auto" leave the domain to the system's resolver. */
    @Test
    void theDnsResolversOfTheConfigReachTheNode(@TempDir Path dir) throws Exception {
        assertTrue(daemon(repo(dir.resolve("a"), Map.of())).dnsResolvers().isEmpty());
        NodeConfig set = daemon(repo(dir.resolve("b"), Map.of("DNS", Map.of("Resolvers", Map.of(
                "eth.", "https://127.0.0.1:8443/dns-query", ".", "auto", "crypto.", ""), "MaxCacheTTL", "5m"))));
        assertEquals(Map.of("eth.", java.net.URI.create("https://127.0.0.1:8443/dns-query")),
                set.dnsResolvers().endpoints());
        assertTrue(set.dnsLink().enabled());
        KuboConfig.EditException notFqdn = assertThrows(KuboConfig.EditException.class, () -> repo(dir.resolve("c"),
                Map.of("DNS.Resolvers", Map.of("eth", "https://127.0.0.1/"))));
        assertTrue(notFqdn.getMessage().contains("invalid domain eth; must be FQDN"), notFqdn.getMessage());
        assertThrows(KuboConfig.EditException.class, () -> repo(dir.resolve("d"),
                Map.of("DNS.Resolvers", Map.of("eth.", "tls://127.0.0.1"))));
        // a file edited by hand is checked when the daemon starts
        Path hand = repo(dir.resolve("e"), Map.of());
        Repository.writeConfig(hand, Repository.readConfig(hand).with("dns.resolvers", "{\"eth.\":\"ftp://x/\"}"));
        UsageException bad = assertThrows(UsageException.class, () -> daemon(hand));
        assertEquals("the repository's config: dns.resolvers: bad resolver for eth.: invalid DoH resolver URL: ftp://x/",
                bad.getMessage());
    }

    /** Kubo's rule: hole punching starts from a relayed connection, so it needs the relay client. */
    @Test
    void holePunchingIsOffWithoutTheRelayClientAndAskingForBothFails(@TempDir Path dir) throws Exception {
        assertFalse(daemon(repo(dir.resolve("a"), Map.of("Swarm.RelayClient.Enabled", false))).holePunching());
        assertTrue(daemon(repo(dir.resolve("b"), Map.of())).holePunching());
        UsageException both = assertThrows(UsageException.class, () -> daemon(repo(dir.resolve("c"),
                Map.of("Swarm.RelayClient.Enabled", false, "Swarm.EnableHolePunching", true))));
        assertEquals("failed to enable Swarm.EnableHolePunching: it requires Swarm.RelayClient.Enabled to be true",
                both.getMessage());
        assertThrows(UsageException.class, () -> daemon(repo(dir.resolve("d"), Map.of("Swarm.RelayClient.Enabled", false)),
                "--hole-punching", "enabled"));
    }

    @Test
    void theFilesSettingsReachTheNode(@TempDir Path dir) throws Exception {
        Path repo = repo(dir, Map.of(
                "Addresses.Swarm", List.of("/ip4/127.0.0.1/tcp/0"),
                "Swarm.ConnMgr", Map.of("LowWater", 11L, "HighWater", 22L, "GracePeriod", "45s"),
                "Swarm.RelayService.Enabled", true,
                "Swarm.RelayClient.Enabled", false,
                "Swarm.EnableHolePunching", false,
                "AutoNAT.ServiceMode", "disabled",
                "Discovery.MDNS.Enabled", false,
                "Routing.Type", "dhtclient",
                "Provide", Map.of("Strategy", "pinned", "DHT", Map.of("Interval", "12h"))));
        NodeConfig c = daemon(repo);
        assertEquals(11, c.connections().lowWater());
        assertEquals(22, c.connections().highWater());
        assertEquals(Duration.ofSeconds(45), c.connections().gracePeriod());
        assertTrue(c.relayService().isPresent());
        assertTrue(c.autoRelay().isEmpty());
        assertFalse(c.holePunching());
        assertEquals(AutoNatConfig.ServiceMode.DISABLED, c.autoNat().orElseThrow().serviceMode());
        assertTrue(c.mdns().isEmpty());
        assertEquals("CLIENT", c.dht().orElseThrow().mode().name());
        assertEquals(ReprovideStrategy.PINNED, c.content().orElseThrow().reprovide());
        assertEquals(Duration.ofHours(12), c.content().orElseThrow().reprovideInterval());
        assertEquals("[/ip4/127.0.0.1/tcp/0]", c.listen().toString());
    }

    @Test
    void optionsWinOverTheFile(@TempDir Path dir) throws Exception {
        Path repo = repo(dir, Map.of(
                "Swarm.ConnMgr", Map.of("LowWater", 11L, "HighWater", 22L),
                "Swarm.EnableHolePunching", false,
                "Routing.Type", "dhtclient",
                "Provide.Strategy", "pinned"));
        NodeConfig c = daemon(repo, "--conn-high", "99", "--hole-punching", "enabled", "--dht", "off",
                "--reprovider-strategy", "roots", "--listen", "/ip4/127.0.0.1/tcp/0");
        assertEquals(11, c.connections().lowWater(), "the file's, where no option is given");
        assertEquals(99, c.connections().highWater());
        assertTrue(c.holePunching());
        assertTrue(c.dht().isEmpty());
        assertEquals(ReprovideStrategy.ROOTS, c.content().orElseThrow().reprovide());
    }

    @Test
    void kubosServerProfileReachesTheNode(@TempDir Path dir) throws Exception {
        Path repo = repo(dir, Map.of());
        Repository.writeConfig(repo, io.p2pkit.node.config.KuboConfig.applyProfile(Repository.readConfig(repo), "server"));
        NodeConfig c = daemon(repo, "--listen", "/ip4/127.0.0.1/tcp/0");
        assertEquals(16, c.addressFilters().size());
        assertTrue(c.addressFilters().contains("/ip6/fc00::/ipcidr/7"));
        assertEquals(16, c.addressPolicy().noAnnounce().size());
        assertTrue(c.mdns().isEmpty());
        assertFalse(c.portMapping());
    }

    @Test
    void kubosBitswapServerEnabledFalseServesNothingOverARolesPreset(@TempDir Path dir) throws Exception {
        Path off = repo(dir.resolve("off"), Map.of("Bitswap.ServerEnabled", false));
        assertFalse(daemon(off, "--listen", "/ip4/127.0.0.1/tcp/0").content().orElseThrow().bitswap().serve());
        assertFalse(daemon(off, "--listen", "/ip4/127.0.0.1/tcp/0", "--role", "master").content().orElseThrow().bitswap().serve());
        Path unset = repo(dir.resolve("unset"), Map.of());
        assertTrue(daemon(unset, "--listen", "/ip4/127.0.0.1/tcp/0").content().orElseThrow().bitswap().serve());
        assertFalse(daemon(unset, "--listen", "/ip4/127.0.0.1/tcp/0", "--role", "leecher").content().orElseThrow().bitswap().serve());
    }

    @Test
    void kubosInternalBitswapKnobsReachTheNode(@TempDir Path dir) throws Exception {
        io.p2pkit.ipfs.bitswap.BitswapConfig defaults = io.p2pkit.ipfs.bitswap.BitswapConfig.defaults();
        assertEquals(defaults, daemon(repo(dir.resolve("unset"), Map.of()), "--listen", "/ip4/127.0.0.1/tcp/0")
                .content().orElseThrow().bitswap());
        Path repo = repo(dir.resolve("set"), Map.of("Internal", Map.of("Bitswap", Map.of("EngineTaskWorkerCount", 16L,
                "MaxOutstandingBytesPerPeer", 1_000_000L, "ProviderSearchDelay", "250ms", "WantHaveReplaceSize", 0L))));
        io.p2pkit.ipfs.bitswap.BitswapConfig set = daemon(repo, "--listen", "/ip4/127.0.0.1/tcp/0").content().orElseThrow().bitswap();
        assertEquals(16, set.serverWorkers());
        assertEquals(1_000_000L, set.maxQueuedBytesPerPeer());
        assertEquals(Duration.ofMillis(250), set.providerDelay());
        assertEquals(0, set.haveReplaceLimit(), "0: a want-have is never answered with the block");
        assertEquals(defaults.maxWantsPerPeer(), set.maxWantsPerPeer());
        Path zero = repo(dir.resolve("zero"), Map.of("Internal.Bitswap.ProviderSearchDelay", "0s"));
        assertEquals(Duration.ofMillis(1), daemon(zero, "--listen", "/ip4/127.0.0.1/tcp/0").content().orElseThrow()
                .bitswap().providerDelay(), "Kubo's 0: providers asked for at once");
        Path none = repo(dir.resolve("none"), Map.of("Internal.Bitswap.EngineTaskWorkerCount", 0L));
        UsageException e = assertThrows(UsageException.class, () -> daemon(none, "--listen", "/ip4/127.0.0.1/tcp/0"));
        assertTrue(e.getMessage().contains("internal.bitswap.engineTaskWorkerCount"), e.getMessage());
    }

    /** Kubo 0.36's Internal.Bitswap.BroadcastControl: on by default; each key reaches the client. */
    @Test
    void kubosBroadcastControlReachesTheBitswapClient(@TempDir Path dir) throws Exception {
        assertEquals(io.p2pkit.ipfs.bitswap.BroadcastControl.DEFAULT, daemon(repo(dir.resolve("unset"), Map.of()),
                "--listen", "/ip4/127.0.0.1/tcp/0").content().orElseThrow().bitswap().broadcast());
        Path set = repo(dir.resolve("set"), Map.of("Internal", Map.of("Bitswap", Map.of("BroadcastControl", Map.of(
                "MaxPeers", 50L, "LocalPeers", true, "PeeredPeers", true, "MaxRandomPeers", 3L, "SendToPendingPeers", true)))));
        assertEquals(new io.p2pkit.ipfs.bitswap.BroadcastControl(true, 50, true, true, 3, true),
                daemon(set, "--listen", "/ip4/127.0.0.1/tcp/0").content().orElseThrow().bitswap().broadcast());
        Path off = repo(dir.resolve("off"), Map.of("Internal.Bitswap.BroadcastControl.Enable", false,
                "Internal.Bitswap.BroadcastControl.MaxPeers", -1L));
        io.p2pkit.ipfs.bitswap.BroadcastControl b = daemon(off, "--listen", "/ip4/127.0.0.1/tcp/0").content().orElseThrow()
                .bitswap().broadcast();
        assertTrue(!b.enabled() && b.maxPeers() == -1);
        Path bad = repo(dir.resolve("bad"), Map.of("Internal.Bitswap.BroadcastControl.MaxPeers", -2L));
        UsageException e = assertThrows(UsageException.class, () -> daemon(bad, "--listen", "/ip4/127.0.0.1/tcp/0"));
        assertTrue(e.getMessage().contains("internal.bitswap.broadcastControl.maxPeers"), e.getMessage());
    }

    @Test
    void kubosSecurityPrioritiesOrderTheSecurityProtocolsUnlessTheOptionIsGiven(@TempDir Path dir) throws Exception {
        assertEquals(List.of(), daemon(repo(dir.resolve("unset"), Map.of()), "--listen", "/ip4/127.0.0.1/tcp/0")
                .transports().security(), "unset: the host's own order, Noise then TLS");
        assertEquals(List.of("tls", "noise"), security(dir.resolve("tls"), Map.of("TLS", 100L)), "Noise at its 200");
        assertEquals(List.of("noise", "tls"), security(dir.resolve("noise"), Map.of("Noise", 50L)));
        assertEquals(List.of("noise", "tls"), security(dir.resolve("later"), Map.of("TLS", 300L)));
        assertEquals(List.of("tls", "noise"), security(dir.resolve("tie"), Map.of("TLS", 7L, "Noise", 7L)));
        assertEquals(List.of("noise"), security(dir.resolve("off"), Map.of("TLS", false)));
        Path repo = repo(dir.resolve("given"), Map.of("Swarm", Map.of("Transports", Map.of("Security", Map.of("Noise", false)))));
        assertEquals(List.of("tls"), daemon(repo, "--listen", "/ip4/127.0.0.1/tcp/0").transports().security());
        assertEquals(List.of("noise"), daemon(repo, "--listen", "/ip4/127.0.0.1/tcp/0", "--security", "noise")
                .transports().security(), "--security wins over the file");
        Path none = repo(dir.resolve("none"), Map.of("Swarm.Transports.Security", Map.of("TLS", false, "Noise", false)));
        UsageException e = assertThrows(UsageException.class, () -> daemon(none, "--listen", "/ip4/127.0.0.1/tcp/0"));
        assertTrue(e.getMessage().contains("turns off both TLS and Noise"), e.getMessage());
    }

    /** Kubo's Swarm.Transports.Multiplexers.Yamux, and p2pkit's Mplex beside it (Kubo removed mplex). */
    @Test
    void kubosMultiplexerPrioritiesOrderTheMuxersUnlessTheOptionIsGiven(@TempDir Path dir) throws Exception {
        assertEquals(List.of(), daemon(repo(dir.resolve("unset"), Map.of()), "--listen", "/ip4/127.0.0.1/tcp/0")
                .transports().muxers(), "unset: the host's own order, yamux then mplex");
        Path noYamux = repo(dir.resolve("off"), Map.of("Swarm.Transports.Multiplexers.Yamux", false));
        assertEquals(List.of("mplex"), daemon(noYamux, "--listen", "/ip4/127.0.0.1/tcp/0").transports().muxers());
        assertEquals(List.of("yamux"), daemon(noYamux, "--listen", "/ip4/127.0.0.1/tcp/0", "--muxer", "yamux")
                .transports().muxers(), "--muxer wins over the file");
        assertEquals(List.of("mplex", "yamux"), daemon(repo(dir.resolve("first"), Map.of("Swarm.Transports.Multiplexers",
                Map.of("Mplex", 50L))), "--listen", "/ip4/127.0.0.1/tcp/0").transports().muxers());
        assertEquals(List.of("yamux", "mplex"), daemon(repo(dir.resolve("tie"), Map.of("Swarm.Transports.Multiplexers",
                Map.of("Mplex", 100L, "Yamux", 100L))), "--listen", "/ip4/127.0.0.1/tcp/0").transports().muxers());
        Path none = repo(dir.resolve("none"), Map.of("Swarm.Transports.Multiplexers", Map.of("Yamux", false, "Mplex", false)));
        UsageException e = assertThrows(UsageException.class, () -> daemon(none, "--listen", "/ip4/127.0.0.1/tcp/0"));
        assertTrue(e.getMessage().contains("turns off both yamux and mplex"), e.getMessage());
    }

    private static List<String> security(Path dir, Map<String, Object> priorities) throws Exception {
        return daemon(repo(dir, Map.of("Swarm.Transports.Security", priorities)), "--listen", "/ip4/127.0.0.1/tcp/0")
                .transports().security();
    }

    @Test
    void kubosPeeringPeersAreKeptConnectedFromTheDaemonsStart(@TempDir Path dir) throws Exception {
        try (io.p2pkit.node.Node peer = io.p2pkit.node.Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").build())) {
            String addr = peer.host().addresses().get(0).toString();
            Path repo = repo(dir, Map.of("Peering", Map.of("Peers", List.of(Map.of("ID", peer.peerId().toString(),
                    "Addrs", List.of(addr)))))); // as Kubo's `config --json Peering '{"Peers":[…]}'`
            NodeConfig config = daemon(repo, "--listen", "/ip4/127.0.0.1/tcp/0", "--api", "off", "--gateway", "off",
                    "--no-mdns");
            assertEquals(List.of(new io.p2pkit.core.host.PeerInfo(peer.peerId(), List.of(io.p2pkit.core.multiaddr.Multiaddr.parse(addr)))),
                    config.peering());
            try (io.p2pkit.node.Node node = io.p2pkit.node.Node.start(config)) {
                io.p2pkit.testing.Await.until("the daemon dials its peering peer at start",
                        () -> !node.host().network().connections(peer.peerId()).isEmpty(), Duration.ofSeconds(20));
                assertEquals(List.of(peer.peerId()), node.peering().list().stream().map(io.p2pkit.core.host.PeerInfo::peerId).toList());
            }
        }
        // the node's own ID, which Kubo takes and never dials, is left out and the node starts
        io.p2pkit.core.crypto.PrivateKey key = io.p2pkit.core.crypto.PrivateKey.generateEd25519();
        try (io.p2pkit.node.Node self = io.p2pkit.node.Node.start(NodeConfig.builder().identity(key)
                .listen("/ip4/127.0.0.1/tcp/0").peering(List.of(new io.p2pkit.core.host.PeerInfo(key.publicKey().toPeerId(),
                        List.of()))).build())) {
            assertEquals(List.of(), self.peering().list());
        }
        // a hand-edited mistake stops the start, naming the file key
        Path bad = repo(dir.resolve("bad"), Map.of());
        Repository.writeConfig(bad, Repository.readConfig(bad).with("peering.peers", "[{\"ID\":\"nope\"}]"));
        UsageException e = assertThrows(UsageException.class, () -> daemon(bad, "--listen", "/ip4/127.0.0.1/tcp/0"));
        assertTrue(e.getMessage().contains("peering.peers: Peering.Peers[0].ID: not a peer ID: nope"), e.getMessage());
    }

    @Test
    void kubosConnMgrTypeNoneNeverTrims(@TempDir Path dir) throws Exception {
        Path none = repo(dir.resolve("none"), Map.of("Swarm.ConnMgr", Map.of("Type", "none")));
        assertFalse(daemon(none, "--listen", "/ip4/127.0.0.1/tcp/0").connections().trims());
        UsageException both = assertThrows(UsageException.class,
                () -> daemon(none, "--listen", "/ip4/127.0.0.1/tcp/0", "--conn-high", "50"));
        assertTrue(both.getMessage().contains("none (no trimming) and a watermark"), both.getMessage());
        Path basic = repo(dir.resolve("basic"), Map.of("Swarm.ConnMgr", Map.of("Type", "basic", "HighWater", 40L,
                "LowWater", 20L)));
        assertEquals(40, daemon(basic, "--listen", "/ip4/127.0.0.1/tcp/0").connections().highWater());
        assertTrue(assertThrows(Exception.class, () -> io.p2pkit.node.config.KuboConfig.set(
                io.p2pkit.ipfs.repo.RepoConfig.defaults(), "Swarm.ConnMgr.Type", "sometimes")).getMessage()
                .contains("sometimes"));
    }

    @Test
    void aZeroReproviderIntervalAnnouncesNothingAndAHandEditedMistakeIsNamed(@TempDir Path dir) throws Exception {
        Path repo = repo(dir, Map.of("Provide.DHT.Interval", "0"));
        assertEquals(ReprovideStrategy.NONE, daemon(repo, "--listen", "/ip4/127.0.0.1/tcp/0").content().orElseThrow().reprovide());
        Repository.writeConfig(repo, Repository.readConfig(repo).with("swarm.connMgr.highWater", "many"));
        UsageException e = assertThrows(UsageException.class, () -> daemon(repo, "--listen", "/ip4/127.0.0.1/tcp/0"));
        assertEquals("the repository's config: swarm.connMgr.highWater: 'many' is not a whole number", e.getMessage());
    }
    @Test
    void provideEnabledFalseAnnouncesNothingUnlessAStrategyIsGivenAndKubosIntervalBoundHolds(@TempDir Path dir)
            throws Exception {
        Path off = repo(dir.resolve("off"), Map.of("Provide", Map.of("Enabled", false, "Strategy", "pinned")));
        assertEquals(ReprovideStrategy.NONE, daemon(off, "--listen", "/ip4/127.0.0.1/tcp/0").content().orElseThrow()
                .reprovide());
        assertEquals(ReprovideStrategy.ROOTS, daemon(off, "--listen", "/ip4/127.0.0.1/tcp/0", "--reprovider-strategy",
                "roots").content().orElseThrow().reprovide(), "the option wins");
        Path on = repo(dir.resolve("on"), Map.of("Provide.Enabled", true));
        assertEquals(ReprovideStrategy.ALL, daemon(on, "--listen", "/ip4/127.0.0.1/tcp/0").content().orElseThrow()
                .reprovide());
        Path tooLong = repo(dir.resolve("long"), Map.of("Provide.DHT.Interval", "72h"));
        assertEquals("Provide.DHT.Interval (72h0m0s) must be less than or equal to DHT provider record validity (48h0m0s)",
                assertThrows(UsageException.class, () -> daemon(tooLong, "--listen", "/ip4/127.0.0.1/tcp/0")).getMessage());
        NodeConfig longest = daemon(repo(dir.resolve("48h"), Map.of("Provide.DHT.Interval", "48h")),
                "--listen", "/ip4/127.0.0.1/tcp/0");
        assertEquals(Duration.ofHours(48), longest.content().orElseThrow().reprovideInterval());
        assertEquals(io.p2pkit.node.exchange.Reprovider.PARALLELISM, longest.content().orElseThrow().provideWorkers());
        // Kubo's Provide.DHT.MaxWorkers; its 0 (no bound) is p2pkit's most
        assertEquals(4, daemon(repo(dir.resolve("w4"), Map.of("Provide", Map.of("DHT", Map.of("MaxWorkers", 4L)))),
                "--listen", "/ip4/127.0.0.1/tcp/0").content().orElseThrow().provideWorkers());
        assertEquals(io.p2pkit.node.exchange.Reprovider.MAX_PARALLELISM, daemon(repo(dir.resolve("w0"),
                Map.of("Provide", Map.of("DHT", Map.of("MaxWorkers", 0L)))), "--listen", "/ip4/127.0.0.1/tcp/0")
                .content().orElseThrow().provideWorkers());
    }

    @Test
    void kubosSweepingProviderSettingsReachTheNode(@TempDir Path dir) throws Exception {
        // on by default, as in Kubo 0.39
        assertEquals(Optional.of(NodeConfig.Sweep.DEFAULT), daemon(repo(dir.resolve("a"), Map.of()),
                "--listen", "/ip4/127.0.0.1/tcp/0").content().orElseThrow().sweep());
        Path set = repo(dir.resolve("b"), Map.of("Provide", Map.of("DHT", Map.of("KeystoreBatchSize", 1000L,
                "MaxProvideConnsPerWorker", 5L, "ResumeEnabled", false, "OfflineDelay", "30m"))));
        assertEquals(Optional.of(new NodeConfig.Sweep(1000, 5, false, Duration.ofMinutes(30))),
                daemon(set, "--listen", "/ip4/127.0.0.1/tcp/0").content().orElseThrow().sweep());
        Path zeros = repo(dir.resolve("c"), Map.of("Provide", Map.of("DHT", Map.of("KeystoreBatchSize", 0L,
                "MaxProvideConnsPerWorker", 0L))));
        assertEquals(Optional.of(NodeConfig.Sweep.DEFAULT), daemon(zeros, "--listen", "/ip4/127.0.0.1/tcp/0")
                .content().orElseThrow().sweep(), "0 is the default");
        Path legacy = repo(dir.resolve("d"), Map.of("Provide", Map.of("DHT", Map.of("SweepEnabled", false))));
        assertEquals(Optional.empty(), daemon(legacy, "--listen", "/ip4/127.0.0.1/tcp/0").content().orElseThrow()
                .sweep(), "a lookup per key");
        Path big = repo(dir.resolve("e"), Map.of("Provide", Map.of("DHT", Map.of("KeystoreBatchSize", 10_000_000L))));
        assertEquals("config setting Provide.DHT.KeystoreBatchSize (10000000) is over the limit of 262144 keys",
                assertThrows(UsageException.class, () -> daemon(big, "--listen", "/ip4/127.0.0.1/tcp/0")).getMessage());
        Path conns = repo(dir.resolve("f"), Map.of("Provide", Map.of("DHT", Map.of("MaxProvideConnsPerWorker", 5000L))));
        assertEquals("config setting Provide.DHT.MaxProvideConnsPerWorker (5000) is over the limit of 1024",
                assertThrows(UsageException.class, () -> daemon(conns, "--listen", "/ip4/127.0.0.1/tcp/0"))
                        .getMessage());
    }

    @Test
    void theGatewaySettingsReachTheNode(@TempDir Path dir) throws Exception {
        assertEquals(io.p2pkit.node.config.GatewayOptions.DEFAULT,
                daemon(repo(dir.resolve("a"), Map.of()), "--listen", "/ip4/127.0.0.1/tcp/0").gatewayOptions());
        Path repo = repo(dir.resolve("b"), Map.of("Gateway", Map.of("NoFetch", true, "DeserializedResponses", false,
                "MaxConcurrentRequests", 7L, "MaxRangeRequestFileSize", "1MiB", "ExposeRoutingAPI", false,
                "RetrievalTimeout", "2m", "HTTPHeaders", Map.of("x-a", List.of("1")), "RootRedirect", "/ipfs/bafkqaaa", "DisableHTMLErrors", true)));
        assertEquals(new io.p2pkit.node.config.GatewayOptions(true, false, Duration.ofMinutes(2), 7, 1 << 20, false,
                        Map.of("X-A", List.of("1")), "/ipfs/bafkqaaa", true),
                daemon(repo, "--listen", "/ip4/127.0.0.1/tcp/0").gatewayOptions(), "header names as Go writes them");
        Repository.writeConfig(repo, Repository.readConfig(repo).with("gateway.maxRangeRequestFileSize", "big"));
        assertTrue(assertThrows(UsageException.class, () -> daemon(repo, "--listen", "/ip4/127.0.0.1/tcp/0"))
                .getMessage().startsWith("the repository's config: gateway.maxRangeRequestFileSize: "));
        Repository.writeConfig(repo, Repository.readConfig(repo).with("gateway.maxRangeRequestFileSize", "0")
                .with("gateway.httpHeaders", "{\"X-A\":\"not a list\"}"));
        assertTrue(assertThrows(UsageException.class, () -> daemon(repo, "--listen", "/ip4/127.0.0.1/tcp/0"))
                .getMessage().startsWith("the repository's config: gateway.httpHeaders: "));
    }

    @Test
    void theApisHeadersReachTheNode(@TempDir Path dir) throws Exception {
        Path repo = repo(dir, Map.of("API", Map.of("HTTPHeaders", Map.of("Access-Control-Allow-Origin",
                List.of("https://webui.example"), "Access-Control-Allow-Credentials", List.of("true"),
                "x-a", List.of("1")))));
        io.p2pkit.node.NodeConfig.ApiAccess access = daemon(repo, "--listen", "/ip4/127.0.0.1/tcp/0").apiAccess();
        assertEquals(List.of("https://webui.example"), access.allowedOrigins());
        assertTrue(access.allowCredentials());
        assertEquals(Map.of("X-A", List.of("1")), access.responseHeaders(), "header names as Go writes them");
        // origins written into the JSON by hand count too
        Repository.writeConfig(repo, Repository.readConfig(repo).with("api.httpHeaders",
                "{\"Access-Control-Allow-Origin\":[\"https://other.example\"]}"));
        assertEquals(List.of("https://webui.example", "https://other.example"),
                daemon(repo, "--listen", "/ip4/127.0.0.1/tcp/0").apiAccess().allowedOrigins());
        Repository.writeConfig(repo, Repository.readConfig(repo).with("api.httpHeaders", "{\"X-A\":\"not a list\"}"));
        assertTrue(assertThrows(UsageException.class, () -> daemon(repo, "--listen", "/ip4/127.0.0.1/tcp/0"))
                .getMessage().startsWith("the repository's config: api.httpHeaders: "));
    }

    @Test
    void announceSettingsComeFromTheFileUnlessAnOptionIsGiven(@TempDir Path dir) throws Exception {
        Path repo = repo(dir, Map.of(
                "Addresses.Announce", List.of("/ip4/11.1.1.1/tcp/4001"),
                "Addresses.AppendAnnounce", List.of("/ip4/11.2.2.2/tcp/4001"),
                "Addresses.NoAnnounce", List.of("/ip4/10.0.0.0/ipcidr/8")));
        var policy = daemon(repo, "--listen", "/ip4/127.0.0.1/tcp/0").addressPolicy();
        assertEquals("[/ip4/11.1.1.1/tcp/4001]", policy.announce().toString());
        assertEquals("[/ip4/11.2.2.2/tcp/4001]", policy.append().toString());
        assertEquals("[/ip4/10.0.0.0/ipcidr/8]", policy.noAnnounce().toString());

        var given = daemon(repo, "--listen", "/ip4/127.0.0.1/tcp/0", "--announce", "/ip4/11.3.3.3/tcp/1",
                "--announce", "/ip4/11.4.4.4/tcp/1").addressPolicy();
        assertEquals("[/ip4/11.3.3.3/tcp/1, /ip4/11.4.4.4/tcp/1]", given.announce().toString(), "the option wins");
        assertEquals("[/ip4/11.2.2.2/tcp/4001]", given.append().toString(), "the file's, where no option is given");

        UsageException bad = assertThrows(UsageException.class,
                () -> daemon(repo, "--listen", "/ip4/127.0.0.1/tcp/0", "--no-announce", "/ip4/10.0.0.0/ipcidr/40"));
        assertTrue(bad.getMessage().startsWith("--no-announce: "), bad.getMessage());
    }

    @Test
    void ipnsUsePubsubTurnsIpnsOverPubsubAndPubsubOnAndTheFlagWins(@TempDir Path dir) throws Exception {
        Path plain = repo(dir.resolve("plain"), Map.of());
        assertFalse(daemon(plain).ipnsPubsub());
        assertTrue(daemon(plain).pubsub().isEmpty());
        NodeConfig flagged = daemon(plain, "--enable-namesys-pubsub");
        assertTrue(flagged.ipnsPubsub());
        assertTrue(flagged.pubsub().isPresent(), "Kubo's flag implies pubsub");
        Path on = repo(dir.resolve("on"), Map.of("Ipns.UsePubsub", true));
        assertTrue(daemon(on).ipnsPubsub());
        assertFalse(daemon(on, "--enable-namesys-pubsub=false").ipnsPubsub(), "the flag overrides the config, as Kubo");
    }
}
