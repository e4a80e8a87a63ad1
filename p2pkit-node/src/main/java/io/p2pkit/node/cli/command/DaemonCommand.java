package io.p2pkit.node.cli.command;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.crypto.KeyType;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.HostBuilder;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.identify.IdentifyService;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.network.ConnectionListener;
import io.p2pkit.node.NodeVersion;
import io.p2pkit.node.cli.Args;
import io.p2pkit.node.cli.Command;
import io.p2pkit.node.cli.Console;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.config.IdentityFile;
import io.p2pkit.node.config.NodeHome;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** {@code p2pkit daemon}: runs a node until SIGINT or SIGTERM. */
public final class DaemonCommand implements Command {
    static final List<String> DEFAULT_LISTEN = List.of("/ip4/0.0.0.0/tcp/4001", "/ip6/::/tcp/4001",
            "/ip4/0.0.0.0/udp/4001/quic-v1", "/ip6/::/udp/4001/quic-v1");

    @Override
    public String name() {
        return "daemon";
    }

    @Override
    public String summary() {
        return "Run a node";
    }

    @Override
    public String help() {
        return """
                Usage: p2pkit daemon [--identity FILE] [--listen MADDR]... [--bootstrap MADDR]...
                                     [--security LIST] [--muxer LIST] [--json]

                Runs a libp2p node with identify and ping until SIGINT or SIGTERM.

                Options:
                  --identity FILE   the identity key file, created when missing
                                    (default $P2PKIT_HOME/identity.key, P2PKIT_HOME=~/.p2pkit)
                  --listen MADDR    an address to listen on; repeatable (default
                                    /ip4/0.0.0.0/tcp/4001 and /ip6/::/tcp/4001, plus
                                    /ip4/0.0.0.0/udp/4001/quic-v1 and /ip6/::/udp/4001/quic-v1)
                  --bootstrap MADDR a peer to connect to at start, /…/p2p/<id>; repeatable
                """ + HostOptions.HELP + """

                  --json            print events as JSON lines: first
                                    {"event":"ready","peerId":…,"addrs":[…]}, then
                                    connected, identified, disconnected and bootstrap events""";
    }

    @Override
    public int run(List<String> argv, Console console) throws Exception {
        List<String> valued = new ArrayList<>(List.of("identity", "listen", "bootstrap"));
        valued.addAll(HostOptions.VALUED);
        Args args = Args.parse(argv, List.of("json"), valued).requirePositional(0, 0, "");
        boolean json = args.flag("json");

        List<Multiaddr> listen = new ArrayList<>();
        List<PeerInfo> bootstrap = new ArrayList<>();
        try {
            for (String a : args.values("listen").isEmpty() ? DEFAULT_LISTEN : args.values("listen")) {
                listen.add(Multiaddr.parse(a));
            }
            for (String a : args.values("bootstrap")) {
                bootstrap.add(PeerInfo.parse(a));
            }
        } catch (DecodeException e) {
            throw new UsageException(e.getMessage());
        }
        Path identityPath = args.value("identity").map(Path::of).orElseGet(NodeHome::identityFile);
        IdentityFile.Loaded identity = IdentityFile.loadOrCreate(identityPath, KeyType.ED25519);
        if (identity.created()) {
            console.info("p2pkit daemon: created a new identity in " + identityPath);
        }

        HostBuilder builder = Host.builder().identity(identity.key()).listen(listen)
                .agentVersion("p2pkit/" + NodeVersion.get());
        HostOptions.apply(args, builder);
        Host host = builder.build();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            console.info("p2pkit daemon: stopping");
            try {
                host.close();
            } catch (RuntimeException e) {
                console.info("p2pkit daemon: error while stopping: " + e);
            } finally {
                event(console, json, Map.of("event", "stopped"), "stopped");
                stopped.countDown();
            }
        }, "p2pkit-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        host.addConnectionListener(new ConnectionListener() {
            @Override
            public void connected(Connection c) {
                event(console, json, connectionEvent("connected", c), "connected " + c);
            }

            @Override
            public void disconnected(Connection c) {
                event(console, json, connectionEvent("disconnected", c), "disconnected " + c);
            }
        });
        host.service(IdentifyService.class).ifPresent(id -> id.addListener(r -> {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("event", "identified");
            o.put("peerId", r.peerId().toString());
            o.put("agentVersion", r.agentVersion());
            o.put("protocols", r.protocols());
            o.put("listenAddrs", r.listenAddrs().stream().map(Multiaddr::toString).toList());
            event(console, json, o, "identified " + r.peerId() + " (" + r.agentVersion() + ")");
        }));

        List<String> addrs = host.addresses().stream()
                .map(a -> a.encapsulate("/p2p/" + host.peerId()).toString()).toList();
        Map<String, Object> ready = new LinkedHashMap<>();
        ready.put("event", "ready");
        ready.put("peerId", host.peerId().toString());
        ready.put("addrs", addrs);
        StringBuilder text = new StringBuilder("p2pkit daemon is ready\npeer ID: " + host.peerId());
        addrs.forEach(a -> text.append("\nlistening on ").append(a));
        event(console, json, ready, text.toString());

        for (PeerInfo peer : bootstrap) {
            host.spawn("p2pkit-bootstrap " + peer.peerId(), () -> {
                try {
                    host.connect(peer);
                } catch (Exception e) {
                    Map<String, Object> o = new LinkedHashMap<>();
                    o.put("event", "bootstrap-failed");
                    o.put("peerId", peer.peerId().toString());
                    o.put("error", String.valueOf(e.getMessage()));
                    event(console, json, o, "bootstrap to " + peer.peerId() + " failed: " + e.getMessage());
                }
            });
        }
        stopped.await();
        return 0;
    }

    private static Map<String, Object> connectionEvent(String name, Connection c) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("event", name);
        o.put("peerId", c.remotePeer().toString());
        o.put("direction", c.direction().name().toLowerCase());
        o.put("addr", c.remoteAddress().toString());
        o.put("security", c.security());
        o.put("muxer", c.muxer());
        return o;
    }

    private static void event(Console console, boolean json, Map<String, ?> o, String text) {
        if (json) {
            console.json(o);
        } else {
            console.println(text);
        }
    }
}
