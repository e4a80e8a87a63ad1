package io.p2pkit.pubsub.simulation;

import io.p2pkit.core.crypto.KeyType;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.pubsub.PubsubConfig;
import io.p2pkit.pubsub.PubsubMessage;
import io.p2pkit.pubsub.PubsubStats;
import io.p2pkit.pubsub.Router;
import io.p2pkit.pubsub.ValidationResult;
import io.p2pkit.pubsub.engine.LocalSubscription;
import io.p2pkit.pubsub.engine.PubsubEngine;
import io.p2pkit.pubsub.gossip.GossipRouter;

import java.nio.ByteBuffer;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static io.p2pkit.pubsub.simulation.PubsubSimulation.BAD;
import static io.p2pkit.pubsub.simulation.PubsubSimulation.GOSSIP_THRESHOLD;
import static io.p2pkit.pubsub.simulation.PubsubSimulation.TOPIC;
import static io.p2pkit.pubsub.simulation.PubsubSimulation.startsWith;

/**
 * The gossipsub simulation in virtual time: the same scenarios, routers, scoring and measurements
 * as {@link PubsubSimulation}, but every node is a real {@link PubsubEngine} (receive pipeline,
 * signature checks, validation, router, peer scores, send lanes, the wire encoding of every RPC)
 * driven by a {@link VirtualTime} event queue instead of threads, over {@link SimNetwork} links
 * with latency and bandwidth instead of the memory transport.
 *
 * <p>Simulated time stands still while a node works: each node has, in effect, a CPU of its own,
 * as in a real network, where 1,200 nodes do not share two cores. So the result is what the
 * protocol and this implementation's logic deliver, the same for the same seed on any machine;
 * what a node's CPU, its threads and the transports add is measured by {@link PubsubSimulation}.
 */
public final class VirtualSimulation {
    /** Default bandwidth of each direction of each connection: 100 Mbit/s. */
    public static final long DEFAULT_BYTES_PER_SECOND = 12_500_000L;
    /** How often the warm-up checks whether the meshes have formed. */
    private static final long SETTLE_CHECK_NANOS = 100_000_000L;
    /** The window of the per-10-second series. */
    private static final long WINDOW_NANOS = 10_000_000_000L;
    /** How often honest scores are sampled. */
    private static final long SAMPLE_NANOS = 2_000_000_000L;

    private VirtualSimulation() {
    }

