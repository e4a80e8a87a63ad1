package io.p2pkit.node.cli.command;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.HostBuilder;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.kad.KadConfig;
import io.p2pkit.kad.KadDht;
import io.p2pkit.kad.Mode;
import io.p2pkit.kad.record.NamespacedKey;
import io.p2pkit.node.NodeVersion;
import io.p2pkit.node.cli.Args;
import io.p2pkit.node.cli.Command;
import io.p2pkit.node.cli.Console;
import io.p2pkit.node.cli.DurationOption;
import io.p2pkit.node.cli.UsageException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code p2pkit routing}: DHT operations from an ephemeral node (a new identity, DHT client mode)
 * that joins through {@code --bootstrap} peers, does one thing and exits.
 */
public final class RoutingCommand implements Command {
    private static final List<String> SUBCOMMANDS = List.of("findprovs", "provide", "findpeer", "get", "put");

    @Override
    public String name() {
        return "routing";
    }

    @Override
    public String summary() {
        return "Find providers and peers, provide, get and put records in the DHT";
    }

    @Override
    public String help() {
        return """
                Usage: p2pkit routing findprovs CID     [--count N]
                       p2pkit routing provide CID
                       p2pkit routing findpeer PEERID
                       p2pkit routing get KEY            [--quorum Q]
                       p2pkit routing put KEY FILE
                         each with --bootstrap MADDR... [--listen MADDR]... [--protocol-prefix P]
                                   [--timeout DUR] [--security LIST] [--muxer LIST] [--json]

                Starts a throw-away node in DHT client mode, joins the DHT through the
                --bootstrap peers (/…/p2p/<id>; at least one) and runs one operation.
                KEY is /pk/<peer ID> or /ipns/<peer ID or name>. Exits 1 when nothing
                was found (findprovs, findpeer, get) or no peer took the record.

                Options:
                  --bootstrap MADDR  a DHT server to join through; repeatable
                  --listen MADDR     an address to listen on (default /ip4/127.0.0.1/tcp/0;
                                     providers must be reachable at what they announce)
                  --count N          findprovs: stop after N providers (default 20)
                  --quorum Q         get: stop after Q valid records (default 1)
                  --protocol-prefix P  the DHT protocol prefix (default /ipfs)
                  --timeout DUR      how long a lookup may take (default 30s)
                """ + HostOptions.HELP + """

                  --json            findprovs: {"event":"provider","peerId":…,"addrs":[…]} per
                                    provider; provide: {"event":"provided","peers":N};
                                    findpeer: {"event":"peer","peerId":…,"addrs":[…]};
                                    get: {"event":"value","key":…,"value":<base64>,"received":N};
                                    put: {"event":"put","peers":N}""";
    }

