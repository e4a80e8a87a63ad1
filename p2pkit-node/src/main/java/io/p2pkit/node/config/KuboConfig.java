package io.p2pkit.node.config;

import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.ipfs.repo.ImportSettings;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.RepoConfigException;
import io.p2pkit.node.http.HttpHeaderText;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The keys of Kubo's config file that p2pkit has, and where the repository's config file keeps
 * each one. {@code p2pkit config} and the RPC API's {@code config} commands read and write the
 * file through this table, in Kubo's JSON shape; the daemon reads the same file keys when it
 * starts (its options win over them).
 *
 * <pre>
 * Kubo key                                      file key                      JSON value
 * Addresses.Swarm                               addresses.swarm               array of multiaddrs
 * Addresses.API                                 addresses.api                 a multiaddr (or [] for none)
 * Addresses.Gateway                             addresses.gateway             a multiaddr (or [] for none)
 * Addresses.Announce                            addresses.announce            array of multiaddrs
 * Addresses.AppendAnnounce                      addresses.appendAnnounce      array of multiaddrs
 * Addresses.NoAnnounce                          addresses.noAnnounce          array of multiaddrs or /ipcidr masks
 * Bootstrap                                     bootstrap                     array of multiaddrs ending in /p2p/ID, or "auto"
 * Peering.Peers                                 peering.peers                 array of {"ID","Addrs"}, kept as JSON
 * Routing.DelegatedRouters                      routing.delegatedRouters      array of http(s) URLs, bare or with a
 *                                                                             /routing/v1/providers|peers|ipns path, or "auto"
 * Routing.IgnoreProviders                       routing.ignoreProviders       array of peer IDs whose provider records are ignored
 * Routing.Type                                  routing.type                  auto, autoclient, dht, dhtclient, dhtserver, none
 * Swarm.ConnMgr.Type                            swarm.connMgr.type            basic or none (none: never trims)
 * Swarm.ConnMgr.LowWater                        swarm.connMgr.lowWater        integer
 * Swarm.ConnMgr.HighWater                       swarm.connMgr.highWater       integer
 * Swarm.ConnMgr.GracePeriod                     swarm.connMgr.gracePeriod     Go duration, "20s"
 * Swarm.ConnMgr.SilencePeriod                   swarm.connMgr.silencePeriod   Go duration, "10s": at most one trim per period
 * Swarm.ResourceMgr.Enabled                     swarm.resourceMgr.enabled     true or false (false: no limits)
 * Swarm.ResourceMgr.MaxMemory                   swarm.resourceMgr.maxMemory   size the limits scale to ("2GB")
 * Swarm.ResourceMgr.MaxFileDescriptors          swarm.resourceMgr.maxFileDescriptors  integer, at least 16
 * Swarm.RelayService.Enabled                    swarm.relayService.enabled    true or false
 * Swarm.RelayService.ConnectionDurationLimit, ConnectionDataLimit, ReservationTTL, MaxReservations, MaxCircuits,
 *   BufferSize, MaxReservationsPerIP, MaxReservationsPerASN
 *                                               swarm.relayService.<the key, first letter lower>  durations, positive integers
 * Swarm.RelayClient.Enabled                     swarm.relayClient.enabled     true or false
 * Swarm.EnableHolePunching                      swarm.enableHolePunching      true or false
 * Swarm.AddrFilters                             swarm.addrFilters             array of /ip4|ip6/…/ipcidr/… masks
 * Swarm.Transports.Security.TLS                 swarm.transports.security.tls
 *                                                                             priority (100): lower first, false off
 * Swarm.Transports.Security.Noise               swarm.transports.security.noise
 *                                                                             priority (200)
 * Swarm.Transports.Multiplexers.Yamux           swarm.transports.multiplexers.yamux
 *                                                                             priority (100)
 * Swarm.Transports.Multiplexers.Mplex           swarm.transports.multiplexers.mplex
 *                                                                             priority (200; p2pkit's, Kubo removed mplex)
 * Swarm.Transports.Network.TCP, .Websocket,    swarm.transports.network.tcp, .websocket,
 *   .QUIC, .WebTransport, .WebRTCDirect, .Relay   .quic, .webtransport, .webrtcdirect, .relay
 *                                                                             true or false (true): false, not dialed nor listened on
 * Swarm.DisableNatPortMap                       swarm.disableNatPortMap       true or false
 * AutoNAT.ServiceMode                           autonat.serviceMode           enabled or disabled
 * Discovery.MDNS.Enabled                        discovery.mdns.enabled        true or false
 * Bitswap.ServerEnabled                         bitswap.serverEnabled         true or false (false: blocks served to nobody)
 * Bitswap.Libp2pEnabled                         bitswap.libp2pEnabled         true or false (false: no Bitswap protocol at all)
 * Internal.Bitswap.EngineTaskWorkerCount        internal.bitswap.engineTaskWorkerCount
 *                                                                             integer, 8: tasks answered at once
 * Internal.Bitswap.MaxOutstandingBytesPerPeer   internal.bitswap.maxOutstandingBytesPerPeer
 *                                                                             integer, 4 MiB: bytes queued per peer
 * Internal.Bitswap.ProviderSearchDelay          internal.bitswap.providerSearchDelay
 *                                                                             Go duration, "1s" (0: at once)
 * Internal.Bitswap.WantHaveReplaceSize          internal.bitswap.wantHaveReplaceSize
 *                                                                             integer, 1024: the largest block a want-have gets
 * Internal.Bitswap.BroadcastControl.Enable, .MaxPeers, .LocalPeers, .PeeredPeers, .MaxRandomPeers, .SendToPendingPeers
 *                                               internal.bitswap.broadcastControl.enable, …  flags and integers (MaxPeers -1: no bound)
 * Datastore.StorageMax                          blockstore.storageMax         size, "10GB"
 * Datastore.HashOnRead                          blockstore.hashOnRead         true or false
 * Datastore.StorageGCWatermark                 datastore.storageGCWatermark  integer, % of StorageMax (0: 90; daemon --enable-gc)
 * Datastore.GCPeriod                            datastore.gcPeriod            Go duration in a string, "" for 1h, "0" never
 * Provide.Enabled                               provide.enabled               true or false
 * Provide.Strategy                              reprovider.strategy           all, pinned, roots, mfs, pinned+mfs, none
 * Provide.DHT.Interval                          reprovider.interval           Go duration, "22h" ("0": nothing announced)
 * Provide.DHT.MaxWorkers                        provide.dht.maxWorkers        integer, 32 (0: p2pkit's most, 1024)
 * Provide.DHT.SweepEnabled                      provide.dht.sweepEnabled      true (keys swept region by region) or false
 * Provide.DHT.ResumeEnabled                     provide.dht.resumeEnabled     true or false (a restart resumes the schedule)
 * Provide.DHT.KeystoreBatchSize                 provide.dht.keystoreBatchSize integer, 16384 keys swept together (most 262144)
 * Provide.DHT.MaxProvideConnsPerWorker          provide.dht.maxProvideConnsPerWorker  integer, 20 (most 1024)
 * Provide.DHT.OfflineDelay                      provide.dht.offlineDelay      Go duration, "2h": without a DHT peer that long, the provide queue is dropped
 * API.HTTPHeaders                               api.httpHeaders               object of header name to array of values
 *                                                                             (one header: API.HTTPHeaders.NAME); its
 *                                               api.allowedOrigins            Access-Control-Allow-Origin is kept apart,
 *                                                                             comma-separated
 * API.Authorizations                            api.authorization.NAME.*      an object of names ({@link ApiAuthorizationsConfig}):
 *                                                                             {"AuthSecret": "bearer:T", "AllowedPaths": ["/api/v0"]}
 * Gateway.NoDNSLink                             gateway.noDNSLink             true or false
 * Gateway.NoFetch                               gateway.noFetch               true or false
 * Gateway.DeserializedResponses                 gateway.deserializedResponses true or false
 * Gateway.RetrievalTimeout                      gateway.retrievalTimeout      Go duration, "30s" ("0": no bound)
 * Gateway.MaxConcurrentRequests                 gateway.maxConcurrentRequests integer (0: no bound)
 * Gateway.MaxRangeRequestFileSize               gateway.maxRangeRequestFileSize  size, "5GiB", or a number (0: no bound)
 * Gateway.ExposeRoutingAPI                      gateway.exposeRoutingAPI      true or false
 * Gateway.HTTPHeaders                           gateway.httpHeaders           object of header name to array of values
 *                                                                             (kept as its JSON; one header: Gateway.HTTPHeaders.NAME)
 * Gateway.RootRedirect                          gateway.rootRedirect          a URL or path ("": none)
 * Gateway.DisableHTMLErrors                     gateway.disableHTMLErrors     true or false
 * Gateway.PublicGateways                        gateway.publicGateways.HOST.* an object of hostnames ({@link PublicGatewaysConfig})
 * Import.CidVersion                             import.cidVersion             0 or 1
 * Import.UnixFSRawLeaves                        import.unixfsRawLeaves        true or false
 * Import.UnixFSChunker                          import.unixfsChunker          size-N, rabin-MIN-AVG-MAX or buzhash
 * Import.HashFunction                           import.hashFunction           a multihash name, "sha2-256"
 * Import.UnixFSFileMaxLinks                     import.unixfsFileMaxLinks     integer, 2 or more
 * Import.UnixFSDirectoryMaxLinks                import.unixfsDirectoryMaxLinks  integer (0: no limit)
 * Import.UnixFSHAMTDirectoryMaxFanout           import.unixfsHamtDirectoryMaxFanout  a power of 2 from 8 to 1024
 * Import.UnixFSHAMTDirectorySizeThreshold       import.unixfsHamtDirectorySizeThreshold  size, "256KiB", or a number
 * Import.UnixFSHAMTDirectorySizeEstimation      import.unixfsHamtDirectorySizeEstimation  links, block or disabled
 * Import.UnixFSDAGLayout                        import.unixfsDagLayout        balanced or trickle
 * Import.BatchMaxNodes                          import.batchMaxNodes          integer, positive (dag import's blocks per write)
 * Import.BatchMaxSize                           import.batchMaxSize           integer, positive (dag import's bytes per write)
 * Import.FastProvideRoot                        import.fastProvideRoot        true or false (true: add announces its root at once)
 * Import.FastProvideWait                        import.fastProvideWait        true or false (true: and waits for it)
 * Ipns.UsePubsub                                ipns.usePubsub                true or false
 * Ipns.DelegatedPublishers                      ipns.delegatedPublishers      array of http(s) URLs, bare or ending in
 *                                                                             /routing/v1/ipns, or "auto"
 * DNS.Resolvers                                 dns.resolvers                 object of FQDN ("eth.", "." for all) to a DoH URL,
 *                                                                             kept as its JSON ("" or "auto": the usual resolver)
 * DNS.MaxCacheTTL                               dns.maxCacheTTL               Go duration, the longest a DoH answer is kept
 * AutoConf.Enabled                              autoConf.enabled              true or false (true; with no URL nothing is fetched)
 * AutoConf.URL                                  autoConf.url                  the http(s) URL of the AutoConf document (none: "auto" is none)
 * AutoConf.RefreshInterval                      autoConf.refreshInterval      Go duration, "24h"
 * AutoConf.TLSInsecureSkipVerify                autoConf.tlsInsecureSkipVerify  true or false (tests only)
 * HTTPRetrieval.Enabled                         httpRetrieval.enabled         true or false (true): HTTPS providers asked over HTTP
 * HTTPRetrieval.Allowlist, .Denylist            httpRetrieval.allowlist, .denylist  arrays of host names
 * HTTPRetrieval.NumWorkers                      httpRetrieval.numWorkers      integer, 16 (0: the default)
 * HTTPRetrieval.MaxBlockSize                    httpRetrieval.maxBlockSize    size string, "2MiB"
 * HTTPRetrieval.TLSInsecureSkipVerify           httpRetrieval.tlsInsecureSkipVerify  true or false (tests only)
 * Version.AgentSuffix                           version.agentSuffix           text after p2pkit/<version>/ in identify
 * Pubsub.Enabled                                pubsub.enabled                true or false (daemon --enable-pubsub-experiment)
 * Pubsub.Router                                 pubsub.router                 gossipsub, floodsub or "" (checked at start)
 * Pubsub.DisableSigning                         pubsub.disableSigning         true or false
 * Pubsub.SeenMessagesTTL                        pubsub.seenMessagesTTL        Go duration (2m)
 * Pubsub.SeenMessagesStrategy                   pubsub.seenMessagesStrategy   last-seen or first-seen (checked at start)
 * Ipns.RepublishPeriod                          ipns.republishPeriod          Go duration in a string, "" for 4h
 * Ipns.RecordLifetime                           ipns.recordLifetime           Go duration in a string, "" for 48h
 * Ipns.ResolveCacheSize                         ipns.resolveCacheSize         integer, names kept resolved (0: 128)
 * Ipns.MaxCacheTTL                              ipns.maxCacheTTL              Go duration, the longest a name stays cached
 * Pinning.RemoteServices                        pinning.remoteServices.*      shown only ({@link PinningServices}):
 *                                                                             'pin remote service add|rm' change it
 * Experimental.FilestoreEnabled                 experimental.filestoreEnabled true or false
 * Experimental.Libp2pStreamMounting             experimental.libp2pStreamMounting  true or false
 * Mounts.IPFS                                   mounts.ipfs                   a directory ("/ipfs")
 * Mounts.IPNS                                   mounts.ipns                   a directory ("/ipns")
 * Mounts.MFS                                    mounts.mfs                    a directory ("/mfs")
 * Mounts.FuseAllowOther                         mounts.fuseAllowOther         true or false
 * </pre>
 *
 * <p>The {@code Import} keys are checked as Kubo checks them ({@link ImportSettings}); the import
 * profiles set them as Kubo's do, and the file's {@code import.profile} (p2pkit's own) is the base
 * they go over.
 *
 * <p>Lists are kept comma-separated in the file. Errors carry Kubo's texts where Kubo has one
 * ({@code failed to set config value: …}, {@code failed to unmarshal json. …}).
 */
public final class KuboConfig {
    private KuboConfig() {
    }

    private static final String HEADERS_KEY = "Gateway.HTTPHeaders";
    private static final String API_HEADERS_KEY = "API.HTTPHeaders";
    private static final String AUTHORIZATIONS_KEY = "API.Authorizations";
    /** The one header of {@code API.HTTPHeaders} the file keeps apart, as a list: the origins allowed. */
    public static final String ALLOW_ORIGIN = "Access-Control-Allow-Origin";
    /** Where {@code API.HTTPHeaders}' origins are kept: a list, as before the file kept the other headers. */
    /** The file key of Kubo's {@code Routing.DelegatedRouters}. */
    private static final String DELEGATED_ROUTERS = "routing.delegatedRouters";
    /** The file key of Kubo's {@code Routing.IgnoreProviders}. */
    private static final String IGNORE_PROVIDERS = "routing.ignoreProviders";
    /** The file key of Kubo's {@code Ipns.DelegatedPublishers}. */
    private static final String DELEGATED_PUBLISHERS = "ipns.delegatedPublishers";
    /** The file keys of Kubo's {@code HTTPRetrieval.Allowlist} and {@code .Denylist}: host names. */
    private static final String[] HTTP_HOSTS = {"httpRetrieval.allowlist", "httpRetrieval.denylist"};
    /** The file key of Kubo's {@code AutoConf.URL}. */
    private static final String AUTOCONF_URL = "autoConf.url";
    private static final Key ORIGINS = new Key(API_HEADERS_KEY + "." + ALLOW_ORIGIN, "api.allowedOrigins", Kind.LIST);

    /** How a value is written in Kubo's JSON and checked. */
    private enum Kind {
        /** A JSON array of strings: {@code ["a","b"]}. */
        LIST("[]string"),
        /** Kubo's Strings: one string, or an array; p2pkit takes one address. */
        ADDRESS("config.Strings"),
        /** One of a few words. */
        WORD("string"),
        /** A non-negative JSON integer. */
        COUNT("int64"),
        /** Kubo's OptionalInteger: any JSON integer that fits 32 bits ({@code -1} often meaning "no bound"). */
        INTEGER("config.OptionalInteger"),
        /** true or false. */
        FLAG("config.Flag"),
        /** A Go duration string. */
        DURATION("config.OptionalDuration"),
        /** A Go duration in a plain Go string, {@code ""} for the default (Kubo's {@code Ipns} durations). */
        TEXT_DURATION("string"),
        /** A size string for the storage keys, checked by {@link RepoConfig}. */
        SIZE("string"),
        /** Kubo's OptionalBytes: a size string ({@code "5GiB"}) or a JSON number of bytes. */
        BYTES("config.OptionalBytes"),
        /** A file system path (the mount points): any string without a newline. */
        PATH("string"),
        /** Kubo's OptionalString: any string, checked by the key's owner. */
        TEXT("config.OptionalString"),
        /** HTTP headers: a JSON object of names to arrays of values, kept as its JSON text. */
        HEADERS("map[string][]string"),
        /** Gateway.PublicGateways: an object of hostnames, kept as file keys under the key's prefix. */
        GATEWAYS("map[string]*config.GatewaySpec"),
        /** API.Authorizations: an object of names, kept as file keys under {@code api.authorization.}. */
        AUTHORIZATIONS("map[string]*config.RPCAuthScope"),
        /** Peering.Peers: an array of {@code {"ID","Addrs"}}, kept as its JSON text ({@link PeeringConfig}). */
        PEERS("[]peer.AddrInfo"),
        /** Kubo's Priority: a positive integer (lower first), or false for off; null for the default. */
        PRIORITY("config.Priority"),
        /** DNS.Resolvers: an object of domains to DoH URLs, kept as its JSON text. */
        RESOLVERS("map[string]string");

        private final String goType;

        Kind(String goType) {
            this.goType = goType;
        }
    }

    /** One row of the table. */
    private record Key(String kubo, String file, Kind kind, List<String> words) {
        Key(String kubo, String file, Kind kind) {
            this(kubo, file, kind, List.of());
        }
    }

    private static final List<Key> KEYS = List.of(
            new Key("Addresses.Swarm", "addresses.swarm", Kind.LIST),
            new Key("Addresses.API", "addresses.api", Kind.ADDRESS),
            new Key("Addresses.Gateway", "addresses.gateway", Kind.ADDRESS),
            new Key("Addresses.Announce", "addresses.announce", Kind.LIST),
            new Key("Addresses.AppendAnnounce", "addresses.appendAnnounce", Kind.LIST),
            new Key("Addresses.NoAnnounce", "addresses.noAnnounce", Kind.LIST),
            new Key("Bootstrap", "bootstrap", Kind.LIST),
            new Key("Peering.Peers", PeeringConfig.FILE_KEY, Kind.PEERS),
            new Key("Routing.DelegatedRouters", DELEGATED_ROUTERS, Kind.LIST),
            new Key("Routing.IgnoreProviders", IGNORE_PROVIDERS, Kind.LIST),
            new Key("Routing.Type", "routing.type", Kind.WORD,
                    List.of("auto", "autoclient", "dht", "dhtclient", "dhtserver", "none")),
            new Key("Swarm.ConnMgr.Type", "swarm.connMgr.type", Kind.WORD, List.of("basic", "none")),
            new Key("Swarm.ConnMgr.LowWater", "swarm.connMgr.lowWater", Kind.COUNT),
            new Key("Swarm.ConnMgr.HighWater", "swarm.connMgr.highWater", Kind.COUNT),
            new Key("Swarm.ConnMgr.GracePeriod", "swarm.connMgr.gracePeriod", Kind.DURATION),
            new Key("Swarm.ConnMgr.SilencePeriod", "swarm.connMgr.silencePeriod", Kind.DURATION),
            new Key("Swarm.ResourceMgr.Enabled", "swarm.resourceMgr.enabled", Kind.FLAG),
            new Key("Swarm.ResourceMgr.MaxMemory", "swarm.resourceMgr.maxMemory", Kind.BYTES),
            new Key("Swarm.ResourceMgr.MaxFileDescriptors", "swarm.resourceMgr.maxFileDescriptors", Kind.COUNT),
            new Key("Swarm.RelayService.Enabled", "swarm.relayService.enabled", Kind.FLAG),
            new Key("Swarm.RelayService.ConnectionDurationLimit", "swarm.relayService.connectionDurationLimit", Kind.DURATION),
            new Key("Swarm.RelayService.ConnectionDataLimit", "swarm.relayService.connectionDataLimit", Kind.COUNT),
            new Key("Swarm.RelayService.ReservationTTL", "swarm.relayService.reservationTTL", Kind.DURATION),
            new Key("Swarm.RelayService.MaxReservations", "swarm.relayService.maxReservations", Kind.COUNT),
            new Key("Swarm.RelayService.MaxCircuits", "swarm.relayService.maxCircuits", Kind.COUNT),
            new Key("Swarm.RelayService.BufferSize", "swarm.relayService.bufferSize", Kind.COUNT),
            new Key("Swarm.RelayService.MaxReservationsPerIP", "swarm.relayService.maxReservationsPerIP", Kind.COUNT),
            new Key("Swarm.RelayService.MaxReservationsPerASN", "swarm.relayService.maxReservationsPerASN", Kind.COUNT),
            new Key("Swarm.RelayClient.Enabled", "swarm.relayClient.enabled", Kind.FLAG),
            new Key("Swarm.EnableHolePunching", "swarm.enableHolePunching", Kind.FLAG),
            new Key("Swarm.AddrFilters", "swarm.addrFilters", Kind.LIST),
            new Key("Swarm.Transports.Security.TLS", "swarm.transports.security.tls", Kind.PRIORITY),
            new Key("Swarm.Transports.Security.Noise", "swarm.transports.security.noise", Kind.PRIORITY),
            new Key("Swarm.Transports.Multiplexers.Yamux", "swarm.transports.multiplexers.yamux", Kind.PRIORITY),
            new Key("Swarm.Transports.Multiplexers.Mplex", "swarm.transports.multiplexers.mplex", Kind.PRIORITY),
            new Key("Swarm.Transports.Network.TCP", "swarm.transports.network.tcp", Kind.FLAG),
            new Key("Swarm.Transports.Network.Websocket", "swarm.transports.network.websocket", Kind.FLAG),
            new Key("Swarm.Transports.Network.QUIC", "swarm.transports.network.quic", Kind.FLAG),
            new Key("Swarm.Transports.Network.WebTransport", "swarm.transports.network.webtransport", Kind.FLAG),
            new Key("Swarm.Transports.Network.WebRTCDirect", "swarm.transports.network.webrtcdirect", Kind.FLAG),
            new Key("Swarm.Transports.Network.Relay", "swarm.transports.network.relay", Kind.FLAG),
            new Key("Swarm.DisableNatPortMap", "swarm.disableNatPortMap", Kind.FLAG),
            new Key("AutoNAT.ServiceMode", "autonat.serviceMode", Kind.WORD, List.of("enabled", "disabled")),
            new Key("Discovery.MDNS.Enabled", "discovery.mdns.enabled", Kind.FLAG),
            new Key("Bitswap.ServerEnabled", "bitswap.serverEnabled", Kind.FLAG),
            new Key("Bitswap.Libp2pEnabled", "bitswap.libp2pEnabled", Kind.FLAG),
            new Key("Internal.Bitswap.EngineTaskWorkerCount", "internal.bitswap.engineTaskWorkerCount", Kind.COUNT),
            new Key("Internal.Bitswap.MaxOutstandingBytesPerPeer", "internal.bitswap.maxOutstandingBytesPerPeer", Kind.COUNT),
            new Key("Internal.Bitswap.ProviderSearchDelay", "internal.bitswap.providerSearchDelay", Kind.DURATION),
            new Key("Internal.Bitswap.WantHaveReplaceSize", "internal.bitswap.wantHaveReplaceSize", Kind.COUNT),
            new Key("Internal.Bitswap.BroadcastControl.Enable", "internal.bitswap.broadcastControl.enable", Kind.FLAG),
            new Key("Internal.Bitswap.BroadcastControl.MaxPeers", "internal.bitswap.broadcastControl.maxPeers", Kind.INTEGER),
            new Key("Internal.Bitswap.BroadcastControl.LocalPeers", "internal.bitswap.broadcastControl.localPeers", Kind.FLAG),
            new Key("Internal.Bitswap.BroadcastControl.PeeredPeers", "internal.bitswap.broadcastControl.peeredPeers", Kind.FLAG),
            new Key("Internal.Bitswap.BroadcastControl.MaxRandomPeers", "internal.bitswap.broadcastControl.maxRandomPeers",
                    Kind.COUNT),
            new Key("Internal.Bitswap.BroadcastControl.SendToPendingPeers",
                    "internal.bitswap.broadcastControl.sendToPendingPeers", Kind.FLAG),
            new Key("Datastore.StorageMax", "blockstore.storageMax", Kind.SIZE),
            new Key("Datastore.HashOnRead", "blockstore.hashOnRead", Kind.FLAG),
            new Key("Datastore.StorageGCWatermark", "datastore.storageGCWatermark", Kind.COUNT),
            new Key("Datastore.GCPeriod", "datastore.gcPeriod", Kind.TEXT_DURATION),
            // Kubo 0.38 renamed Reprovider.*; the file keeps the names it had, which repositories already use
            new Key("Provide.Enabled", "provide.enabled", Kind.FLAG),
            new Key("Provide.Strategy", "reprovider.strategy", Kind.WORD,
                    List.of("all", "pinned", "roots", "mfs", "pinned+mfs", "none")),
            new Key("Provide.DHT.Interval", "reprovider.interval", Kind.DURATION),
            new Key("Provide.DHT.MaxWorkers", "provide.dht.maxWorkers", Kind.COUNT),
            new Key("Provide.DHT.SweepEnabled", "provide.dht.sweepEnabled", Kind.FLAG),
            new Key("Provide.DHT.ResumeEnabled", "provide.dht.resumeEnabled", Kind.FLAG),
            new Key("Provide.DHT.KeystoreBatchSize", "provide.dht.keystoreBatchSize", Kind.COUNT),
            new Key("Provide.DHT.MaxProvideConnsPerWorker", "provide.dht.maxProvideConnsPerWorker", Kind.COUNT),
            new Key("Provide.DHT.OfflineDelay", "provide.dht.offlineDelay", Kind.DURATION),
            new Key(API_HEADERS_KEY, "api.httpHeaders", Kind.HEADERS),
            new Key(AUTHORIZATIONS_KEY, "api.authorization", Kind.AUTHORIZATIONS),
            new Key("Gateway.NoDNSLink", "gateway.noDNSLink", Kind.FLAG),
            new Key("Gateway.NoFetch", "gateway.noFetch", Kind.FLAG),
            new Key("Gateway.DeserializedResponses", "gateway.deserializedResponses", Kind.FLAG),
            new Key("Gateway.RetrievalTimeout", "gateway.retrievalTimeout", Kind.DURATION),
            new Key("Gateway.MaxConcurrentRequests", "gateway.maxConcurrentRequests", Kind.COUNT),
            new Key("Gateway.MaxRangeRequestFileSize", "gateway.maxRangeRequestFileSize", Kind.BYTES),
            new Key("Gateway.ExposeRoutingAPI", "gateway.exposeRoutingAPI", Kind.FLAG),
            new Key("Gateway.HTTPHeaders", "gateway.httpHeaders", Kind.HEADERS),
            new Key("Gateway.RootRedirect", "gateway.rootRedirect", Kind.TEXT),
            new Key("Gateway.DisableHTMLErrors", "gateway.disableHTMLErrors", Kind.FLAG),
            new Key("Gateway.PublicGateways", "gateway.publicGateways", Kind.GATEWAYS),
            new Key("Import.CidVersion", ImportSettings.CID_VERSION, Kind.COUNT),
            new Key("Import.UnixFSRawLeaves", ImportSettings.RAW_LEAVES, Kind.FLAG),
            new Key("Import.UnixFSChunker", ImportSettings.CHUNKER, Kind.TEXT),
            new Key("Import.HashFunction", ImportSettings.HASH_FUNCTION, Kind.TEXT),
            new Key("Import.UnixFSFileMaxLinks", ImportSettings.FILE_MAX_LINKS, Kind.COUNT),
            new Key("Import.UnixFSDirectoryMaxLinks", ImportSettings.DIRECTORY_MAX_LINKS, Kind.COUNT),
            new Key("Import.UnixFSHAMTDirectoryMaxFanout", ImportSettings.HAMT_FANOUT, Kind.COUNT),
            new Key("Import.UnixFSHAMTDirectorySizeThreshold", ImportSettings.HAMT_THRESHOLD, Kind.BYTES),
            new Key("Import.UnixFSHAMTDirectorySizeEstimation", ImportSettings.HAMT_ESTIMATION, Kind.WORD,
                    ImportSettings.ESTIMATIONS),
            new Key("Import.UnixFSDAGLayout", ImportSettings.DAG_LAYOUT, Kind.WORD, ImportSettings.LAYOUTS),
            new Key("Import.BatchMaxNodes", ImportSettings.BATCH_MAX_NODES, Kind.COUNT),
            new Key("Import.BatchMaxSize", ImportSettings.BATCH_MAX_SIZE, Kind.COUNT),
            new Key("Import.FastProvideRoot", "import.fastProvideRoot", Kind.FLAG),
            new Key("Import.FastProvideWait", "import.fastProvideWait", Kind.FLAG),
            new Key("Ipns.UsePubsub", "ipns.usePubsub", Kind.FLAG),
            new Key("Ipns.DelegatedPublishers", DELEGATED_PUBLISHERS, Kind.LIST),
            new Key("DNS.Resolvers", "dns.resolvers", Kind.RESOLVERS),
            new Key("DNS.MaxCacheTTL", "dns.maxCacheTTL", Kind.DURATION),
            new Key("AutoConf.Enabled", "autoConf.enabled", Kind.FLAG),
            new Key("AutoConf.URL", AUTOCONF_URL, Kind.TEXT),
            new Key("AutoConf.RefreshInterval", "autoConf.refreshInterval", Kind.DURATION),
            new Key("AutoConf.TLSInsecureSkipVerify", "autoConf.tlsInsecureSkipVerify", Kind.FLAG),
            new Key("HTTPRetrieval.Enabled", "httpRetrieval.enabled", Kind.FLAG),
            new Key("HTTPRetrieval.Allowlist", HTTP_HOSTS[0], Kind.LIST),
            new Key("HTTPRetrieval.Denylist", HTTP_HOSTS[1], Kind.LIST),
            new Key("HTTPRetrieval.NumWorkers", "httpRetrieval.numWorkers", Kind.COUNT),
            new Key("HTTPRetrieval.MaxBlockSize", "httpRetrieval.maxBlockSize", Kind.BYTES),
            new Key("HTTPRetrieval.TLSInsecureSkipVerify", "httpRetrieval.tlsInsecureSkipVerify", Kind.FLAG),
            new Key("Version.AgentSuffix", "version.agentSuffix", Kind.TEXT),
            new Key("Pubsub.Enabled", "pubsub.enabled", Kind.FLAG),
            new Key("Pubsub.Router", "pubsub.router", Kind.TEXT),
            new Key("Pubsub.DisableSigning", "pubsub.disableSigning", Kind.FLAG),
            new Key("Pubsub.SeenMessagesTTL", "pubsub.seenMessagesTTL", Kind.DURATION),
            new Key("Pubsub.SeenMessagesStrategy", "pubsub.seenMessagesStrategy", Kind.TEXT),
            new Key("Ipns.RepublishPeriod", "ipns.republishPeriod", Kind.TEXT_DURATION),
            new Key("Ipns.RecordLifetime", "ipns.recordLifetime", Kind.TEXT_DURATION),
            new Key("Ipns.ResolveCacheSize", "ipns.resolveCacheSize", Kind.COUNT),
            new Key("Ipns.MaxCacheTTL", "ipns.maxCacheTTL", Kind.DURATION),
            new Key("Experimental.FilestoreEnabled", io.p2pkit.ipfs.repo.Repository.FILESTORE_ENABLED, Kind.FLAG),
            new Key("Experimental.Libp2pStreamMounting", "experimental.libp2pStreamMounting", Kind.FLAG),
            new Key("Mounts.IPFS", "mounts.ipfs", Kind.PATH),
            new Key("Mounts.IPNS", "mounts.ipns", Kind.PATH),
            new Key("Mounts.MFS", "mounts.mfs", Kind.PATH),
            new Key("Mounts.FuseAllowOther", "mounts.fuseAllowOther", Kind.FLAG));

    /**
     * A Delegated Routing V1 HTTP router's URL, as {@code --routing-http} and
     * {@code Routing.DelegatedRouters} take it.
     *
     * @throws IllegalArgumentException when it is not an {@code http://} or {@code https://} URL with a host
     */
    public static java.net.URI routerUrl(String url) {
        try {
            java.net.URI uri = new java.net.URI(url);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException(url + ": expected an http:// or https:// URL");
            }
            return uri;
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * A delegated IPNS publisher's base URL, as {@code Ipns.DelegatedPublishers} takes it: a server's
     * URL, or the URL of its IPNS API ({@code …/routing/v1/ipns}, as Kubo's AutoConf gives them).
     *
     * @throws IllegalArgumentException when it is not an {@code http://} or {@code https://} URL with
     *                                  a host and one of those paths
     */
    public static java.net.URI publisherUrl(String url) {
        java.net.URI uri = routerUrl(url);
        String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
        if (!path.isEmpty() && !path.equals("/routing/v1/ipns")) {
            throw new IllegalArgumentException(url + ": a delegated publisher's URL has no path, or /routing/v1/ipns");
        }
        return java.net.URI.create(uri.getScheme() + "://" + uri.getRawAuthority());
    }

    /** A config edit that cannot be made; the message is what Kubo would say, or names the key. */
    public static final class EditException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        EditException(String message) {
            super(message);
        }
    }

    /** @return the Kubo keys p2pkit has, in the table's order */
    public static List<String> keys() {
        return KEYS.stream().map(Key::kubo).toList();
    }

    /**
     * The keys the file sets, in Kubo's JSON shape (nested maps; strings, booleans, longs, lists).
     *
     * @param config the repository's config
     * @return the sections, in the table's order
     */
    public static Map<String, Object> show(RepoConfig config) {
        Map<String, Object> out = new LinkedHashMap<>();
        // a profile applied before the Import keys existed here set only import.profile: show what it means
        Map<String, String> profile = ImportSettings.profileKeys(config.other().getOrDefault(ImportSettings.PROFILE, ""));
        for (Key k : KEYS) {
            if (k.kind == Kind.GATEWAYS || k.kind == Kind.AUTHORIZATIONS) {
                Map<String, Object> named = k.kind == Kind.GATEWAYS ? PublicGatewaysConfig.show(config)
                        : ApiAuthorizationsConfig.show(config);
                if (!named.isEmpty()) {
                    put(out, k.kubo, named);
                }
                continue;
            }
            if (k.kubo.equals(API_HEADERS_KEY)) {
                Map<String, List<String>> headers = apiHeaders(config);
                if (!headers.isEmpty()) {
                    put(out, k.kubo, headers);
                }
                continue;
            }
            config.get(k.file).or(() -> java.util.Optional.ofNullable(profile.get(k.file)))
                    .ifPresent(text -> put(out, k.kubo, value(k, text)));
        }
        out.put("Pinning", PinningServices.show(config)); // as Kubo's, there when empty too
        return out;
    }

    /**
     * The values the daemon uses for the keys a config file leaves out, where they do not depend on
     * anything else (Addresses.Swarm does on the platform, Swarm.ConnMgr on the resource limits).
     *
     * @return the sections, in Kubo's shape
     */
    public static Map<String, Object> defaults() {
        Map<String, Object> out = new LinkedHashMap<>();
        put(out, "Addresses.API", "/ip4/127.0.0.1/tcp/5001");
        put(out, "Addresses.Gateway", "/ip4/127.0.0.1/tcp/8080");
        put(out, "Addresses.Announce", List.of());
        put(out, "Addresses.AppendAnnounce", List.of());
        put(out, "Addresses.NoAnnounce", List.of());
        put(out, "Bootstrap", List.of());
        put(out, "Routing.Type", "auto");
        put(out, "Swarm.RelayService.Enabled", false);
        put(out, "Swarm.RelayClient.Enabled", true);
        put(out, "Swarm.EnableHolePunching", true);
        put(out, "Swarm.DisableNatPortMap", false);
        put(out, "AutoNAT.ServiceMode", "enabled");
        put(out, "Discovery.MDNS.Enabled", true);
        put(out, "Bitswap.ServerEnabled", true);
        put(out, "Bitswap.Libp2pEnabled", true);
        put(out, "Provide.Enabled", true);
        put(out, "Provide.Strategy", "all");
        put(out, "Provide.DHT.Interval", "22h");
        put(out, "Provide.DHT.MaxWorkers", 32L);
        put(out, "Provide.DHT.SweepEnabled", true);
        put(out, "Provide.DHT.ResumeEnabled", true);
        put(out, "Provide.DHT.KeystoreBatchSize", 16384L);
        put(out, "Provide.DHT.MaxProvideConnsPerWorker", 20L);
        put(out, "Provide.DHT.OfflineDelay", "2h");
        put(out, API_HEADERS_KEY, Map.of());
        put(out, "Gateway.NoDNSLink", false);
        put(out, "Gateway.NoFetch", false);
        put(out, "Gateway.DeserializedResponses", true);
        put(out, "Gateway.RetrievalTimeout", "30s");
        put(out, "Gateway.MaxConcurrentRequests", 4096L);
        put(out, "Gateway.MaxRangeRequestFileSize", "0");
        put(out, "Gateway.ExposeRoutingAPI", true);
        put(out, "Gateway.HTTPHeaders", Map.of());
        put(out, "Gateway.RootRedirect", "");
        put(out, "Gateway.DisableHTMLErrors", false);
        ImportSettings.profileKeys("unixfs-v0-2015").forEach((file, text) -> {
            Key k = KEYS.stream().filter(x -> x.file.equals(file)).findFirst().orElseThrow();
            put(out, k.kubo, value(k, text));
        });
        put(out, "Import.FastProvideRoot", true);
        put(out, "Import.FastProvideWait", false);
        put(out, "Ipns.RepublishPeriod", ""); // Kubo's "use the default": 4h
        put(out, "Ipns.RecordLifetime", ""); // 48h
        put(out, "Ipns.ResolveCacheSize", 128L);
        put(out, "DNS.Resolvers", Map.of()); // Kubo's {".": "auto"} asks its public AutoConf: p2pkit's asks nobody
        put(out, "Datastore.StorageGCWatermark", 90L); // used with daemon --enable-gc
        put(out, "Datastore.GCPeriod", "1h");
        put(out, "Pubsub.Router", "");
        put(out, "Pubsub.DisableSigning", false);
        put(out, "Experimental.FilestoreEnabled", false);
        put(out, "Experimental.Libp2pStreamMounting", false);
        put(out, "Mounts.IPFS", "/ipfs");
        put(out, "Mounts.IPNS", "/ipns");
        put(out, "Mounts.MFS", "/mfs");
        put(out, "Mounts.FuseAllowOther", false);
        return out;
    }

    /**
     * Sets one key, or a section of them (a map: its keys replace the section's, the section's
     * others are removed), as {@code ipfs config [--json|--bool] KEY VALUE}.
     *
     * @param config the repository's config
     * @param key    a Kubo key of the table, or a section (Swarm.ConnMgr)
     * @param value  what the JSON gives: String, Boolean, Number, List, Map, or null to remove
     * @return the changed config
     * @throws EditException with Kubo's text when the key is unknown or the value of the wrong type
     */
    public static RepoConfig set(RepoConfig config, String key, Object value) {
        if (key.startsWith(AUTHORIZATIONS_KEY + ".") && key.length() > AUTHORIZATIONS_KEY.length() + 1) {
            // one name of the object, as Kubo's MapSetKV sets it
            Map<String, Object> named = new LinkedHashMap<>(ApiAuthorizationsConfig.show(config));
            String name = key.substring(AUTHORIZATIONS_KEY.length() + 1);
            if (value == null) {
                named.remove(name);
            } else {
                named.put(name, value);
            }
            return store(config, find(AUTHORIZATIONS_KEY), named);
        }
        for (String mapKey : List.of(HEADERS_KEY, API_HEADERS_KEY)) {
            if (key.startsWith(mapKey + ".") && key.length() > mapKey.length() + 1) {
                // one header of the map, as Kubo's MapSetKV sets it
                Key k = find(mapKey);
                Map<String, Object> headers = new LinkedHashMap<>(mapKey.equals(API_HEADERS_KEY) ? apiHeaders(config)
                        : config.get(k.file).map(text -> httpHeaders(mapKey, text)).orElse(Map.of()));
                String name = key.substring(mapKey.length() + 1);
                if (value == null) {
                    headers.remove(name);
                } else {
                    headers.put(name, value);
                }
                return store(config, k, headers);
            }
        }
        if (value instanceof Map<?, ?> m && KEYS.stream().noneMatch(k -> k.kubo.equals(key))) {
            List<Key> section = KEYS.stream().filter(k -> k.kubo.startsWith(key + ".")).toList();
            if (section.isEmpty()) {
                throw unknown(key);
            }
            Map<String, Object> flat = new LinkedHashMap<>();
            flatten(key, m, flat);
            for (String given : flat.keySet()) {
                find(given);
            }
            RepoConfig out = config;
            for (Key k : section) {
                out = store(out, k, flat.get(k.kubo));
            }
            return out;
        }
        return store(config, find(key), value);
    }

    /**
     * Replaces the config with a Kubo config JSON, as {@code ipfs config replace}: every key of the
     * table takes the document's value, or its default when the document leaves it out; keys the
     * table does not have are left out (Kubo's config has many), and named in {@code ignored}.
     *
     * @param config   the repository's config
     * @param document the parsed JSON object
     * @param ignored  receives the document's keys p2pkit has no place for (Identity excepted), sorted
     * @return the new config
     * @throws EditException when a value has the wrong type
     */
    public static RepoConfig replace(RepoConfig config, Map<?, ?> document, List<String> ignored) {
        Map<String, Object> flat = new LinkedHashMap<>();
        flatten("", document, flat);
        RepoConfig out = config;
        for (Key k : KEYS) {
            out = store(out, k, flat.get(k.kubo));
        }
        for (String key : flat.keySet()) {
            if (KEYS.stream().noneMatch(k -> k.kubo.equals(key)) && !key.startsWith("Identity.")
                    && !key.equals("Identity")) {
                ignored.add(key);
            }
        }
        ignored.sort(null);
        return out;
    }

    /**
     * Reads the headers a file keeps for {@code Gateway.HTTPHeaders}.
     *
     * @param text the file key's JSON text
     * @return header name to values, in the text's order
     * @throws EditException when the text is not such an object
     */
    public static Map<String, List<String>> httpHeaders(String text) {
        return httpHeaders(HEADERS_KEY, text);
    }

    /**
     * Kubo's {@code API.HTTPHeaders}: the file's {@code api.httpHeaders} with its
     * {@code api.allowedOrigins} as {@value #ALLOW_ORIGIN}.
     *
     * @param config the repository's config
     * @return header name to values, the origins first; empty when neither is set
     * @throws EditException when {@code api.httpHeaders} is not a JSON object of arrays of strings
     */
    public static Map<String, List<String>> apiHeaders(RepoConfig config) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        config.get(ORIGINS.file).ifPresent(text -> out.put(ALLOW_ORIGIN, split(text)));
        config.get("api.httpHeaders").ifPresent(text -> out.putAll(httpHeaders(API_HEADERS_KEY, text)));
        return out;
    }

    /**
     * Reads the headers a file keeps for a map of headers.
     *
     * @param key  the Kubo key, for errors: {@code Gateway.HTTPHeaders} or {@code API.HTTPHeaders}
     * @param text the file key's JSON text
     * @return header name to values, in the text's order
     * @throws EditException when the text is not such an object
     */
    public static Map<String, List<String>> httpHeaders(String key, String text) {
        if (!(parseJson(text) instanceof Map<?, ?> m)) {
            throw new EditException(key + ": not a JSON object: " + text);
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getValue() instanceof List<?> values) || values.stream().anyMatch(v -> !(v instanceof String))) {
                throw new EditException(key + "." + e.getKey() + ": not an array of strings");
            }
            out.put(String.valueOf(e.getKey()), values.stream().map(String.class::cast).toList());
        }
        return out;
    }

    /**
     * Reads the file's {@code DNS.Resolvers}.
     *
     * @param text the file key's JSON text
     * @return domain to URL, in the text's order
     * @throws EditException when the text is not an object of strings
     */
    public static Map<String, String> resolvers(String text) {
        if (!(parseJson(text) instanceof Map<?, ?> m)) {
            throw new EditException("DNS.Resolvers: not a JSON object: " + text);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getValue() instanceof String url)) {
                throw new EditException("DNS.Resolvers." + e.getKey() + ": not a string");
            }
            out.put(String.valueOf(e.getKey()), url);
        }
        return out;
    }

    /** The profiles {@code init --profile} and {@code config profile apply} know. */
    public static final List<String> PROFILES = List.of("test", "server", "local-discovery", "default-networking",
            "randomports", "lowpower", "flatfs", "default-datastore", "unixfs-v0-2015", "legacy-cid-v0",
            "unixfs-v1-2025", "test-cid-v1", "test-cid-v1-wide", "announce-off", "announce-on", "autoconf-on",
            "autoconf-off");

    /**
     * Kubo's {@code defaultServerFilters}: the IPv4 and IPv6 ranges IANA marks private, local or
     * unroutable, which the {@code server} profile neither announces nor dials.
     */
    static final List<String> SERVER_FILTERS = List.of("/ip4/10.0.0.0/ipcidr/8", "/ip4/100.64.0.0/ipcidr/10",
            "/ip4/169.254.0.0/ipcidr/16", "/ip4/172.16.0.0/ipcidr/12", "/ip4/192.0.0.0/ipcidr/24",
            "/ip4/192.0.2.0/ipcidr/24", "/ip4/192.168.0.0/ipcidr/16", "/ip4/198.18.0.0/ipcidr/15",
            "/ip4/198.51.100.0/ipcidr/24", "/ip4/203.0.113.0/ipcidr/24", "/ip4/240.0.0.0/ipcidr/4",
            "/ip6/100::/ipcidr/64", "/ip6/2001:2::/ipcidr/48", "/ip6/2001:db8::/ipcidr/32", "/ip6/fc00::/ipcidr/7",
            "/ip6/fe80::/ipcidr/10");

    /**
     * Applies one profile (see {@link #PROFILES}) as {@code p2pkit init --profile} does.
     *
     * @param config the repository's config
     * @param name   the profile
     * @return the changed config
     * @throws EditException when there is no such profile
     */
    public static RepoConfig applyProfile(RepoConfig config, String name) {
        return switch (name.strip()) {
            // Kubo's test profile (nothing outside loopback, ports the system picks), and no fsync
            case "test" -> config.with("addresses.api", "/ip4/127.0.0.1/tcp/0")
                    .with("addresses.gateway", "/ip4/127.0.0.1/tcp/0")
                    .with("addresses.swarm", "/ip4/127.0.0.1/tcp/0")
                    .with("swarm.disableNatPortMap", "true").with("bootstrap", "")
                    .with("discovery.mdns.enabled", "false").with("blockstore.syncWrites", "false")
                    .with("autoConf.enabled", "false").with("dns.resolvers", "{}")
                    .with(DELEGATED_ROUTERS, "").with(DELEGATED_PUBLISHERS, "");
            // Kubo's: no private ranges announced or dialed, no mDNS, no port mapping; and back
            case "server" -> config.with("addresses.noAnnounce", listWith(config, "addresses.noAnnounce", true))
                    .with("swarm.addrFilters", listWith(config, "swarm.addrFilters", true))
                    .with("discovery.mdns.enabled", "false").with("swarm.disableNatPortMap", "true");
            case "local-discovery" -> config.with("addresses.noAnnounce", listWith(config, "addresses.noAnnounce", false))
                    .with("swarm.addrFilters", listWith(config, "swarm.addrFilters", false))
                    .with("discovery.mdns.enabled", "true").with("swarm.disableNatPortMap", "false");
            // Kubo's inverse of test: the default addresses and bootstrap peers (p2pkit's: none), discovery on
            case "default-networking" -> config.with("addresses.api", null).with("addresses.gateway", null)
                    .with("addresses.swarm", null).with("addresses.announce", null)
                    .with("addresses.appendAnnounce", null).with("addresses.noAnnounce", null)
                    .with("bootstrap", null).with("swarm.disableNatPortMap", "false")
                    .with("discovery.mdns.enabled", "true");
            // Kubo's: TCP on a port free now, on both families (its QUIC and WebTransport addresses go, as in Kubo)
            case "randomports" -> {
                int port = freePort();
                yield config.with("addresses.swarm", "/ip4/0.0.0.0/tcp/" + port + ", /ip6/::/tcp/" + port);
            }
            // Kubo's (no DHT server, AutoNAT service or relay service; 20 to 40 connections), and a
            // small memory tier, p2pkit's own
            case "lowpower" -> config.with("blockstore.memory.maxBytes", "16MiB")
                    .with("blockstore.memory.maxBlocks", "4096").with("routing.type", "autoclient")
                    .with("autonat.serviceMode", "disabled").with("swarm.relayService.enabled", "false")
                    .with("swarm.connMgr.type", "basic")
                    .with("swarm.connMgr.lowWater", "20").with("swarm.connMgr.highWater", "40")
                    .with("swarm.connMgr.gracePeriod", "1m0s");
            case "flatfs", "default-datastore", "default", "" -> config;
            case "pebbleds", "pebbleds-measure", "badgerds", "badgerds-measure", "flatfs-measure" ->
                    throw new EditException("profile '" + name.strip() + "' is a datastore p2pkit does not have: "
                            + "its blocks are in flatfs, the rest in its own files (profile flatfs)");
            // Kubo's import profiles set every Import key; the two of IPIP-499 also name the base
            case "unixfs-v0-2015", "legacy-cid-v0", "unixfs-v1-2025" -> importKeys(
                    config.with(ImportSettings.PROFILE, name.strip().equals("unixfs-v1-2025") ? "unixfs-v1-2025"
                            : "unixfs-v0-2015"), name.strip());
            case "test-cid-v1", "test-cid-v1-wide" -> importKeys(config, name.strip());
            // Kubo's pair: nothing announced, and back (the interval set explicitly, as Kubo's)
            case "announce-off" -> config.with("provide.enabled", "false").with("reprovider.interval", "0");
            case "announce-on" -> config.with("provide.enabled", "true").with("reprovider.interval", "22h");
            // Kubo's pair: every AutoConf field "auto", or none and AutoConf off. Kubo's "on" also sets
            // its public AutoConf.URL when none is set; p2pkit asks no public server, so the URL is the user's
            case "autoconf-on" -> config.with("bootstrap", AutoConf.AUTO).with("dns.resolvers", "{\".\":\"auto\"}")
                    .with(DELEGATED_ROUTERS, AutoConf.AUTO).with(DELEGATED_PUBLISHERS, AutoConf.AUTO)
                    .with("autoConf.enabled", "true");
            case "autoconf-off" -> config.with("bootstrap", null).with("dns.resolvers", null)
                    .with(DELEGATED_ROUTERS, null).with(DELEGATED_PUBLISHERS, null).with("autoConf.enabled", "false");
            default -> throw new EditException("unknown profile '" + name + "' (expected "
                    + String.join(", ", PROFILES) + ")");
        };
    }

    /** A comma-separated list key with the server filters added (as Kubo's appendSingle) or removed (deleteEntries). */
    private static String listWith(RepoConfig config, String key, boolean add) {
        java.util.LinkedHashSet<String> items = new java.util.LinkedHashSet<>(split(config.get(key).orElse("")));
        if (add) {
            items.addAll(SERVER_FILTERS);
        } else {
            items.removeAll(SERVER_FILTERS);
        }
        return String.join(", ", items);
    }

    /** A TCP port nothing listens on now, as Kubo's getAvailablePort finds one. */
    private static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new EditException("profile randomports: no free port found: " + e.getMessage());
        }
    }

    private static RepoConfig importKeys(RepoConfig config, String profile) {
        RepoConfig out = config;
        for (Map.Entry<String, String> e : ImportSettings.profileKeys(profile).entrySet()) {
            out = out.with(e.getKey(), e.getValue());
        }
        return out;
    }

    private static Key find(String kuboKey) {
        for (Key k : KEYS) {
            if (k.kubo.equals(kuboKey)) {
                return k;
            }
        }
        String renamed = RENAMED.get(kuboKey);
        if (renamed != null) {
            // Kubo 0.38's daemon refuses the old keys too; naming the new one saves a search
            throw new EditException("failed to set config value: " + kuboKey + " was removed in Kubo 0.38: use "
                    + renamed);
        }
        throw unknown(kuboKey);
    }

    /** Keys Kubo 0.38 replaced (fs-repo migration 17 to 18), and their replacements. */
    private static final Map<String, String> RENAMED = Map.of(
            "Reprovider.Strategy", "Provide.Strategy",
            "Reprovider.Interval", "Provide.DHT.Interval",
            "Provider.Enabled", "Provide.Enabled",
            "Provider.Strategy", "Provide.Strategy");

    private static EditException unknown(String key) {
        return new EditException("failed to set config value: p2pkit has no config key \"" + key + "\" (it has "
                + String.join(", ", keys()) + ")");
    }

    private static void flatten(String prefix, Map<?, ?> m, Map<String, Object> out) {
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String key = prefix.isEmpty() ? String.valueOf(e.getKey()) : prefix + "." + e.getKey();
            // a map is a section, except where the table has a key for it
            if (e.getValue() instanceof Map<?, ?> inner && KEYS.stream().noneMatch(k -> k.kubo.equals(key))) {
                flatten(key, inner, out);
            } else {
                out.put(key, e.getValue());
            }
        }
    }

    private static EditException wrongType(Key k, Object value) {
        String given = value instanceof String ? "string" : value instanceof Boolean ? "bool"
                : value instanceof Number ? "number" : value instanceof List<?> ? "array" : "object";
        int dot = k.kubo.lastIndexOf('.');
        String struct = dot < 0 ? "Config" : k.kubo.substring(k.kubo.lastIndexOf('.', dot - 1) + 1, dot);
        return new EditException("failed to set config value: failure to decode config: json: cannot unmarshal "
                + given + " into Go struct field " + struct + "." + k.kubo + " of type " + k.kind.goType
                + " (maybe use --json?)");
    }

    private static EditException badValue(String detail) {
        return new EditException("failed to set config value: failure to decode config: " + detail
                + " (maybe use --json?)");
    }

    /** Checks {@code value} for {@code k} and writes it to the file key; null removes it. */
    private static RepoConfig store(RepoConfig config, Key k, Object value) {
        if (k.kind == Kind.GATEWAYS) {
            return PublicGatewaysConfig.store(config, value);
        }
        if (k.kind == Kind.AUTHORIZATIONS) {
            return ApiAuthorizationsConfig.store(config, value);
        }
        if (k.kubo.equals(API_HEADERS_KEY)) {
            return storeApiHeaders(config, k, value);
        }
        String text = value == null ? null : text(k, value);
        if (text != null && ImportSettings.KUBO_NAMES.containsKey(k.file)) {
            try {
                ImportSettings.check(k.file, text);
            } catch (IllegalArgumentException e) { // Kubo's own words, which it says when its node starts
                throw new EditException("failed to set config value: " + e.getMessage());
            }
        }
        try {
            return config.with(k.file, text);
        } catch (RepoConfigException e) {
            throw badValue(e.getMessage());
        }
    }

    /**
     * Stores {@code API.HTTPHeaders}: its origins as the comma-separated {@code api.allowedOrigins}
     * (the form this file had before it kept the other headers), the rest as JSON.
     */
    private static RepoConfig storeApiHeaders(RepoConfig config, Key k, Object value) {
        if (value != null && !(value instanceof Map<?, ?>)) {
            throw wrongType(k, value);
        }
        Map<Object, Object> rest = new LinkedHashMap<>(value == null ? Map.of() : (Map<?, ?>) value);
        Object origins = null;
        for (Object name : List.copyOf(rest.keySet())) {
            if (String.valueOf(name).equalsIgnoreCase(ALLOW_ORIGIN)) {
                origins = rest.remove(name);
            }
        }
        // [] kept as an empty list: Kubo shows it
        String originText = origins == null ? null : text(ORIGINS, origins);
        try {
            return config.with(ORIGINS.file, originText).with(k.file, rest.isEmpty() ? null : text(k, rest));
        } catch (RepoConfigException e) {
            throw badValue(e.getMessage());
        }
    }

    private static String text(Key k, Object value) {
        return switch (k.kind) {
            case LIST -> {
                List<String> items = strings(k, value, false);
                for (String item : items) {
                    if (item.contains(",") || item.isBlank()) {
                        throw badValue(k.kubo + ": '" + item + "' is empty or has a comma");
                    }
                    if (k.file.equals(DELEGATED_ROUTERS) || k.file.equals(DELEGATED_PUBLISHERS)) {
                        if (!item.equals("auto")) {
                            try {
                                if (k.file.equals(DELEGATED_ROUTERS)) {
                                    routerUrl(item);
                                } else {
                                    publisherUrl(item);
                                }
                            } catch (IllegalArgumentException e) {
                                throw badValue(k.kubo + ": " + e.getMessage());
                            }
                        }
                    } else if (k.file.equals(IGNORE_PROVIDERS)) {
                        try {
                            io.p2pkit.core.identity.PeerId.parse(item);
                        } catch (RuntimeException e) {
                            throw badValue(k.kubo + ": not a peer ID: " + item);
                        }
                    } else if (k.file.equals(HTTP_HOSTS[0]) || k.file.equals(HTTP_HOSTS[1])) {
                        if (!item.matches("[A-Za-z0-9.:_\\[\\]-]+")) {
                            throw badValue(k.kubo + ": '" + item + "' is not a host name");
                        }
                    } else if (k.file.equals("bootstrap") && item.equals(AutoConf.AUTO)) {
                        continue; // AutoConf's placeholder, replaced when the daemon starts
                    } else if (!k.file.equals("api.allowedOrigins")) {
                        multiaddr(k, item);
                    }
                    if (k.file.equals("bootstrap") && Multiaddr.parse(item).peerId().isEmpty()) {
                        throw badValue(k.kubo + ": " + item + " does not end in /p2p/<peer ID>");
                    }
                    if (k.file.equals("swarm.addrFilters")) {
                        try {
                            io.p2pkit.node.AddressFilters.canonical(item);
                        } catch (IllegalArgumentException e) {
                            throw badValue(k.kubo + ": " + item + ": " + e.getMessage());
                        }
                    }
                }
                yield String.join(", ", items);
            }
            case ADDRESS -> {
                List<String> items = strings(k, value, true);
                if (items.size() > 1) {
                    throw badValue(k.kubo + ": p2pkit serves on one address, not " + items.size());
                }
                if (items.isEmpty()) {
                    yield "off";
                }
                multiaddr(k, items.get(0));
                yield items.get(0);
            }
            case WORD -> {
                if (!(value instanceof String s)) {
                    throw wrongType(k, value);
                }
                if (!k.words.contains(s)) {
                    throw badValue(k.kubo + ": '" + s + "' is not one of " + String.join(", ", k.words));
                }
                yield s;
            }
            case COUNT -> {
                if (!(value instanceof Long || value instanceof Integer)) {
                    throw wrongType(k, value);
                }
                long n = ((Number) value).longValue();
                if (n < 0 || n > Integer.MAX_VALUE) {
                    throw badValue(k.kubo + ": " + n + " is not from 0 to " + Integer.MAX_VALUE);
                }
                yield Long.toString(n);
            }
            case INTEGER -> {
                if (!(value instanceof Long || value instanceof Integer)) {
                    throw wrongType(k, value);
                }
                long n = ((Number) value).longValue();
                if (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
                    throw badValue(k.kubo + ": " + n + " does not fit 32 bits");
                }
                yield Long.toString(n);
            }
            case PRIORITY -> {
                if (Boolean.FALSE.equals(value)) {
                    yield "false";
                }
                if (Boolean.TRUE.equals(value)) {
                    throw badValue("'true' is not a valid priority");
                }
                if (!(value instanceof Long || value instanceof Integer)) {
                    throw wrongType(k, value);
                }
                long n = ((Number) value).longValue();
                if (n <= 0) {
                    throw badValue("priority must be positive: " + n + " <= 0");
                }
                yield Long.toString(n);
            }
            case FLAG -> {
                if (!(value instanceof Boolean b)) {
                    throw badValue("failed to unmarshal " + quoted(value) + " into a flag: must be null/undefined, "
                            + "true, or false");
                }
                yield b.toString();
            }
            case DURATION -> {
                if (!(value instanceof String s)) {
                    throw wrongType(k, value);
                }
                duration(s);
                yield s;
            }
            case TEXT_DURATION -> {
                if (!(value instanceof String s)) {
                    throw wrongType(k, value);
                }
                if (!s.isEmpty()) {
                    duration(s);
                }
                yield s;
            }
            case SIZE -> {
                if (!(value instanceof String s)) {
                    throw wrongType(k, value);
                }
                yield s;
            }
            case BYTES -> {
                if (value instanceof Long || value instanceof Integer) {
                    if (((Number) value).longValue() < 0) {
                        throw badValue(k.kubo + ": " + value + " is not a size");
                    }
                    yield value.toString();
                }
                if (!(value instanceof String s)) {
                    throw badValue("unable to parse byte size, expected a size string (e.g., \"5GiB\") or a number");
                }
                try {
                    RepoConfig.size(k.file, s);
                } catch (RepoConfigException e) {
                    throw badValue(e.getMessage());
                }
                yield s;
            }
            case TEXT -> {
                if (!(value instanceof String s)) {
                    throw wrongType(k, value);
                }
                if (s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
                    throw badValue(k.kubo + ": one line, not " + s.strip());
                }
                if (k.file.equals(AUTOCONF_URL) && !s.isEmpty()) {
                    try {
                        AutoConfClient.url(s);
                    } catch (IllegalArgumentException e) {
                        throw badValue(k.kubo + ": " + e.getMessage());
                    }
                }
                yield s;
            }
            case GATEWAYS -> throw new IllegalStateException("stored by PublicGatewaysConfig");
            case AUTHORIZATIONS -> throw new IllegalStateException("stored by ApiAuthorizationsConfig");
            case PEERS -> {
                if (!(value instanceof List<?>)) {
                    throw wrongType(k, value);
                }
                try {
                    yield PeeringConfig.text(value);
                } catch (IllegalArgumentException e) {
                    throw badValue(e.getMessage());
                }
            }
            case HEADERS -> {
                if (!(value instanceof Map<?, ?> m)) {
                    throw wrongType(k, value);
                }
                Map<String, List<String>> headers = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    String name = String.valueOf(e.getKey());
                    try {
                        headers.put(name, HttpHeaderText.values(HttpHeaderText.name(name), strings(k, e.getValue(), false)));
                    } catch (IllegalArgumentException x) {
                        throw badValue(k.kubo + ": " + x.getMessage());
                    }
                }
                yield io.p2pkit.node.json.Json.write(headers);
            }
            case RESOLVERS -> {
                if (!(value instanceof Map<?, ?> m)) {
                    throw wrongType(k, value);
                }
                Map<String, String> resolvers = new java.util.TreeMap<>(); // sorted, as Go writes a map
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!(e.getValue() instanceof String url)) {
                        throw wrongType(k, e.getValue());
                    }
                    try {
                        io.p2pkit.node.dnslink.DnsResolvers.check(String.valueOf(e.getKey()), url);
                    } catch (IllegalArgumentException x) {
                        throw badValue(k.kubo + ": " + x.getMessage());
                    }
                    resolvers.put(String.valueOf(e.getKey()), url);
                }
                if (resolvers.size() > io.p2pkit.node.dnslink.DnsResolvers.MAX_ENTRIES) {
                    throw badValue(k.kubo + ": more than " + io.p2pkit.node.dnslink.DnsResolvers.MAX_ENTRIES + " entries");
                }
                yield io.p2pkit.node.json.Json.write(resolvers);
            }
            case PATH -> {
                if (!(value instanceof String s)) {
                    throw wrongType(k, value);
                }
                if (s.isEmpty() || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
                    throw badValue(k.kubo + ": a path, not empty and on one line");
                }
                yield s;
            }
        };
    }

    private static String quoted(Object value) {
        return "\"" + (value instanceof String s ? s : io.p2pkit.node.json.Json.write(value)) + "\"";
    }

    private static List<String> strings(Key k, Object value, boolean one) {
        if (one && value instanceof String s) {
            return List.of(s);
        }
        if (!(value instanceof List<?> list)) {
            throw wrongType(k, value);
        }
        List<String> out = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof String s)) {
                throw wrongType(k, o);
            }
            out.add(s);
        }
        return out;
    }

    private static void multiaddr(Key k, String text) {
        try {
            Multiaddr.parse(text);
        } catch (IllegalArgumentException e) { // a DecodeException among them
            throw badValue(k.kubo + ": not a multiaddr: " + text + " (" + e.getMessage() + ")");
        }
    }

    /**
     * Checks a Go duration ({@code 300ms}, {@code 1h30m}), as Kubo's {@code time.ParseDuration}.
     *
     * @param text the duration
     * @return it, at nanosecond precision
     * @throws EditException with Go's text when it is not one
     */
    public static java.time.Duration duration(String text) {
        if (text.strip().startsWith("-")) {
            throw badValue("time: a negative duration \"" + text + "\" is not a period");
        }
        try {
            return GoDurations.parse(text);
        } catch (IllegalArgumentException e) {
            throw badValue(e.getMessage());
        }
    }

    /**
     * One entry of a config, found as Kubo's MapGetKV finds it: dotted, case-sensitive.
     *
     * @param config the config, in Kubo's shape
     * @param key    the dotted key
     * @return its value (a section is a map)
     * @throws EditException with Kubo's text: {@code failed to get config value: "X not found"}, or
     *                       {@code "X key is not a map"}
     */
    public static Object lookup(Map<String, Object> config, String key) {
        Object cursor = config;
        String[] parts = key.split("\\.", -1);
        for (int i = 0; i < parts.length; i++) {
            String sofar = String.join(".", Arrays.copyOfRange(parts, 0, i));
            if (!(cursor instanceof Map<?, ?> m)) {
                throw new EditException("failed to get config value: \"" + sofar + " key is not a map\"");
            }
            if (!m.containsKey(parts[i])) {
                throw new EditException("failed to get config value: \"" + (sofar.isEmpty() ? "" : sofar + ".")
                        + parts[i] + " not found\"");
            }
            cursor = m.get(parts[i]);
        }
        return cursor;
    }

    /** The JSON value of a file text, as Kubo shows it. */
    private static Object value(Key k, String text) {
        return switch (k.kind) {
            case LIST -> split(text);
            case ADDRESS -> text.equals("off") ? List.of() : text;
            case COUNT, INTEGER -> parseCount(text);
            case PRIORITY -> text.strip().equals("false") ? (Object) Boolean.FALSE : parseCount(text);
            case FLAG -> Boolean.parseBoolean(text.strip());
            case WORD, DURATION, TEXT_DURATION, SIZE, BYTES, TEXT -> text.strip(); // Kubo writes OptionalBytes as a string
            case PATH -> text;
            case HEADERS -> httpHeaders(text);
            case GATEWAYS -> throw new IllegalStateException("shown by PublicGatewaysConfig");
            case AUTHORIZATIONS -> throw new IllegalStateException("shown by ApiAuthorizationsConfig");
            case PEERS -> PeeringConfig.show(text);
            case RESOLVERS -> resolvers(text);
        };
    }

    private static Object parseCount(String text) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            return text.strip(); // shown as the file has it; the daemon reports it at start
        }
    }

    /** A comma-separated list of the file, its blank items left out. */
    public static List<String> split(String list) {
        return Arrays.stream(list.split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList();
    }

    @SuppressWarnings("unchecked")
    private static void put(Map<String, Object> root, String dotted, Object value) {
        String[] parts = dotted.split("\\.");
        Map<String, Object> m = root;
        for (int i = 0; i < parts.length - 1; i++) {
            m = (Map<String, Object>) m.computeIfAbsent(parts[i], x -> new LinkedHashMap<String, Object>());
        }
        m.put(parts[parts.length - 1], value);
    }

    /** @return {@code config} without the file keys that start with {@code prefix} (an object kept as several keys) */
    static RepoConfig withoutKeysUnder(RepoConfig config, String prefix) {
        RepoConfig out = config;
        for (String key : List.copyOf(config.other().keySet())) {
            if (key.startsWith(prefix)) {
                out = out.with(key, null);
            }
        }
        return out;
    }

    /**
     * What {@code config show} prints of a config: the RPC secrets ({@code API.Authorizations})
     * emptied, as Kubo's {@code config show} empties them; {@code config API.Authorizations} still
     * gives them, as in Kubo.
     *
     * @param shown the config in Kubo's shape
     * @return a copy without the secrets
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> withoutSecrets(Map<String, Object> shown) {
        if (!(shown.get("API") instanceof Map<?, ?> api) || !api.containsKey("Authorizations")) {
            return shown;
        }
        Map<String, Object> out = new LinkedHashMap<>(shown);
        Map<String, Object> apiCopy = new LinkedHashMap<>((Map<String, Object>) api);
        apiCopy.put("Authorizations", Map.of());
        out.put("API", apiCopy);
        return out;
    }

    /**
     * The sections of {@code a} and {@code b} merged, {@code b}'s values winning.
     *
     * @param a the base (the running node's settings)
     * @param b the overlay (the file's)
     * @return a new map
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> merge(Map<String, Object> a, Map<String, Object> b) {
        Map<String, Object> out = new LinkedHashMap<>(a);
        for (Map.Entry<String, Object> e : b.entrySet()) {
            if (out.get(e.getKey()) instanceof Map<?, ?> left && e.getValue() instanceof Map<?, ?> right) {
                out.put(e.getKey(), merge((Map<String, Object>) left, (Map<String, Object>) right));
            } else {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    /**
     * A change to a repository's config file: before and after.
     *
     * @param before the config read
     * @param after  the config written (the same as before on a dry run)
     */
    public record Edit(RepoConfig before, RepoConfig after) {
    }

    /** Edits in this process one at a time, so that two RPC calls do not lose each other's change. */
    private static final java.util.concurrent.locks.ReentrantLock EDITS = new java.util.concurrent.locks.ReentrantLock();

    /**
     * Reads a repository's config, changes it and, unless {@code dryRun}, writes it back atomically
     * ({@link io.p2pkit.ipfs.repo.Repository#writeConfig}).
     *
     * @param root   the repository
     * @param change the change; its exceptions reach the caller and nothing is written
     * @param dryRun compute the change only
     * @return the config before and after
     * @throws java.io.IOException when the file cannot be read or written
     */
    public static Edit edit(java.nio.file.Path root, java.util.function.UnaryOperator<RepoConfig> change, boolean dryRun)
            throws java.io.IOException {
        EDITS.lock();
        try {
            RepoConfig before = io.p2pkit.ipfs.repo.Repository.readConfig(root);
            RepoConfig after = change.apply(before);
            if (!dryRun) {
                io.p2pkit.ipfs.repo.Repository.writeConfig(root, after);
            }
            return new Edit(before, after);
        } finally {
            EDITS.unlock();
        }
    }

    /**
     * Parses JSON text as {@code ipfs config --json} does.
     *
     * @param json the text
     * @return String, Boolean, Long, Double, List, Map (in the text's key order) or null
     * @throws EditException {@code failed to unmarshal json. …} when it is not JSON
     */
    public static Object parseJson(String json) {
        io.p2pkit.ipfs.ipld.Node node;
        try {
            node = io.p2pkit.ipfs.codec.dagjson.DagJson.DEFAULT.decode(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (RuntimeException e) { // a DecodeException among them
            throw new EditException("failed to unmarshal json. " + e.getMessage());
        }
        return plain(node);
    }

    private static Object plain(io.p2pkit.ipfs.ipld.Node node) {
        return switch (node) {
            case io.p2pkit.ipfs.ipld.MapNode m -> {
                Map<String, Object> out = new LinkedHashMap<>();
                m.forEach((k, v) -> out.put(k, plain(v)));
                yield out;
            }
            case io.p2pkit.ipfs.ipld.ListNode l -> {
                List<Object> out = new ArrayList<>();
                l.values().forEach(v -> out.add(plain(v)));
                yield out;
            }
            case io.p2pkit.ipfs.ipld.StringNode str -> str.value();
            case io.p2pkit.ipfs.ipld.BoolNode b -> b.value();
            case io.p2pkit.ipfs.ipld.IntNode i -> i.fitsLong() ? (Object) i.longValue() : i.bigIntegerValue();
            case io.p2pkit.ipfs.ipld.FloatNode f -> f.value();
            case io.p2pkit.ipfs.ipld.NullNode n -> null;
            default -> throw new EditException("failed to unmarshal json. " + node.kind() + " is not JSON config");
        };
    }
}
