package io.p2pkit.node.cli.command;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multibase;
import io.p2pkit.ipfs.path.IpfsUri;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.config.GoDurations;
import io.p2pkit.node.names.NameCache;
import io.p2pkit.node.names.PublishedNames;
import io.p2pkit.kad.KadDht;
import io.p2pkit.kad.PutResult;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.cli.content.DaemonApi;
import io.p2pkit.node.cli.content.IpnsNames;
import io.p2pkit.node.dnslink.DnsLinkResolver;
import io.p2pkit.node.cli.options.DurationConverter;
import io.p2pkit.node.cli.options.RepoOption;
import io.p2pkit.node.config.Keystore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code p2pkit name}: IPNS over the DHT, Kubo's {@code ipfs name publish|resolve|inspect}. */
@Command(name = "name", description = {
        "Publish and resolve IPNS names over the DHT, and inspect IPNS records.",
        "",
        "publish and resolve without --bootstrap go through the daemon that holds the repository, as Kubo's do "
                + "(publish then checks that the path resolves unless --resolve=false). With --bootstrap, and get and "
                + "put always, they start a node in DHT client mode that joins through those peers, as "
                + "'p2pkit routing' does. Records are IPNS v2 (signed CBOR data, with the v1 fields Kubo still "
                + "reads), validity EOL; the name is the key's peer ID.",
        ""},
        subcommands = {NameCommand.Publish.class, NameCommand.Resolve.class, NameCommand.Get.class, NameCommand.Put.class,
                NameCommand.Inspect.class, NamePubsubCommand.class})
public final class NameCommand extends CliCommand {
    @Override
    public int run() {
        throw new UsageException("missing subcommand: publish, resolve, get, put or inspect");
    }

    @Command(name = "get", description = {"Get a name's signed IPNS record.", "",
            "Writes the best valid record the DHT holds for NAME (k51…, a peer ID, with or without /ipns/) to stdout as "
                    + "it is: what 'p2pkit name inspect' reads and 'p2pkit name put' stores again (Kubo 0.40's 'ipfs "
                    + "name get'). Exits 1 when no valid record was found.", "", RoutingCommand.DEFAULTS, ""},
            footer = {"", "With --json: {\"Name\":…,\"Record\":<base64>}"})
    static final class Get extends RoutingCommand.Operation {
        @Parameters(paramLabel = "NAME", description = "/ipns/<name> or <name>")
        String nameText;

        private PeerId name;

        @Override
        String commandName() {
            return "name get";
        }

        @Override
        void prepare() {
            name = IpnsNames.parseName(nameText);
        }