    /**
     * Runs one simulation.
     *
     * @param bytesPerSecond the bandwidth of each direction of each connection (0: unlimited)
     */
    public static SimulationResult run(PubsubSimulation.Settings s, long bytesPerSecond) {
        long wallStart = System.nanoTime();
        VirtualTime time = new VirtualTime();
        Random random = new Random(s.seed());
        SimNetwork net = new SimNetwork(time, s.seed(), s.minLatency().toNanos(), s.maxLatency().toNanos(), bytesPerSecond);
        SecureRandom keys = seededKeys(s.seed());
        int total = s.nodes() + s.attackers();
        Arrivals arrivals = new Arrivals(s.messages(), s.nodes());
        List<SimNode> nodes = new ArrayList<>();
        List<AttackRouter> attackRouters = new ArrayList<>();
        Set<PeerId> honest = new HashSet<>();
        for (int i = 0; i < total; i++) {
            boolean attacker = i >= s.nodes();
            SimNode node = new SimNode(i, PrivateKey.generate(KeyType.ED25519, keys), net);
            net.add(node);
            nodes.add(node);
            PubsubConfig config = PubsubConfig.builder().random(new Random(s.seed() * 31 + i)).clock(time).build();
            Router router = attacker ? PubsubSimulation.attackerRouter(s) : new GossipRouter(PubsubSimulation.honestParams(s));
            if (router instanceof AttackRouter a) {
                attackRouters.add(a);
            }
            PubsubEngine engine = node.start(config, router, Math.floorMod(random.nextLong(), config.heartbeatInterval().toNanos()));
            if (!attacker) {
                honest.add(node.peerId());
                int index = i;
                engine.setValidator(TOPIC, (src, m) -> {
                    byte[] d = m.data();
                    if (startsWith(d, BAD)) {
                        return ValidationResult.REJECT;
                    }
                    if (d.length >= 12) {
                        ByteBuffer b = ByteBuffer.wrap(d);
                        long sentAt = b.getLong();
                        int message = b.getInt();
                        if (arrivals.measured(message)) {
                            arrivals.arrived(message, index, time.nanos() - sentAt);
                        }
                    }
                    return ValidationResult.ACCEPT;
                });
            }
            // Honest nodes relay: they measure arrivals in their validator, and need no subscription buffer.
            engine.subscribe(TOPIC, true, new LocalSubscription() {
                @Override
                public void deliver(PubsubMessage message) {
                    // a relay receives nothing
                }

                @Override
                public void cancel() {
                    // the run ends with the engines
                }
            });
        }
        List<Set<Integer>> targets = PubsubSimulation.dialTargets(s, random);
        for (int i = 0; i < total; i++) {
            for (int t : targets.get(i)) {
                net.dial(nodes.get(i), nodes.get(t));
            }
        }

        boolean settled = awaitMeshes(s, time, nodes);
        double settleSeconds = settled ? time.nanos() / 1e9 : -1;
        long start = time.nanos();

        if (s.scenario() == PubsubSimulation.Scenario.INVALID_FLOOD) {
            long period = PubsubSimulation.FLOOD_INTERVAL.toNanos();
            for (int i = s.nodes(); i < total; i++) {
                SimNode attacker = nodes.get(i);
                long[] counter = {0};
                time.every(Math.floorMod(random.nextLong(), period), period, () -> attacker.run(() -> {
                    byte[] junk = new byte[64];
                    System.arraycopy(BAD, 0, junk, 0, BAD.length);
                    ByteBuffer.wrap(junk).putLong(8, counter[0]++);
                    attacker.engine().publish(attacker.engine().newMessage(TOPIC, junk));
                }));
            }
        }
        ScoreSamples honestScores = new ScoreSamples(GOSSIP_THRESHOLD);
        if (s.scoring()) {
            time.every(SAMPLE_NANOS, SAMPLE_NANOS, () -> {
                for (int i = 0; i < s.nodes(); i++) {
                    honestScores.sample((GossipRouter) nodes.get(i).engine().router(), honest);
                }
            });
        }
        long[] sentBefore = new long[s.nodes()];
        for (int i = 0; i < s.nodes(); i++) {
            sentBefore[i] = nodes.get(i).engine().stats().sentBytes();
        }
        // Every 10 s: honest bytes sent and attackers' share of honest meshes, to show how an attack's
        // cost and reach change once scores catch up with it.
        List<Double> bytesBy10s = new ArrayList<>();
        List<Double> attackerShare = new ArrayList<>();
        long[] windowStart = {honestBytes(s, nodes)};
        time.every(WINDOW_NANOS, WINDOW_NANOS, () -> {
            long now = honestBytes(s, nodes);
            bytesBy10s.add((now - windowStart[0]) / (double) s.nodes() / (WINDOW_NANOS / 1e9));
            windowStart[0] = now;
            attackerShare.add(attackerMeshShare(s, nodes, honest));
        });
        long interval = (long) (1e9 / s.rate());
        for (int m = 0; m < s.messages(); m++) {
            int message = m;
            int from = random.nextInt(s.nodes());
            time.after(m * interval, () -> {
                if (s.scenario() == PubsubSimulation.Scenario.FLASH && message == s.messages() / 2) {
                    attackRouters.forEach(AttackRouter::strike);
                }
                SimNode publisher = nodes.get(from);
                ByteBuffer b = ByteBuffer.allocate(Math.max(12, s.size()));
                b.putLong(time.nanos()).putInt(message);
                arrivals.published(message, from);
                publisher.run(() -> publisher.engine().publish(publisher.engine().newMessage(TOPIC, b.array())));
            });
        }
        long lastPublish = start + (s.messages() - 1) * interval;
        time.runUntil(lastPublish + s.drain().toNanos(), arrivals::complete);
        double seconds = (time.nanos() - start) / 1e9;
        double partial = ((time.nanos() - start) % WINDOW_NANOS) / 1e9;
        if (partial > 0) {
            bytesBy10s.add((honestBytes(s, nodes) - windowStart[0]) / (double) s.nodes() / partial);
            attackerShare.add(attackerMeshShare(s, nodes, honest));
        }
        Map<String, List<Double>> by10s = new LinkedHashMap<>();
        by10s.put("bytesPerNodePerSecond", bytesBy10s);
        if (s.attackers() > 0) {
            by10s.put("attackerMeshShare", attackerShare);
        }
        return measure(s, nodes, net, arrivals, honest, sentBefore, by10s, seconds, settleSeconds, honestScores, time, wallStart);
    }

