package io.p2pkit.interop;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.host.Reachability;
import io.p2pkit.core.identify.IdentifyResult;
import io.p2pkit.core.identify.IdentifyService;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.network.Connection;
import io.p2pkit.nat.autonat.AutoNat;
import io.p2pkit.nat.autonat.AutoNatConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A p2pkit node for AutoNAT in the NAT testbed, run inside a namespace by
 * {@link AutoNatTestbedInteropTest} with the default AutoNAT rules (no private addresses), one JSON
 * event per line on stdout as the peer programs print them.
 *
 * <pre>
 * server LISTEN [LISTEN…]   one host per LISTEN, each its own identity, serving v1 and v2 until
 *                            stdin closes: {"event":"listening","addrs":[…]} (one address per host)
 * client LISTEN SERVER [confirm-observed]
 *                            connect to SERVER (/…/p2p/ID), probe it (v2 if it speaks it, else v1)
 *                            until the reachability is known: {"event":"reachability",…}
 * </pre>
 *
 * {@code confirm-observed} hands the address the server saw us at to {@link AutoNat#confirm} (what
 * the observed-address manager does once four observers agree; one server is not four).
 */
public final class AutoNatTestbedNode {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int PROBES = 5;

    private AutoNatTestbedNode() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: server LISTEN [LISTEN…] | client LISTEN SERVER [confirm-observed]");
        }
        try {
            switch (args[0]) {
                case "server" -> serve(List.of(args).subList(1, args.length));
                case "client" -> {
                    try (Host h = Host.builder().listen(args[1]).build()) {
                        probe(h, Multiaddr.parse(args[2]), args.length > 3 && args[3].equals("confirm-observed"));
                    }
                }
                default -> throw new IllegalArgumentException("mode " + args[0]);
            }
        } catch (Exception e) {
            NodeEvents.emit(Map.of("event", "error", "step", args[0], "message", String.valueOf(e)));
            System.exit(1);
        }
        System.exit(0);
    }

    private static void serve(List<String> listen) throws Exception {
        List<Host> hosts = new ArrayList<>();
        try {
            List<String> addrs = new ArrayList<>();
            for (String l : listen) {
                Host h = Host.builder().listen(l).build();
                hosts.add(h);
                AutoNat.attach(h, AutoNatConfig.defaults().withClient(false));
                addrs.add(h.localAddresses().getFirst().encapsulate("/p2p/" + h.peerId()).toString());
            }
            NodeEvents.emit(Map.of("event", "listening", "peer", hosts.getFirst().peerId().toString(), "addrs", addrs));
            awaitStdinClosed();
        } finally {
            for (Host h : hosts) {
                h.close();
            }
        }
    }

    private static void awaitStdinClosed() throws InterruptedException {
        CountDownLatch stdinClosed = new CountDownLatch(1);
        Thread.ofVirtual().start(() -> {
            try {
                System.in.transferTo(java.io.OutputStream.nullOutputStream());
            } catch (java.io.IOException e) {
                // a broken stdin ends the run as a closed one does
            }
            stdinClosed.countDown();
        });
        // bounded: the harness closes stdin or kills the namespace's processes long before
        stdinClosed.await(5, TimeUnit.MINUTES);
    }

    private static void probe(Host h, Multiaddr server, boolean confirmObserved) throws Exception {
        AutoNat autonat = AutoNat.attach(h, AutoNatConfig.defaults().withServiceMode(AutoNatConfig.ServiceMode.DISABLED)
                .withProbes(new AutoNatConfig.Probes(Duration.ofDays(1), Duration.ofDays(1), Duration.ofDays(1),
                        Duration.ofSeconds(30), Duration.ZERO)));
        PeerInfo info = PeerInfo.fromMultiaddr(server);
        Connection c = h.connect(info);
        IdentifyResult id = h.service(IdentifyService.class).orElseThrow().awaitIdentified(c, WAIT);
        if (confirmObserved) {
            autonat.confirm(id.observedAddr().orElseThrow(() -> new IllegalStateException("the server sent no observed address")));
        }
        Reachability r = Reachability.UNKNOWN;
        for (int i = 0; i < PROBES && r == Reachability.UNKNOWN; i++) {
            r = autonat.probe(info.peerId());
        }
        var state = h.reachability().state();
        NodeEvents.emit(Map.of("event", "reachability", "reachability", r.name().toLowerCase(java.util.Locale.ROOT),
                "observed", id.observedAddr().map(Multiaddr::toString).orElse(""),
                "reachable", state.reachable().stream().map(Multiaddr::toString).toList(),
                "unreachable", state.unreachable().stream().map(Multiaddr::toString).toList(),
                "addresses", h.addresses().stream().map(Multiaddr::toString).toList()));
    }
}