        @Override
        int operate(KadDht dht) throws Exception {
            Optional<byte[]> record = dht.getValue(IpnsNames.dhtKey(name), 1).value(); // validated by the DHT
            if (record.isEmpty()) {
                console().info("p2pkit name get: no valid record found for /ipns/" + name.toString(Multibase.Encoding.BASE36));
                return 1;
            }
            if (options.output.json()) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("Name", name.toString(Multibase.Encoding.BASE36));
                o.put("Record", java.util.Base64.getEncoder().encodeToString(record.get()));
                console().json(o);
            } else {
                console().out().write(record.get());
                console().out().flush();
            }
            return 0;
        }
    }

    @Command(name = "put", description = {"Store a signed IPNS record in the DHT.", "",
            "Puts a record signed elsewhere (from FILE or stdin, such as 'p2pkit name get' writes) to the DHT servers "
                    + "closest to NAME, as Kubo 0.40's 'ipfs name put': no private key is needed. Unless --force, "
                    + "the record must be at most 10 KiB, well formed, signed for NAME and in force, and its sequence "
                    + "number above that of the record the DHT holds (the same record may be put again); --force "
                    + "skips these checks (the DHT servers still judge it). Exits 1 when no server took it.", "",
                    RoutingCommand.DEFAULTS, ""},
            footer = {"", "With --json: {\"Name\":…,\"Value\":…}"})
    static final class Put extends RoutingCommand.Operation {
        @Parameters(index = "0", paramLabel = "NAME", description = "/ipns/<name> or <name>")
        String nameText;

        @Parameters(index = "1", arity = "0..1", paramLabel = "FILE", description = "the record (default: stdin)")
        java.nio.file.Path file;

        @Option(names = {"-f", "--force"}, description = "skip the checks of size, signature and sequence")
        boolean force;

        @Option(names = {"-q", "--quiet"}, description = "write nothing")
        boolean quiet;

        private PeerId name;
        private byte[] record;
        private io.p2pkit.kad.record.IpnsRecord checked; // null with --force

        @Override
        String commandName() {
            return "name put";
        }

        @Override
        void prepare() throws Exception {
            name = IpnsNames.parseName(nameText);
            try (java.io.InputStream in = (file != null ? io.p2pkit.node.cli.content.InputData.file(file)
                    : io.p2pkit.node.cli.content.InputData.stdin(console())).open()) {
                record = in.readNBytes(1 << 20); // as Kubo: at most 1 MiB read, the size checked below
            }
            if (record.length == 0) {
                throw new io.p2pkit.node.cli.CommandFailedException("record is empty");
            }
            if (!force) {
                try {
                    checked = IpnsNames.checkRecord(name, record); // before a node starts
                } catch (IllegalArgumentException e) {
                    throw new io.p2pkit.node.cli.CommandFailedException(e.getMessage());
                }
            }
        }

        @Override
        int operate(KadDht dht) throws Exception {
            byte[] key = IpnsNames.dhtKey(name);
            if (checked != null) {
                try {
                    IpnsNames.checkSequence(checked, record, dht.getValue(key, 1).value(), "p2pkit name put");
                } catch (IllegalArgumentException e) {
                    throw new io.p2pkit.node.cli.CommandFailedException(e.getMessage());
                }
            }
            PutResult r;
            try {
                r = dht.putValue(key, record);
            } catch (DecodeException e) {
                throw new io.p2pkit.node.cli.CommandFailedException("the DHT refused the record: " + e.getMessage());
            }
            String id = name.toString(Multibase.Encoding.BASE36);
            if (r.peers() == 0) {
                console().info("p2pkit name put: no DHT server took the record for " + id);
                return 1;
            }
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("Name", id);
            o.put("Value", IpnsNames.valueOf(record));
            if (options.output.json() || !quiet) {
                print(o, id);
            }
            return 0;
        }
    }

    @Command(name = "inspect", description = {"Show what an IPNS record holds.", "",
            "Reads a record from FILE or stdin (what 'p2pkit routing get /ipns/NAME' or Kubo's 'ipfs routing get' "
                    + "writes) and prints its fields, size, signatures and a hex dump as Kubo's 'ipfs name inspect' "
                    + "does; --verify NAME also checks that it is NAME's record, signed and in force. Works offline, "
                    + "without a repository.", ""},
            footer = {"", "With --json: Kubo's {\"Entry\":{\"Value\",\"ValidityType\",\"Validity\",\"Sequence\",\"TTL\"},"
                    + "\"PbSize\":…,\"SignatureType\":…,\"HexDump\":…,\"Validation\":{\"Valid\",\"Reason\",\"Name\"}}"})
    static final class Inspect extends CliCommand {
        @Parameters(paramLabel = "FILE", arity = "0..1", description = "the record (default: stdin)")
        java.nio.file.Path file;

        @Option(names = "--verify", paramLabel = "NAME", description = "the name (k51…, or a peer ID) to check it against")
        String verify;

        @Option(names = "--dump", arity = "0..1", fallbackValue = "true", defaultValue = "true", paramLabel = "BOOL",
                description = "include a hex dump of the record (default true)")
        boolean dump;

        @Mixin
        io.p2pkit.node.cli.options.JsonOption output;

        @Override
        protected int run() throws Exception {
            byte[] record;
            try (java.io.InputStream in = (file != null ? io.p2pkit.node.cli.content.InputData.file(file)
                    : io.p2pkit.node.cli.content.InputData.stdin(console())).open()) {
                record = in.readNBytes(io.p2pkit.kad.record.IpnsRecord.MAX_BYTES + 1); // one over is refused
            }
            Map<String, Object> json;
            try {
                json = io.p2pkit.node.cli.content.IpnsInspection.inspect(record, Optional.ofNullable(verify), dump,
                        java.time.Instant.now()).json();
            } catch (IllegalArgumentException e) {
                throw new io.p2pkit.node.cli.CommandFailedException(e.getMessage());
            }
            if (output.json()) {
                console().json(json);
            } else {
                console().out().print(io.p2pkit.node.cli.content.IpnsInspection.text(json));
            }
            return 0;
        }
    }

    @Command(name = "publish", description = {"Publish an IPNS name.", "",
            "Signs a record pointing the key's name at PATH (/ipfs/<cid>…, /ipns/<name>, ipfs://<cid>, or a bare CID) "
                    + "with the next sequence number after the one found in the DHT or kept in the repository, and puts "
                    + "it to the closest DHT servers; the repository keeps it, so that a daemon on it publishes it again "
                    + "every Ipns.RepublishPeriod. Exits 1 when no server took it.", "", RoutingCommand.DEFAULTS, ""},
            footer = {"", "With --json: {\"Name\":…,\"Value\":…}"})
    static final class Publish extends RoutingCommand.Operation {
        @Parameters(paramLabel = "PATH", description = "what the name points at")
        String target;

        @Option(names = {"-k", "--key"}, paramLabel = "NAME", description = "the key to publish with (default self)")
        String keyName = Keystore.SELF;

        @Option(names = "--lifetime", paramLabel = "DURATION", converter = DurationConverter.class,
                description = "how long the record is valid (default 48h, as Kubo)")
        Duration lifetime = Duration.ofHours(48);

        @Option(names = "--ttl", paramLabel = "DURATION", converter = DurationConverter.class,
                description = "how long resolvers may cache it, at most the lifetime (default 1h, or the lifetime if shorter)")
        Duration ttl;

        @Option(names = "--resolve", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
                description = "through a daemon: check that the path resolves first (default true, as Kubo)")
        boolean resolve = true;

        @Option(names = "--allow-offline", description = "publish even when no DHT server takes the record: the "
                + "repository keeps it, and a daemon publishes it again later")
        boolean allowOffline;

        @Option(names = "--allow-delegated", description = "through the daemon: publish to its delegated publishers "
                + "(Ipns.DelegatedPublishers) and routers alone, not the DHT, as Kubo's")
        boolean allowDelegated;

        @Mixin
        RepoOption repo;

        private PrivateKey key;
        private String value;

        @Override
        String commandName() {
            return "name publish";
        }

        @Override
        void prepare() throws Exception {
            String given = IpfsUri.toPath(target); // a native URI as its path (Kubo 0.43)
            value = given.startsWith("/ipfs/") || given.startsWith("/ipns/") ? given : "/ipfs/" + cid(given);
            // Kubo 0.43's checks: a record that is void when made, or cached past its end, is refused
            if (lifetime.isNegative() || lifetime.isZero()) {
                throw new UsageException("lifetime must be greater than zero, got " + GoDurations.format(lifetime));
            }
            if (ttl == null) {
                ttl = lifetime.compareTo(Duration.ofHours(1)) < 0 ? lifetime : Duration.ofHours(1);
            } else if (ttl.isNegative()) {
                throw new UsageException("ttl must not be negative, got " + GoDurations.format(ttl));
            } else if (ttl.compareTo(lifetime) > 0) {
                throw new UsageException("ttl (" + GoDurations.format(ttl) + ") must not be greater than lifetime ("
                        + GoDurations.format(lifetime) + ")");
            }
            key = KeyCommand.keystore(repo).get(keyName).orElseThrow(() ->
                    new UsageException("no key named '" + keyName + "' (see 'p2pkit key list')"));
        }

        @Override
        int operate(KadDht dht) throws Exception {
            if (allowDelegated) {
                throw noDaemonToDelegate();
            }
            PeerId id = key.publicKey().toPeerId();
            PutResult r = IpnsNames.publish(dht, new PublishedNames(repo.root()), key, value, lifetime, ttl);
            String name = id.toString(Multibase.Encoding.BASE36);
            if (r.peers() == 0 && !allowOffline) {
                console().info("p2pkit name publish: no DHT server took the record for " + name
                        + " (the repository keeps it; --allow-offline makes this a success)");
                return 1;
            }
            printPublished(name, value);
            return 0;
        }

        /** Kubo's way: the daemon signs with its keystore and puts the record to its DHT. */
        @Override
        Integer throughDaemon() throws Exception {
            prepare();
            Map<String, String> o = new LinkedHashMap<>();
            o.put("key", keyName);
            o.put("lifetime", GoDurations.format(lifetime));
            o.put("ttl", GoDurations.format(ttl));
            o.put("resolve", Boolean.toString(resolve));
            o.put("allow-offline", Boolean.toString(allowOffline));
            o.put("allow-delegated", Boolean.toString(allowDelegated));
            Optional<DaemonApi.Answer> a = DaemonApi.askIfRunning(repo.root(), "name/publish", List.of(value), o);
            if (a.isEmpty() && allowDelegated) {
                throw noDaemonToDelegate();
            }
            a.ifPresent(answer -> printPublished(DaemonApi.text(answer.map(), "Name"), DaemonApi.text(answer.map(), "Value")));
            return a.isPresent() ? 0 : null;
        }

        private static UsageException noDaemonToDelegate() {
            return new UsageException("--allow-delegated publishes through the daemon that holds the repository "
                    + "(its Ipns.DelegatedPublishers): start 'p2pkit daemon' first");
        }

        private void printPublished(String name, String path) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("Name", name);
            o.put("Value", path);
            print(o, "Published to " + name + ": " + path);
        }

        private static String cid(String s) {
            try {
                return Cid.parse(s).toString();
            } catch (DecodeException e) {
                throw new UsageException("not a path or CID: " + s);
            }
        }
    }

    @Command(name = "resolve", description = {"Resolve an IPNS name.", "",
            "Prints the path the name points at, following /ipns/ values (up to " + IpnsNames.MAX_DEPTH + " steps) unless "
                    + "--recursive=false. Exits 1 when no valid record was found.", "", RoutingCommand.DEFAULTS, ""},
            footer = {"", "With --json: {\"Path\":…}"})
    static final class Resolve extends RoutingCommand.Operation {
        @Parameters(paramLabel = "NAME", arity = "0..1", description = "/ipns/<name>, ipns://<name> or <name> (default: self)")
        String name;

        @Option(names = {"-r", "--recursive"}, arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
                description = "resolve until the path is /ipfs/ (default true)")
        boolean recursive = true;

        @Option(names = {"-n", "--nocache"}, description = "with a running daemon: look the name up rather than take what "
                + "the daemon resolved lately (Ipns.ResolveCacheSize, Ipns.MaxCacheTTL), and keep nothing; without one "
                + "every name is looked up anyway")
        boolean nocache;

        @Mixin
        RepoOption repo;

        @Override
        String commandName() {
            return "name resolve";
        }

        @Override
        void prepare() throws Exception {
            if (name == null) {
                Optional<PrivateKey> self = KeyCommand.keystore(repo).get(Keystore.SELF);
                name = "/ipns/" + self.orElseThrow(() -> new UsageException("no name given and no identity key at "
                        + repo.root())).publicKey().toPeerId();
            }
            if (IpfsUri.isUri(name)) { // Kubo 0.43: ipns://name is the name; name resolution stays IPNS-only
                String path = IpfsUri.toPath(name);
                if (!path.startsWith("/ipns/")) {
                    throw new UsageException("'" + name + "' is not an IPNS name");
                }
                name = path;
            }
            if (!IpnsNames.isDnsLink(name)) {
                IpnsNames.parseName(name);
            }
        }

        @Override
        public int run() throws Exception {
            NameCache names = names();
            if (name != null && (IpnsNames.isDnsLink(name) || names.fixes(name))) {
                // DNS and the fixed names first: only a name that leads to a key needs the DHT
                String path = IpnsNames.resolve(null, "in the DHT", dns(), names, name, false);
                while (recursive && path.startsWith("/ipns/") && (IpnsNames.isDnsLink(path) || names.fixes(path))) {
                    path = IpnsNames.resolve(null, "in the DHT", dns(), names, path, false);
                }
                if (!recursive || !path.startsWith("/ipns/")) {
                    print(Map.of("Path", path), path);
                    return 0;
                }
                name = path;
            }
            return super.run();
        }

        /** The fixed names of Kubo's IPFS_NS_MAP, and nothing kept: this process resolves once. */
        private static NameCache names() {
            try {
                return new NameCache(new NodeConfig.IpnsCache(0, Optional.empty()),
                        NameCache.fixedNames(System.getenv(NameCache.NS_MAP_VARIABLE)));
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
        }

        /** The --dns-server's (else the system's) resolver, and the repository's DNS.Resolvers as the daemon's. */
        private DnsLinkResolver dns() throws java.io.IOException {
            return DnsLinkResolver.forServer(options.transport.config().dnsServer())
                    .withResolvers(resolvers(RepoSettings.read(repo.root()), repo.root()));
        }

        /** The map as the daemon's, with "auto" replaced from the kept AutoConf document (nothing is fetched here). */
        private static io.p2pkit.node.dnslink.DnsResolvers resolvers(RepoSettings file, java.nio.file.Path root) {
            return DaemonCommand.dnsResolvers(file, AutoConfSettings.cached(file, root));
        }

        @Override
        int operate(KadDht dht) throws Exception {
            String path = IpnsNames.resolve(id -> dht.getValue(IpnsNames.dhtKey(id), 1).value(), "in the DHT", dns(),
                    names(), name, recursive);
            print(Map.of("Path", path), path);
            return 0;
        }

        /** Kubo's way: the daemon resolves through its DHT, its cache and its own published names. */
        @Override
        Integer throughDaemon() throws Exception {
            prepare();
            Optional<DaemonApi.Answer> a = DaemonApi.askIfRunning(repo.root(), "name/resolve", List.of(name),
                    Map.of("recursive", Boolean.toString(recursive), "nocache", Boolean.toString(nocache)));
            if (a.isEmpty()) {
                return null;
            }
            String path = DaemonApi.text(a.get().map(), "Path");
            print(Map.of("Path", path), path);
            return 0;
        }
    }
}