    /**
     * Runs the network until every honest node has heard the subscriptions of all its connected
     * peers and has a mesh of at least D_lo (or of every topic peer it has, if fewer), or until
     * the warm-up deadline.
     */
    private static boolean awaitMeshes(PubsubSimulation.Settings s, VirtualTime time, List<SimNode> nodes) {
        int[] next = {0};
        boolean[] settled = {false};
        time.every(SETTLE_CHECK_NANOS, SETTLE_CHECK_NANOS, () -> {
            while (!settled[0] && next[0] < s.nodes()) {
                SimNode n = nodes.get(next[0]);
                int topicPeers = n.engine().topicPeers(TOPIC).size();
                int mesh = ((GossipRouter) n.engine().router()).meshPeers(TOPIC).size();
                if (!PubsubSimulation.meshFormed(n.connectionCount(), topicPeers, mesh)) {
                    return;
                }
                next[0]++;
            }
            settled[0] = true;
        });
        return time.runUntil(s.warmup().toNanos(), () -> settled[0]);
    }

    private static SimulationResult measure(PubsubSimulation.Settings s, List<SimNode> nodes, SimNetwork net,
                                            Arrivals arrivals, Set<PeerId> honest, long[] sentBefore,
                                            Map<String, List<Double>> by10s, double seconds,
                                            double settleSeconds,
                                            ScoreSamples honestScores, VirtualTime time, long wallStart) {
        long duplicates = 0;
        long bytes = 0;
        long mesh = 0;
        Map<String, Long> counters = new LinkedHashMap<>();
        for (int i = 0; i < s.nodes(); i++) {
            PubsubEngine e = nodes.get(i).engine();
            PubsubStats st = e.stats();
            duplicates += st.duplicates();
            bytes += st.sentBytes() - sentBefore[i];
            mesh += ((GossipRouter) e.router()).meshPeers(TOPIC).size();
            counters.merge("honestDroppedMessages", st.droppedMessages(), Long::sum);
            counters.merge("honestDroppedControl", st.droppedControl(), Long::sum);
            counters.merge("honestRejected", st.rejected(), Long::sum);
            // A node with no honest connection can only hear what attackers pass on: no router helps it.
            int honestPeers = nodes.get(i).connectionsAmong(honest);
            counters.merge("honestNodesWithNoHonestPeer", honestPeers == 0 ? 1L : 0L, Long::sum);
            counters.merge("honestNodesWithOneHonestPeer", honestPeers == 1 ? 1L : 0L, Long::sum);
            counters.merge("missedAtNodesWithNoHonestPeer", honestPeers == 0 ? arrivals.missed(i) : 0L, Long::sum);
            counters.merge("missedAtNodesWithOneHonestPeer", honestPeers == 1 ? arrivals.missed(i) : 0L, Long::sum);
        }
        long failures = 0;
        long badFrames = 0;
        for (SimNode n : nodes) {
            failures += n.failures();
            badFrames += n.badFrames();
        }
        // Node 0 is the eclipse victim: whom its mesh holds at the end.
        Set<PeerId> victimMesh = ((GossipRouter) nodes.get(0).engine().router()).meshPeers(TOPIC);
        counters.put("node0Mesh", (long) victimMesh.size());
        counters.put("node0MeshAttackers", victimMesh.stream().filter(p -> !honest.contains(p)).count());
        counters.put("engineFailures", failures);
        counters.put("badFrames", badFrames);
        counters.put("connectionsOpened", net.connectionsOpened());
        counters.put("connectionsClosed", net.connectionsClosed());
        counters.put("events", time.eventsRun());
        return PubsubSimulation.result(s, arrivals, duplicates, bytes, by10s, seconds, settleSeconds, honestScores,
                mesh / (double) s.nodes(), "virtual", (System.nanoTime() - wallStart) / 1e9, counters);
    }

    /** The share of honest nodes' mesh places that attackers hold. */
    private static double attackerMeshShare(PubsubSimulation.Settings s, List<SimNode> nodes, Set<PeerId> honest) {
        long places = 0;
        long held = 0;
        for (int i = 0; i < s.nodes(); i++) {
            for (PeerId p : ((GossipRouter) nodes.get(i).engine().router()).meshPeers(TOPIC)) {
                places++;
                held += honest.contains(p) ? 0 : 1;
            }
        }
        return places == 0 ? 0 : held / (double) places;
    }

    private static long honestBytes(PubsubSimulation.Settings s, List<SimNode> nodes) {
        long total = 0;
        for (int i = 0; i < s.nodes(); i++) {
            total += nodes.get(i).engine().stats().sentBytes();
        }
        return total;
    }

    /** Key material from the seed, so that the same seed gives the same peer IDs, and so the same run. */
    private static SecureRandom seededKeys(long seed) {
        try {
            SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
            r.setSeed(ByteBuffer.allocate(Long.BYTES).putLong(seed).array());
            return r;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA1PRNG", e);
        }
    }
}
