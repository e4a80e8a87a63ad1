package io.p2pkit.node.rpc;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.peerstore.AddressTtl;
import io.p2pkit.core.ping.PingService;
import io.p2pkit.core.ping.PingSession;
import io.p2pkit.core.transport.SocketSafeInterrupt;
import io.p2pkit.kad.KadDht;
import io.p2pkit.node.cli.content.GoQuote;
import io.p2pkit.node.cli.content.KuboJson;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Kubo's {@code ping}: a peer found through the peerstore (or the DHT), then pinged once a second
 * on one {@code /ipfs/ping/1.0.0} stream, each answer a {@code {"Success","Time","Text"}} value
 * ({@code Time} in nanoseconds), the average last. As Kubo, the whole run may take 10 s a ping.
 */
final class PingCommands {
    /** Kubo's bound on the lookup, and per ping on the whole run. */
    private static final Duration PING_TIMEOUT = Duration.ofSeconds(10);
    private static final long TICK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private PingCommands() {
    }

    static List<RpcCommand> all() {
        return List.of(RpcCommand.at("ping").text(PingCommands::text).args(RpcArgument.string("peer ID", true, true).withStdin())
                .options(RpcOption.integer("count", "n").withDefault(10))
                .run(PingCommands::ping));
    }

    private static void ping(RpcRequest req, RpcResponse res) throws Exception {
        Host host = req.node().host();
        String arg = req.argument(0);
        PeerInfo target = parse(arg);
        PeerId peer = target.peerId();
        if (peer.equals(req.node().peerId())) {
            throw RpcError.failed("error: can't ping self");
        }
        host.peerStore().addAddresses(peer, target.addresses(), AddressTtl.TEMPORARY);
        long count = req.number("count").orElse(10L);
        if (count <= 0) {
            throw RpcError.failed("ping count must be greater than 0, was " + count);
        }
        if (host.peerStore().addresses(peer).isEmpty() && host.network().connection(peer).isEmpty()) {
            res.emit(KuboJson.pingResult(true, 0, "Looking up peer " + peer));
            host.peerStore().addAddresses(peer, lookup(req.node().dht(), peer).addresses(), AddressTtl.TEMPORARY);
        }
        res.emit(KuboJson.pingResult(true, 0, "PING " + peer + "."));
        long start = System.nanoTime();
        long budget;
        try {
            budget = Math.multiplyExact(PING_TIMEOUT.toNanos(), count);
        } catch (ArithmeticException e) {
            budget = Long.MAX_VALUE / 4; // a count no run lives to finish: no deadline that overflows
        }
        long deadline = start + budget;
        PingSession session;
        try {
            session = host.service(PingService.class).orElseThrow().session(host.connect(new PeerInfo(peer, List.of())));
        } catch (IOException e) {
            res.emit(KuboJson.pingResult(false, 0, "Ping error: " + e.getMessage()));
            throw RpcError.failed("ping failed");
        }
        long answered = 0;
        long total = 0;
        try (session) {
            for (long i = 0; i < count && !req.cancelled(); i++) {
                if (i > 0) {
                    TimeUnit.NANOSECONDS.sleep(start + i * TICK_NANOS - System.nanoTime()); // Kubo's one-second ticker
                }
                try {
                    long rtt = pingWithin(session, deadline - System.nanoTime()).toNanos();
                    answered++;
                    total += rtt;
                    res.emit(KuboJson.pingResult(true, rtt, ""));
                } catch (IOException e) {
                    res.emit(KuboJson.pingResult(false, 0, "Ping error: " + e.getMessage()));
                } catch (TimeoutException e) {
                    break; // Kubo's run is over: it reports what came back
                }
            }
        }
        if (answered == 0) {
            throw RpcError.failed("ping failed");
        }
        res.emit(KuboJson.pingResult(true, 0, String.format(Locale.ROOT, "Average latency: %.2fms", total / 1e6 / answered)));
    }

    /** A peer ID, or a multiaddr ending in one; Kubo's words when it is neither. */
    private static PeerInfo parse(String arg) {
        String why;
        if (arg.startsWith("/")) {
            Multiaddr address;
            try {
                address = Multiaddr.parse(arg);
            } catch (IllegalArgumentException e) {
                throw RpcError.failed("failed to parse peer address '" + arg + "': failed to parse multiaddr "
                        + GoQuote.quote(arg) + ": " + e.getMessage());
            }
            if (!address.withoutPeerId().equals(address)) { // it ends in /p2p/<ID>, as go-libp2p's SplitAddr needs
                return PeerInfo.fromMultiaddr(address);
            }
            why = "invalid p2p multiaddr";
        } else {
            try {
                return new PeerInfo(PeerId.parse(arg), List.of());
            } catch (IllegalArgumentException e) {
                why = "failed to parse peer ID: " + e.getMessage();
            }
        }
        throw RpcError.failed("failed to parse peer address '" + arg + "': " + why);
    }

    /** The peer's addresses from the DHT, within Kubo's 10 s; Kubo's words when it is not found. */
    private static PeerInfo lookup(Optional<KadDht> dht, PeerId peer) throws InterruptedException {
        if (dht.isEmpty()) {
            throw RpcError.failed("peer lookup failed: routing: not found");
        }
        FutureTask<Optional<PeerInfo>> find = new FutureTask<>(() -> dht.get().findPeer(peer).peer());
        // cancelled with an interrupt that waits out a write to a peer, which would close its connection
        SocketSafeInterrupt lookup = SocketSafeInterrupt.start(Thread.ofVirtual().name("p2pkit-rpc-ping-lookup"), find);
        try {
            return find.get(PING_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS)
                    .orElseThrow(() -> RpcError.failed("peer lookup failed: routing: not found"));
        } catch (TimeoutException e) {
            throw RpcError.failed("peer lookup failed: context deadline exceeded");
        } catch (ExecutionException e) {
            throw RpcError.failed("peer lookup failed: " + Errors.toRpc(e.getCause()).getMessage());
        } finally {
            if (find.cancel(false)) {
                lookup.interrupt();
            }
        }
    }

    /** One ping, given up (its stream reset) when it has not come back within {@code nanos}. */
    private static Duration pingWithin(PingSession session, long nanos)
            throws IOException, InterruptedException, TimeoutException {
        FutureTask<Duration> ping = new FutureTask<>(session::ping);
        Thread.ofVirtual().name("p2pkit-rpc-ping").start(ping);
        try {
            return ping.get(Math.max(nanos, 0), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        } catch (TimeoutException | InterruptedException e) {
            session.stream().reset(); // the ping's thread, blocked on the stream, ends with it
            throw e;
        }
    }

    /** Kubo's text of one result. */
    private static String text(RpcRequest req, Object value) {
        Map<?, ?> m = value instanceof Map<?, ?> map ? map : Map.of();
        return KuboJson.pingText(Boolean.TRUE.equals(m.get("Success")),
                m.get("Time") instanceof Number n ? n.longValue() : 0, String.valueOf(m.get("Text")));
    }
}
