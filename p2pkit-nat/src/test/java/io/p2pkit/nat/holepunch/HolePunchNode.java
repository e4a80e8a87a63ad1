package io.p2pkit.nat.holepunch;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.identify.IdentifyService;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiaddr.Protocol;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.network.ConnectionListener;
import io.p2pkit.nat.relay.RelayClient;
import io.p2pkit.nat.relay.RelayConfig;
import io.p2pkit.nat.relay.RelayService;
import io.p2pkit.quic.QuicTransport;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A p2pkit node for the NAT testbed tests and {@code scripts/bench-holepunch}, run as its own JVM
 * inside a namespace. It prints what happens, one line each, for the caller to wait on:
 *
 * <pre>
 * [--quic] relay PORT                           ready PEER_ID
 * listener PORT RELAY_MULTIADDR                 ready PEER_ID, then event … per upgrade
 * dialer PORT RELAY_MULTIADDR TARGET [N]        per round: relayed …, event …, relayed-closed, round …
 * </pre>
 *
 * The dialer runs {@code N} rounds (default 1), each with a new identity listening on PORT + round
 * (a new port, so that no TIME_WAIT of the previous round is in the way; the last round's host
 * stays until the process is stopped), and prints
 * {@code round I ok|failed MILLIS} where MILLIS is the time from the relayed connection to the
 * direct one as its {@link HolePunchEvent} says. Every wait has a deadline. With {@code --quic}
 * every node has QUIC only and listens on {@code /udp/PORT/quic-v1} (the relay address given is
 * then a QUIC one too); otherwise TCP only on {@code /tcp/PORT}.
 */
public final class HolePunchNode {
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Short per-dial timeout: a punch through a symmetric NAT fails by timing out. */
    public static final HolePunchConfig CONFIG = HolePunchConfig.defaults().withDialTimeout(Duration.ofSeconds(5))
            .withRelayedCloseGrace(Duration.ofMillis(500));

    private HolePunchNode() {
    }

    /** Whether this node runs over QUIC rather than TCP ({@code --quic}). */
    private static boolean quic;

    public static void main(String[] allArgs) throws Exception {
        quic = allArgs.length > 0 && allArgs[0].equals("--quic");
        String[] args = quic ? java.util.Arrays.copyOfRange(allArgs, 1, allArgs.length) : allArgs;
        switch (args[0]) {
            case "relay" -> relay(Integer.parseInt(args[1]));
            case "listener" -> listener(Integer.parseInt(args[1]), Multiaddr.parse(args[2]));
            case "dialer" -> dialer(Integer.parseInt(args[1]), Multiaddr.parse(args[2]), PeerId.parse(args[3]),
                    args.length > 4 ? Integer.parseInt(args[4]) : 1);
            default -> throw new IllegalArgumentException("relay|listener|dialer, not " + args[0]);
        }
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private static Host host(int port) throws IOException {
        if (quic) {
            return Host.builder().transport(QuicTransport::new).listen("/ip4/0.0.0.0/udp/" + port + "/quic-v1").build();
        }
        return Host.builder().listen("/ip4/0.0.0.0/tcp/" + port).build();
    }

    private static void relay(int port) throws Exception {
        Host r = host(port);
        // many rounds of the benchmark reach the listener through it
        RelayService.attach(r, RelayConfig.defaults().withMaxCircuits(64));
        say("ready " + r.peerId());
        new CountDownLatch(1).await(1, TimeUnit.HOURS);
    }

    private static void listener(int port, Multiaddr relay) throws Exception {
        Host b = host(port);
        RelayClient.attach(b);
        HolePunchService hp = HolePunchService.attach(b, CONFIG);
        hp.addListener(e -> say(describe(e)));
        Connection toRelay = b.connect(relay);
        b.service(IdentifyService.class).orElseThrow().awaitIdentified(toRelay, WAIT); // the relay's observation of us
        b.listen(relay.encapsulate("/p2p-circuit"));
        say("ready " + b.peerId());
        new CountDownLatch(1).await(1, TimeUnit.HOURS);
    }

    private static void dialer(int port, Multiaddr relay, PeerId target, int rounds) throws Exception {
        Host last = null;
        for (int round = 0; round < rounds; round++) {
            Host a = host(port + round);
            try {
                RelayClient.attach(a);
                HolePunchService hp = HolePunchService.attach(a, CONFIG);
                LinkedBlockingQueue<HolePunchEvent> events = new LinkedBlockingQueue<>();
                hp.addListener(events::add);
                CountDownLatch relayedClosed = new CountDownLatch(1);
                a.addConnectionListener(new ConnectionListener() {
                    @Override
                    public void disconnected(Connection c) {
                        if (c.remotePeer().equals(target) && c.remoteAddress().hasProtocol(Protocol.P2P_CIRCUIT)) {
                            relayedClosed.countDown();
                        }
                    }
                });
                Connection toRelay = a.connect(relay);
                a.service(IdentifyService.class).orElseThrow().awaitIdentified(toRelay, WAIT);
                Connection relayed = a.connect(relay.encapsulate("/p2p-circuit/p2p/" + target));
                say("relayed " + relayed.remoteAddress() + " limited=" + relayed.isLimited());
                // the receiver's last event tells: it has one per attempt the initiator starts
                HolePunchEvent outcome = null;
                for (HolePunchEvent e = events.poll(WAIT.toSeconds(), TimeUnit.SECONDS); e != null;
                     e = events.poll(e.succeeded() ? 0 : 15, TimeUnit.SECONDS)) {
                    say(describe(e));
                    outcome = e;
                    if (e.succeeded()) {
                        break;
                    }
                }
                boolean ok = outcome != null && outcome.succeeded();
                if (ok && relayedClosed.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                    say("relayed-closed");
                }
                List<Connection> now = a.network().connections(target);
                say("connections " + now.stream().map(c -> c.remoteAddress().toString()).toList());
                say("round " + round + " " + (ok ? "ok" : "failed") + " "
                        + (outcome == null ? -1 : outcome.elapsed().toMillis()));
            } finally {
                if (round < rounds - 1) {
                    a.close();
                } else {
                    last = a; // the caller looks at the NATs while the last direct connection lives
                }
            }
        }
        say("done");
        new CountDownLatch(1).await(1, TimeUnit.HOURS);
        last.close();
    }

    public static String describe(HolePunchEvent e) {
        return "event role=" + e.role() + " outcome=" + e.outcome() + " attempts=" + e.attempts()
                + " direct=" + e.direct().map(Multiaddr::toString).orElse("-") + " elapsedMs=" + e.elapsed().toMillis()
                + " detail=" + e.detail();
    }
}
