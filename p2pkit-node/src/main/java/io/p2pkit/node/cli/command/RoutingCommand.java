package io.p2pkit.node.cli.command;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.HostBuilder;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.kad.GetResult;
import io.p2pkit.kad.KadConfig;
import io.p2pkit.kad.KadDht;
import io.p2pkit.kad.Mode;
import io.p2pkit.kad.ProvideResult;
import io.p2pkit.kad.PutResult;
import io.p2pkit.kad.record.NamespacedKey;
import io.p2pkit.node.NodeVersion;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.Console;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.cli.content.CidArgument;
import io.p2pkit.node.cli.options.BootstrapOption;
import io.p2pkit.node.cli.options.IdentityOption;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.ListenOption;
import io.p2pkit.node.cli.options.TimeoutOption;
import io.p2pkit.node.cli.options.TransportOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code p2pkit routing}: DHT operations from a node in DHT client mode that joins through
 * {@code --bootstrap} peers, does one thing and exits; Kubo's {@code ipfs routing} vocabulary.
 */
@Command(name = "routing", description = {
        "Find providers and peers, provide, get and put records in the DHT.",
        "",
        "Each subcommand but reprovide starts a node in DHT client mode, joins the DHT through the --bootstrap "
                + "peers (/…/p2p/<id>; at least one) and runs one operation; reprovide asks the running daemon. Run "
                + "'p2pkit routing SUBCOMMAND --help' for its options.",
        ""},
        subcommands = {RoutingCommand.FindProvs.class, RoutingCommand.Provide.class, RoutingCommand.FindPeer.class,
                RoutingCommand.Get.class, RoutingCommand.Put.class, RoutingCommand.Reprovide.class})
public final class RoutingCommand extends CliCommand {
    /** What every subcommand does without the options, in its --help. */
    static final String DEFAULTS = "Without --listen the node listens on /ip4/127.0.0.1/tcp/0 (providers must be "
            + "reachable at what they announce); without --identity it is a new throw-away identity.";

    @Override
    public int run() {
        throw new UsageException("missing subcommand: findprovs, provide, findpeer, get, put or reprovide");
    }

    @Command(name = "reprovide", description = {"Have the running daemon announce its content to the DHT now.", "",
            "Asks the daemon that holds the repository ($P2PKIT_HOME or --repo-dir) to announce what its "
                    + "--reprovider-strategy names, and waits until it has; prints nothing, as Kubo's 'ipfs routing "
                    + "reprovide'. Fails when the daemon announces nothing (Provide.Enabled false, --reprovider-strategy none).", ""},
            footer = {"", "With --json: nothing either"})
    static final class Reprovide extends CliCommand {
        @picocli.CommandLine.Mixin
        io.p2pkit.node.cli.options.RepoOption repo;

        @picocli.CommandLine.Mixin
        io.p2pkit.node.cli.options.JsonOption output;

        @Override
        protected int run() throws Exception {
            io.p2pkit.node.cli.content.DaemonApi.askAll(repo.root(), "routing/reprovide", List.of(), java.util.Map.of());
            return 0;
        }
    }

    /** The options every routing subcommand takes. */
    static final class DhtClientOptions {
        @Mixin
        BootstrapOption bootstrap;

        @Mixin
        ListenOption listen;

        @Mixin
        IdentityOption identity;

        @Option(names = "--protocol-prefix", paramLabel = "P", description = "the DHT protocol prefix (default /ipfs)")
        String protocolPrefix;

        @Mixin
        TimeoutOption timeout;

        @Mixin
        TransportOptions transport;

        @Mixin
        JsonOption output;
    }

    /** One routing operation: parses its argument, joins the DHT, runs. */
    abstract static class Operation extends CliCommand {
        @Mixin
        DhtClientOptions options;

        /** The command's name in messages. */
        String commandName() {
            return "routing " + getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
        }

        /** Checks the arguments before anything starts, so that a typo costs nothing. */
        abstract void prepare() throws Exception;

        /** Runs the operation on a node that has joined the DHT. */
        abstract int operate(KadDht dht) throws Exception;

        /**
         * Runs the operation through the daemon that holds the repository, as Kubo's command does,
         * when one runs there and no {@code --bootstrap} peer was given.
         *
         * @return the exit status, or null when this operation has no daemon path or no daemon runs
         */
        Integer throughDaemon() throws Exception {
            return null;
        }