    @Override
    public int run(List<String> argv, Console console) throws Exception {
        List<String> valued = new ArrayList<>(List.of("bootstrap", "listen", "count", "quorum", "protocol-prefix", "timeout"));
        valued.addAll(HostOptions.VALUED);
        Args args = Args.parse(argv, List.of("json"), valued).requirePositional(2, 3, "a subcommand and its argument");
        String sub = args.positional().get(0);
        if (!SUBCOMMANDS.contains(sub)) {
            throw new UsageException("unknown routing subcommand '" + sub + "' (expected one of " + SUBCOMMANDS + ")");
        }
        if (args.positional().size() != (sub.equals("put") ? 3 : 2)) {
            throw new UsageException("routing " + sub + " takes " + (sub.equals("put") ? "KEY FILE" : "one argument"));
        }
        String arg = args.positional().get(1);
        boolean json = args.flag("json");
        List<PeerInfo> bootstrap = new ArrayList<>();
        List<Multiaddr> listen = new ArrayList<>();
        try {
            for (String a : args.values("bootstrap")) {
                bootstrap.add(PeerInfo.parse(a));
            }
            for (String a : args.values("listen").isEmpty() ? List.of("/ip4/127.0.0.1/tcp/0") : args.values("listen")) {
                listen.add(Multiaddr.parse(a));
            }
        } catch (DecodeException e) {
            throw new UsageException(e.getMessage());
        }
        if (bootstrap.isEmpty()) {
            throw new UsageException("routing needs at least one --bootstrap peer");
        }
        Duration timeout = args.value("timeout").map(v -> DurationOption.parse("timeout", v)).orElse(Duration.ofSeconds(30));
        int count = positive(args.value("count"), "count", 20);
        int quorum = positive(args.value("quorum"), "quorum", 1);
        // Parse the argument before starting anything, so that a typo costs nothing.
        byte[] multihash = null;
        PeerId peer = null;
        byte[] key = null;
        byte[] value = null;
        switch (sub) {
            case "findprovs", "provide" -> multihash = cid(arg).multihash().bytes();
            case "findpeer" -> peer = peerId(arg);
            default -> {
                key = recordKey(arg);
                if (sub.equals("put")) {
                    value = Files.readAllBytes(Path.of(args.positional().get(2)));
                }
            }
        }

        HostBuilder builder = Host.builder().listen(listen).agentVersion("p2pkit/" + NodeVersion.get());
        HostOptions.apply(args, builder);
        KadConfig.Builder config = KadConfig.builder().mode(Mode.CLIENT).bootstrap(bootstrap).queryTimeout(timeout)
                .periodicTasks(false);
        args.value("protocol-prefix").ifPresent(config::protocolPrefix);
        // The DHT closes before the host: its idle streams end with a FIN, so a peer still reading
        // our last ADD_PROVIDER keeps it (a closing connection would reset them).
        try (Host host = builder.build(); KadDht dht = KadDht.attach(host, config.build())) {
            if (dht.connectBootstrapPeers() == 0) {
                console.info("p2pkit routing: no bootstrap peer could be reached");
                return 1;
            }
            dht.getClosestPeers(host.peerId().bytes());
            switch (sub) {
                case "findprovs" -> {
                    int[] n = {0};
                    dht.findProviders(multihash, count, p -> {
                        n[0]++;
                        Map<String, Object> o = new LinkedHashMap<>();
                        o.put("event", "provider");
                        o.put("peerId", p.peerId().toString());
                        o.put("addrs", p.addresses().stream().map(Multiaddr::toString).toList());
                        print(console, json, o, p.peerId() + " " + p.addresses());
                    });
                    if (n[0] == 0) {
                        console.info("p2pkit routing: no provider found for " + arg);
                        return 1;
                    }
                    return 0;
                }
                case "provide" -> {
                    KadDht.ProvideResult r = dht.provide(multihash);
                    Map<String, Object> o = new LinkedHashMap<>();
                    o.put("event", "provided");
                    o.put("peers", r.peers());
                    print(console, json, o, "provided to " + r.peers() + " peers");
                    if (r.peers() == 0) {
                        console.info("p2pkit routing: no DHT server took the provider record");
                        return 1;
                    }
                    return 0;
                }
                case "findpeer" -> {
                    Optional<PeerInfo> found = dht.findPeer(peer).peer();
                    if (found.isEmpty()) {
                        console.info("p2pkit routing: peer " + peer + " not found");
                        return 1;
                    }
                    Map<String, Object> o = new LinkedHashMap<>();
                    o.put("event", "peer");
                    o.put("peerId", peer.toString());
                    o.put("addrs", found.get().addresses().stream().map(Multiaddr::toString).toList());
                    print(console, json, o, String.join("\n", found.get().addresses().stream().map(Multiaddr::toString).toList()));
                    return 0;
                }
                case "get" -> {
                    KadDht.GetResult r = dht.getValue(key, quorum);
                    if (r.value().isEmpty()) {
                        console.info("p2pkit routing: no record found for " + arg);
                        return 1;
                    }
                    if (json) {
                        Map<String, Object> o = new LinkedHashMap<>();
                        o.put("event", "value");
                        o.put("key", arg);
                        o.put("value", Base64.getEncoder().encodeToString(r.value().get()));
                        o.put("received", r.received());
                        console.json(o);
                    } else {
                        console.out().write(r.value().get());
                        console.out().flush();
                    }
                    return 0;
                }
                default -> {
                    KadDht.PutResult r = dht.putValue(key, value);
                    Map<String, Object> o = new LinkedHashMap<>();
                    o.put("event", "put");
                    o.put("peers", r.peers());
                    print(console, json, o, "stored on " + r.peers() + " peers");
                    return r.peers() > 0 ? 0 : 1;
                }
            }
        } catch (DecodeException e) {
            console.info("p2pkit routing: " + e.getMessage());
            return 1;
        }
    }

    private static void print(Console console, boolean json, Map<String, Object> o, String text) {
        if (json) {
            console.json(o);
        } else {
            console.println(text);
        }
    }

    private static int positive(Optional<String> v, String name, int dflt) {
        if (v.isEmpty()) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.get());
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " needs a positive whole number, got '" + v.get() + "'");
        }
    }

    private static Cid cid(String s) {
        try {
            return Cid.parse(s);
        } catch (DecodeException e) {
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
    static byte[] recordKey(String s) {
        for (String prefix : List.of("/pk/", "/ipns/")) {
            if (s.startsWith(prefix)) {
                return NamespacedKey.of(prefix, peerId(s.substring(prefix.length())).bytes());
            }
        }
        throw new UsageException("KEY must be /pk/<peer ID> or /ipns/<peer ID>, got '" + s + "'");
    }
}
