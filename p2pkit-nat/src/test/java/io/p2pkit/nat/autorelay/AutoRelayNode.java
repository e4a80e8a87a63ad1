package io.p2pkit.nat.autorelay;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.host.Reachability;
import io.p2pkit.core.identify.IdentifyResult;
import io.p2pkit.core.identify.IdentifyService;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiaddr.Protocol;
import io.p2pkit.nat.autonat.AutoNat;
import io.p2pkit.nat.autonat.AutoNatConfig;
import io.p2pkit.nat.holepunch.HolePunchNode;
import io.p2pkit.nat.holepunch.HolePunchService;
import io.p2pkit.nat.relay.RelayClient;
import io.p2pkit.testing.Await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A p2pkit node for {@link AutoRelayNatTest}, run as its own JVM inside a namespace; one line per
 * step on stdout:
 *
 * <pre>
 * autonat-server PORT                    ready PEER_ID (AutoNAT v1 and v2 server, no client)
 * private PORT AUTONAT_SERVER RELAY      connects to both, lets AutoNAT find it private and
 *                                        AutoRelay reserve on the relay it finds among the two:
 *                                        peer ID, reachability R, relayed ADDRESS…, relays […],
 *                                        then event … per upgrade
 * </pre>
 *
 * The private node is not told which peer is the relay: AutoRelay finds it by its identify.
 * Every wait has a deadline.
 */
public final class AutoRelayNode {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int PROBES = 5;

    private AutoRelayNode() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "autonat-server" -> autoNatServer(Integer.parseInt(args[1]));
            case "private" -> privateNode(Integer.parseInt(args[1]), Multiaddr.parse(args[2]), Multiaddr.parse(args[3]));
            default -> throw new IllegalArgumentException("autonat-server|private, not " + args[0]);
        }
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private static List<Multiaddr> relayed(Host h) {
        return h.addresses().stream().filter(a -> a.hasProtocol(Protocol.P2P_CIRCUIT)).toList();
    }

    private static void autoNatServer(int port) throws Exception {
        Host h = Host.builder().listen("/ip4/0.0.0.0/tcp/" + port).build();
        AutoNat.attach(h, AutoNatConfig.defaults().withClient(false));
        say("ready " + h.peerId());
        new CountDownLatch(1).await(1, TimeUnit.HOURS);
    }

    private static void privateNode(int port, Multiaddr autoNatServer, Multiaddr relay) throws Exception {
        Host h = Host.builder().listen("/ip4/0.0.0.0/tcp/" + port).build();
        say("peer " + h.peerId());
        RelayClient.attach(h);
        HolePunchService.attach(h, HolePunchNode.CONFIG).addListener(e -> say(HolePunchNode.describe(e)));
        // probes only when this node asks: the test wants one verdict, not a schedule
        AutoNat autonat = AutoNat.attach(h, AutoNatConfig.defaults().withServiceMode(AutoNatConfig.ServiceMode.DISABLED)
                .withProbes(new AutoNatConfig.Probes(Duration.ofDays(1), Duration.ofDays(1), Duration.ofDays(1),
                        Duration.ofSeconds(30), Duration.ZERO)));
        AutoRelay auto = AutoRelay.attach(h, AutoRelayConfig.defaults().withBootDelay(Duration.ZERO)
                .withCheckInterval(Duration.ofSeconds(1)));
        IdentifyService identify = h.service(IdentifyService.class).orElseThrow();
        identify.awaitIdentified(h.connect(PeerInfo.fromMultiaddr(relay)), WAIT);
        PeerInfo server = PeerInfo.fromMultiaddr(autoNatServer);
        IdentifyResult id = identify.awaitIdentified(h.connect(server), WAIT);
        // the NAT's address as the server saw it is the candidate to check (one observer, not go's four)
        autonat.confirm(id.observedAddr().orElseThrow(() -> new IllegalStateException("no observed address")));
        Reachability r = Reachability.UNKNOWN;
        for (int i = 0; i < PROBES && r == Reachability.UNKNOWN; i++) {
            r = autonat.probe(server.peerId());
        }
        say("reachability " + r);
        Await.until("a relayed address", () -> !relayed(h).isEmpty(), WAIT);
        relayed(h).forEach(a -> say("relayed " + a));
        say("relays " + auto.relays());
        new CountDownLatch(1).await(1, TimeUnit.HOURS);
    }
}