        @Override
        public int run() throws Exception {
            String name = commandName();
            if (options.bootstrap.peers().isEmpty()) {
                Integer done = throughDaemon();
                if (done != null) {
                    return done;
                }
            }
            List<PeerInfo> bootstrap = options.bootstrap.required(name.substring(0, name.indexOf(' ')));
            List<Multiaddr> listen = options.listen.addresses(List.of("/ip4/127.0.0.1/tcp/0"));
            prepare();
            HostBuilder builder = Host.builder().identity(options.identity.keyOrThrowAway(console(), name))
                    .listen(listen).agentVersion("p2pkit/" + NodeVersion.get());
            options.transport.apply(builder);
            KadConfig.Builder config = KadConfig.builder().mode(Mode.CLIENT).bootstrap(bootstrap)
                    .queryTimeout(options.timeout.timeout()).periodicTasks(false);
            if (options.protocolPrefix != null) {
                config.protocolPrefix(options.protocolPrefix);
            }
            // The DHT closes before the host: its idle streams end with a FIN, so a peer still reading
            // our last ADD_PROVIDER keeps it (a closing connection would reset them).
            try (Host host = builder.build(); KadDht dht = KadDht.attach(host, config.build())) {
                if (dht.connectBootstrapPeers() == 0) {
                    console().info("p2pkit " + name + ": no bootstrap peer could be reached");
                    return 1;
                }
                dht.getClosestPeers(host.peerId().bytes());
                return operate(dht);
            } catch (DecodeException e) {
                console().info("p2pkit " + name + ": " + e.getMessage());
                return 1;
            }
        }

        void print(Map<String, Object> o, String text) {
            options.output.print(console(), o, text);
        }
    }

    @Command(name = "findprovs", description = {"Find peers that provide a CID.", "",
            "Exits 1 when no provider was found.", "", DEFAULTS, ""},
            footer = {"", "With --json: {\"event\":\"provider\",\"peerId\":…,\"addrs\":[…]} per provider"})
    static final class FindProvs extends Operation {
        @Parameters(index = "0", paramLabel = "CID", description = "the content identifier")
        String cid;

        @Option(names = "--count", paramLabel = "N", description = "stop after N providers (default 20)")
        int count = 20;

        private byte[] multihash;

        @Override
        void prepare() {
            multihash = cid(cid).multihash().bytes();
            positive("count", count);
        }

        @Override
        int operate(KadDht dht) throws Exception {
            int[] n = {0};
            dht.findProviders(multihash, count, p -> {
                n[0]++;
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("event", "provider");
                o.put("peerId", p.peerId().toString());
                o.put("addrs", p.addresses().stream().map(Multiaddr::toString).toList());
                print(o, p.peerId() + " " + p.addresses());
            });
            if (n[0] == 0) {
                console().info("p2pkit routing: no provider found for " + cid);
                return 1;
            }
            return 0;
        }
    }

    @Command(name = "provide", description = {"Announce to the DHT that this node provides a CID.", "",
            "The provider record names the peer of --identity: give the key file of the node that has the content "
                    + "(for example the daemon's), or the record names a throw-away peer that is gone when this "
                    + "command exits. Exits 1 when no DHT server took the record.", "", DEFAULTS, ""},
            footer = {"", "With --json: {\"event\":\"provided\",\"peers\":N}"})
    static final class Provide extends Operation {
        @Parameters(index = "0", paramLabel = "CID", description = "the content identifier")
        String cid;

        private byte[] multihash;

        @Override
        void prepare() {
            multihash = cid(cid).multihash().bytes();
            if (options.identity.file().isEmpty()) {
                console().info("p2pkit routing provide: warning: providing as a throw-away peer that exits with this "
                        + "command; pass --identity FILE (for example the daemon's key) to name a peer that stays");
            }
        }

        @Override
        int operate(KadDht dht) throws Exception {
            ProvideResult r = dht.provide(multihash);
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("event", "provided");
            o.put("peers", r.peers());
            print(o, "provided to " + r.peers() + " peers");
            if (r.peers() == 0) {
                console().info("p2pkit routing: no DHT server took the provider record");
                return 1;
            }
            return 0;
        }
    }

    @Command(name = "findpeer", description = {"Find the addresses of a peer.", "",
            "Exits 1 when the peer was not found.", "", DEFAULTS, ""},
            footer = {"", "With --json: {\"event\":\"peer\",\"peerId\":…,\"addrs\":[…]}"})
    static final class FindPeer extends Operation {
        @Parameters(index = "0", paramLabel = "PEERID", description = "the peer ID")
        String peerId;

        private PeerId peer;

        @Override
        void prepare() {
            peer = peerId(peerId);
        }

        @Override
        int operate(KadDht dht) throws Exception {
            Optional<PeerInfo> found = dht.findPeer(peer).peer();
            if (found.isEmpty()) {
                console().info("p2pkit routing: peer " + peer + " not found");
                return 1;
            }
            List<String> addrs = found.get().addresses().stream().map(Multiaddr::toString).toList();
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("event", "peer");
            o.put("peerId", peer.toString());
            o.put("addrs", addrs);
            print(o, String.join("\n", addrs));
            return 0;
        }
    }

    @Command(name = "get", description = {"Get a record from the DHT.", "",
            "KEY is /pk/<peer ID> or /ipns/<peer ID or name>. Without --json the value's bytes are written to "
                    + "stdout. Exits 1 when no record was found.", "", DEFAULTS, ""},
            footer = {"", "With --json: {\"event\":\"value\",\"key\":…,\"value\":<base64>,\"received\":N}"})
    static final class Get extends Operation {
        @Parameters(index = "0", paramLabel = "KEY", description = "/pk/<peer ID> or /ipns/<peer ID>")
        String keyText;

        @Option(names = "--quorum", paramLabel = "Q", description = "stop after Q valid records (default 1)")
        int quorum = 1;

        private byte[] key;

        @Override
        void prepare() {
            key = recordKey(keyText);
            positive("quorum", quorum);
        }

        @Override
        int operate(KadDht dht) throws Exception {
            GetResult r = dht.getValue(key, quorum);
            if (r.value().isEmpty()) {
                console().info("p2pkit routing: no record found for " + keyText);
                return 1;
            }
            if (options.output.json()) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("event", "value");
                o.put("key", keyText);
                o.put("value", Base64.getEncoder().encodeToString(r.value().get()));
                o.put("received", r.received());
                console().json(o);
            } else {
                console().out().write(r.value().get());
                console().out().flush();
            }
            return 0;
        }
    }

    @Command(name = "put", description = {"Put a record into the DHT.", "",
            "KEY is /pk/<peer ID> or /ipns/<peer ID>; FILE holds the record's bytes. Exits 1 when no peer took it.",
            "", DEFAULTS, ""},
            footer = {"", "With --json: {\"event\":\"put\",\"peers\":N}"})
    static final class Put extends Operation {
        @Parameters(index = "0", paramLabel = "KEY", description = "/pk/<peer ID> or /ipns/<peer ID>")
        String keyText;

        @Parameters(index = "1", paramLabel = "FILE", description = "the record's bytes")
        Path file;

        private byte[] key;
        private byte[] value;

        @Override
        void prepare() throws Exception {
            key = recordKey(keyText);
            value = Files.readAllBytes(file);
        }

        @Override
        int operate(KadDht dht) throws Exception {
            PutResult r = dht.putValue(key, value);
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("event", "put");
            o.put("peers", r.peers());
            print(o, "stored on " + r.peers() + " peers");
            return r.peers() > 0 ? 0 : 1;
        }
    }

    private static void positive(String name, int n) {
        if (n < 1) {
            throw new UsageException("--" + name + " needs a positive whole number, got '" + n + "'");
        }
    }

    private static Cid cid(String s) {
        try {
            return Cid.parse(CidArgument.rootOfUri(s).orElse(s)); // ipfs://<cid> too (Kubo 0.43)
        } catch (IllegalArgumentException e) {
            throw new UsageException("not a CID: " + s + " (" + e.getMessage() + ")");
        }
    }

    private static PeerId peerId(String s) {
        try {
            return s.startsWith("k51") || s.startsWith("b") ? PeerId.fromMultihash(Cid.parse(s).multihash()) : PeerId.parse(s);
        } catch (DecodeException e) {
            throw new UsageException("not a peer ID: " + s + " (" + e.getMessage() + ")");
        }
    }

    /** {@code /pk/<id>} or {@code /ipns/<id>} as DHT key bytes (namespace then the peer ID's bytes). */
    public static byte[] recordKey(String s) {
        for (String prefix : List.of("/pk/", "/ipns/")) {
            if (s.startsWith(prefix)) {
                return NamespacedKey.of(prefix, peerId(s.substring(prefix.length())).bytes());
            }
        }
        throw new UsageException("KEY must be /pk/<peer ID> or /ipns/<peer ID>, got '" + s + "'");
    }
}
