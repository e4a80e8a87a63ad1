package io.p2pkit.pubsub.simulation;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.transport.memory.MemoryNetwork;
import io.p2pkit.pubsub.PubSub;
import io.p2pkit.pubsub.PubsubConfig;
import io.p2pkit.pubsub.PubsubStats;
import io.p2pkit.pubsub.Router;
import io.p2pkit.pubsub.Topic;
import io.p2pkit.pubsub.ValidationResult;
import io.p2pkit.pubsub.gossip.GossipParams;
import io.p2pkit.pubsub.gossip.GossipRouter;
import io.p2pkit.pubsub.score.PeerScoreParams;
import io.p2pkit.pubsub.score.PeerScoreThresholds;
import io.p2pkit.pubsub.score.TopicScoreParams;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * An in-JVM gossipsub network over the memory transport with injected latency, honest nodes and
 * optionally attackers, measuring delivery, latency, duplicates and bandwidth. Run it with
 * {@code scripts/sim-pubsub} (see {@link #main}); small runs back a CI test.
 */
public final class PubsubSimulation {
    /** The scenarios. */
    public enum Scenario {
        /** Honest nodes only. */
        BASELINE,
        /** Silent sybils joining meshes and never forwarding. */
        SYBIL,
        /** Attackers publishing floods of messages honest validators reject. */
        INVALID_FLOOD,
        /** Silent attackers all connecting to and grafting one victim. */
        ECLIPSE,
        /** Attackers asking for every message many times and advertising messages they do not have. */
        IWANT_SPAM,
        /** Attackers behaving well to build score, then all going silent at once half-way. */
        FLASH
    }

    /**
     * Simulation settings.
     *
     * @param nodes          honest nodes
     * @param attackers      attacker nodes
     * @param degree         connections each honest node dials
     * @param attackerDegree honest nodes each attacker dials
     * @param messages       honest messages to publish
     * @param rate           honest messages per second
     * @param size           message size in bytes
     * @param minLatency     lowest one-way link latency
     * @param maxLatency     highest one-way link latency
     * @param warmup         the longest wait for every honest node to know its peers' subscriptions
     *                       and fill its mesh before publishing (it publishes as soon as they have)
     * @param drain          how long to wait for stragglers after the last publish
     * @param scoring        whether honest nodes score peers
     * @param seed           randomness seed
     */
    public record Settings(Scenario scenario, int nodes, int attackers, int degree, int attackerDegree, int messages,
                           double rate, int size,
                           Duration minLatency, Duration maxLatency, Duration warmup, Duration drain, boolean scoring,
                           long seed) {
    }

    /** The topic every node joins. */
    static final String TOPIC = "sim";
    /** The prefix of the payloads honest validators reject. */
    static final byte[] BAD = {'B', 'A', 'D'};
    /** The honest nodes' gossip threshold. */
    static final double GOSSIP_THRESHOLD = -10;
    /** How often an invalid-flood attacker publishes. */
    static final Duration FLOOD_INTERVAL = Duration.ofMillis(20);

    private PubsubSimulation() {
    }

    /** Runs one simulation and returns what it measured. */
    public static SimulationResult run(Settings s) throws Exception {
        long wallStart = System.nanoTime();
        Random random = new Random(s.seed());
        MemoryNetwork network = new MemoryNetwork();
        long minNs = s.minLatency().toNanos();
        long spanNs = Math.max(0, s.maxLatency().toNanos() - minNs);
        // A fixed latency per unordered pair of addresses, from a hash: symmetric and reproducible.
        network.latency((a, b) -> {
            long h = (Math.min(a, b) * 0x9E3779B97F4A7C15L) ^ (Math.max(a, b) * 0xC2B2AE3D27D4EB4FL) ^ s.seed();
            h ^= h >>> 31;
            return Duration.ofNanos(minNs + (spanNs == 0 ? 0 : Math.floorMod(h, spanNs)));
        });
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
        int total = s.nodes() + s.attackers();
        List<Host> hosts = new ArrayList<>();
        List<PubSub> pubsubs = new ArrayList<>();
        List<AttackRouter> attackRouters = new ArrayList<>();
        Arrivals arrivals = new Arrivals(s.messages(), s.nodes());
        try {
            for (int i = 0; i < total; i++) {
                boolean attacker = i >= s.nodes();
                Host h = Host.builder().identity(PrivateKey.generateEd25519()).transport(key -> network.transport())
                        .listen("/memory/0").security("plaintext").muxers("yamux").identify(false).ping(false)
                        .scheduler(scheduler).build();
                hosts.add(h);
                PubsubConfig config = PubsubConfig.builder().random(new Random(s.seed() * 31 + i)).build();
                Router router = attacker ? attackerRouter(s) : new GossipRouter(honestParams(s));
                if (router instanceof AttackRouter a) {
                    attackRouters.add(a);
                }
                PubSub p = PubSub.start(h, config, router);
                pubsubs.add(p);
                Topic t = p.join(TOPIC);
                if (attacker) {
                    t.relay();
                    continue;
                }
                t.validator((src, m) -> startsWith(m.data(), BAD) ? ValidationResult.REJECT : ValidationResult.ACCEPT);
                int node = i;
                t.subscribe(m -> {
                    byte[] d = m.data();
                    if (d.length < 12 || startsWith(d, BAD)) {
                        return;
                    }
                    ByteBuffer b = ByteBuffer.wrap(d);
                    long sentAt = b.getLong();
                    int index = b.getInt();
                    if (arrivals.measured(index)) {
                        arrivals.arrived(index, node, System.nanoTime() - sentAt);
                    }
                });
            }
            connect(s, hosts, random);
            long settleStart = System.nanoTime();
            boolean settled = awaitMeshes(s, hosts, pubsubs, settleStart + s.warmup().toNanos());
            double settleSeconds = settled ? (System.nanoTime() - settleStart) / 1e9 : -1;

            // Attackers that flood invalid messages do so from here on.
            List<Thread> flooders = new ArrayList<>();
            if (s.scenario() == Scenario.INVALID_FLOOD) {
                for (int i = s.nodes(); i < total; i++) {
                    PubSub p = pubsubs.get(i);
                    flooders.add(Thread.ofVirtual().start(() -> flood(p)));
                }
            }
            ScoreSamples honestScores = new ScoreSamples(GOSSIP_THRESHOLD);
            Thread sampler = s.scoring() ? Thread.ofVirtual().name("sim-score-sampler")
                    .start(() -> sampleScores(s, hosts, pubsubs, honestScores)) : null;
            long start = System.nanoTime();
            long interval = (long) (1e9 / s.rate());
            long[] sentBefore = new long[s.nodes()];
            for (int i = 0; i < s.nodes(); i++) {
                sentBefore[i] = pubsubs.get(i).stats().sentBytes();
            }
            for (int m = 0; m < s.messages(); m++) {
                if (s.scenario() == Scenario.FLASH && m == s.messages() / 2) {
                    attackRouters.forEach(AttackRouter::strike);
                }
                long due = start + m * interval;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(Duration.ofNanos(wait));
                }
                int from = random.nextInt(s.nodes());
                ByteBuffer b = ByteBuffer.allocate(Math.max(12, s.size()));
                b.putLong(System.nanoTime()).putInt(m);
                arrivals.published(m, from);
                try {
                    pubsubs.get(from).join(TOPIC).publish(b.array());
                } catch (IOException e) {
                    // counted as undelivered
                }
            }
            arrivals.await(s.drain().toMillis());
            double seconds = (System.nanoTime() - start) / 1e9;
            flooders.forEach(Thread::interrupt);
            if (sampler != null) {
                sampler.interrupt();
                sampler.join();
            }
            return measure(s, pubsubs, arrivals, sentBefore, seconds, settleSeconds, honestScores, wallStart);
        } finally {
            closeAll(hosts);
            scheduler.shutdownNow();
        }
    }

    /**
     * Waits until every honest node has heard the subscriptions of all its connected peers and has
     * a mesh of at least D_lo (or of every gossip peer it has, if fewer), or until {@code deadline}.
     * Publishing on a condition rather than after a fixed sleep keeps a loaded machine from
     * changing what is measured.
     */
    private static boolean awaitMeshes(Settings s, List<Host> hosts, List<PubSub> pubsubs, long deadline)
            throws InterruptedException {
        int next = 0;
        while (next < s.nodes() && System.nanoTime() < deadline) {
            Host h = hosts.get(next);
            PubSub p = pubsubs.get(next);
            long connected = h.network().connections().stream().map(c -> c.remotePeer()).distinct().count();
            int topicPeers = p.topicPeers(TOPIC).size();
            int mesh = p.inspect(r -> ((GossipRouter) r).meshPeers(TOPIC).size());
            if (meshFormed(connected, topicPeers, mesh)) {
                next++;
            } else {
                Thread.sleep(20); // polling a condition under a deadline, not a warm-up
            }
        }
        return next >= s.nodes();
    }

    /**
     * Whether a node is ready for publishing: it is connected, has heard the subscriptions of all
     * its connected peers, and has a mesh of at least D_lo (or of every topic peer, if fewer).
     */
    static boolean meshFormed(long connected, int topicPeers, int mesh) {
        return connected > 0 && topicPeers >= connected && mesh >= Math.min(GossipParams.defaults().dLo(), topicPeers);
    }

    /**
     * Every two seconds until interrupted, records each honest node's score of each honest peer
     * it knows, to tell which component (if any) pushes honest peers below the thresholds.
     */
    private static void sampleScores(Settings s, List<Host> hosts, List<PubSub> pubsubs, ScoreSamples out) {
        Set<PeerId> honest = new HashSet<>();
        for (int i = 0; i < s.nodes(); i++) {
            honest.add(hosts.get(i).peerId());
        }
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(2000); // a sampling period, not a wait for a condition
                for (int i = 0; i < s.nodes(); i++) {
                    // Each node's router is read on its owner thread, one node at a time.
                    pubsubs.get(i).inspect(r -> {
                        out.sample((GossipRouter) r, honest);
                        return null;
                    });
                }
            }
        } catch (InterruptedException | IllegalStateException e) {
            // the run is over
        }
    }

    /** Closes every host, in parallel: closing waits for peers to read what was sent. */
    private static void closeAll(List<Host> hosts) throws InterruptedException {
        List<Thread> closers = new ArrayList<>();
        for (Host h : hosts) {
            closers.add(Thread.ofVirtual().start(() -> {
                try {
                    h.close();
                } catch (RuntimeException e) {
                    // closing anyway
                }
            }));
        }
        for (Thread t : closers) {
            t.join();
        }
    }

    private static void flood(PubSub p) {
        Topic t = p.join(TOPIC);
        byte[] junk = new byte[64];
        System.arraycopy(BAD, 0, junk, 0, BAD.length);
        long n = 0;
        try {
            while (!Thread.currentThread().isInterrupted()) {
                ByteBuffer.wrap(junk).putLong(8, n++);
                t.publish(junk);
                Thread.sleep(FLOOD_INTERVAL); // 50 invalid messages per second per attacker
            }
        } catch (InterruptedException | IOException | RuntimeException e) {
            // stopped
        }
    }

    static boolean startsWith(byte[] d, byte[] prefix) {
        return d.length >= prefix.length && Arrays.equals(d, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** Dials as {@link #dialTargets} says, all at once, and waits for the dials to end. */
    private static void connect(Settings s, List<Host> hosts, Random random) throws InterruptedException {
        List<Set<Integer>> targets = dialTargets(s, random);
        List<Thread> dialers = new ArrayList<>();
        for (int i = 0; i < hosts.size(); i++) {
            Host h = hosts.get(i);
            for (int t : targets.get(i)) {
                Host target = hosts.get(t);
                PeerInfo info = new PeerInfo(target.peerId(), target.addresses());
                dialers.add(Thread.ofVirtual().start(() -> {
                    try {
                        h.connect(info);
                    } catch (IOException e) {
                        // a lost link: the network copes
                    }
                }));
            }
        }
        for (Thread t : dialers) {
            t.join();
        }
    }

    /**
     * Whom each node dials: an honest node {@code degree} random others; an attacker
     * {@code attackerDegree} honest nodes (links between attackers would test nothing), and in the
     * eclipse scenario the victim, node 0, first.
     */
    static List<Set<Integer>> dialTargets(Settings s, Random random) {
        int total = s.nodes() + s.attackers();
        List<Set<Integer>> all = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            boolean attacker = i >= s.nodes();
            int pool = attacker ? s.nodes() : total;
            Set<Integer> targets = new LinkedHashSet<>();
            if (attacker && s.scenario() == Scenario.ECLIPSE) {
                targets.add(0);
            }
            int want = Math.min(attacker ? pool : pool - 1, attacker ? s.attackerDegree() : s.degree());
            while (targets.size() < want) {
                int t = random.nextInt(pool);
                if (t != i) {
                    targets.add(t);
                }
            }
            all.add(targets);
        }
        return all;
    }

    /** The router of an attacker in this scenario: a plain gossipsub router for the invalid flood. */
    static Router attackerRouter(Settings s) {
        AttackRouter.Mode mode = switch (s.scenario()) {
            case FLASH -> AttackRouter.Mode.FLASH;
            case IWANT_SPAM -> AttackRouter.Mode.IWANT_SPAM;
            case INVALID_FLOOD -> null;
            default -> AttackRouter.Mode.SILENT;
        };
        return mode == null ? new GossipRouter(GossipParams.defaults()) : new AttackRouter(mode, GossipParams.defaults());
    }

    /** The honest nodes' router parameters: the defaults, with scoring scaled to the message rate unless it is off. */
    static GossipParams honestParams(Settings s) {
        if (!s.scoring()) {
            return GossipParams.defaults();
        }
        double thr = Math.max(1, s.rate());
        TopicScoreParams topic = new TopicScoreParams(1.0,
                0.01, Duration.ofSeconds(1), 100,
                1.0, 0.9, 50,
                // P3's threshold follows the topic's own traffic (the default share of it),
                // so the quiet time before and after publishing costs honest mesh peers nothing and
                // the activation need not be timed against the warm-up.
                -100.0 / (thr * thr), 0.9, 4 * thr, thr, Duration.ofSeconds(2), Duration.ofSeconds(5),
                -100.0 / (thr * thr), 0.9,
                -100.0, 0.9, TopicScoreParams.DEFAULT_TOPIC_SHARE);
        // P7 tolerates a few misses (Lodestar's threshold 6): on a starved machine honest IWANT
        // answers miss the 3 s follow-up too, and with threshold 0 one miss costs -10, two -40.
        PeerScoreParams score = PeerScoreParams.defaults(Map.of(TOPIC, topic)).withBehaviourPenalty(-10, 6, 0.9);
        return GossipParams.builder().scoring(score, new PeerScoreThresholds(GOSSIP_THRESHOLD, -50, -80, 5, 2)).build();
    }

    private static SimulationResult measure(Settings s, List<PubSub> pubsubs, Arrivals arrivals,
                                            long[] sentBefore, double seconds, double settleSeconds,
                                            ScoreSamples honestScores, long wallStart) {
        long duplicates = 0;
        long bytes = 0;
        long droppedMessages = 0;
        long droppedControl = 0;
        for (int i = 0; i < s.nodes(); i++) {
            PubsubStats st = pubsubs.get(i).stats();
            duplicates += st.duplicates();
            bytes += st.sentBytes() - sentBefore[i];
            droppedMessages += st.droppedMessages();
            droppedControl += st.droppedControl();
        }
        return result(s, arrivals, duplicates, bytes, Map.of(), seconds, settleSeconds, honestScores, meanMeshSize(s, pubsubs),
                "real", (System.nanoTime() - wallStart) / 1e9,
                Map.of("honestDroppedMessages", droppedMessages, "honestDroppedControl", droppedControl));
    }

    /** The result of a run, from what arrived and the honest nodes' totals. */
    static SimulationResult result(Settings s, Arrivals arrivals, long duplicates, long bytes, Map<String, List<Double>> by10s,
                                   double seconds,
                                   double settleSeconds, ScoreSamples honestScores, double meanMeshSize,
                                   String clock, double wallSeconds, Map<String, Long> counters) {
        // Delivery per 10 seconds of publishing, to show attacks that are beaten only after a while.
        Arrivals.Summary a = arrivals.summary(Math.max(1, (int) Math.round(10 * s.rate())));
        return new SimulationResult(s.scenario().name().toLowerCase(Locale.ROOT), s.nodes(), s.attackers(), s.messages(),
                a.ratio(), s.scenario() == Scenario.ECLIPSE ? a.nodeZero() : 1.0, a.medianMillis(), a.p99Millis(),
                a.ratioByWindow(), (double) duplicates / Math.max(1, s.messages()) / s.nodes(),
                bytes / (double) s.nodes() / seconds, by10s, seconds, settleSeconds, honestScores, meanMeshSize,
                clock, wallSeconds, new java.util.TreeMap<>(counters));
    }

    private static double meanMeshSize(Settings s, List<PubSub> pubsubs) {
        long total = 0;
        for (int i = 0; i < s.nodes(); i++) {
            total += pubsubs.get(i).inspect(r -> ((GossipRouter) r).meshPeers(TOPIC).size());
        }
        return total / (double) s.nodes();
    }

    /**
     * {@code PubsubSimulation [--clock virtual|real] [--scenario NAME] [--nodes N] [--attackers N] [--degree N]
     * [--attacker-degree N (default twice --degree)]
     * [--messages N] [--rate PER_SECOND] [--size BYTES] [--latency MIN_MS-MAX_MS] [--bandwidth MBIT_PER_S]
     * [--warmup SECONDS] [--drain SECONDS] [--no-scoring] [--seed N]}: prints the result as one JSON line.
     * {@code --clock virtual} (the default) runs {@link VirtualSimulation}; {@code real} runs this
     * class's threads over the memory transport. {@code --bandwidth} (default 100, 0 for none)
     * applies to virtual time only.
     */
    public static void main(String[] args) throws Exception {
        try {
            SimulationResult r = runFromArgs(args);
            System.out.println(r.toJson());
            System.exit(0);
        } catch (IllegalArgumentException e) {
            System.err.println("sim-pubsub: " + e.getMessage());
            System.exit(2);
        }
    }

    private static SimulationResult runFromArgs(String[] args) throws Exception {
        Scenario scenario = Scenario.BASELINE;
        boolean virtual = true;
        int nodes = 1000;
        int attackers = -1;
        int degree = 8;
        int attackerDegree = -1;
        int messages = 100;
        double rate = 10;
        int size = 256;
        long minMs = 10;
        long maxMs = 100;
        double mbit = VirtualSimulation.DEFAULT_BYTES_PER_SECOND * 8 / 1e6;
        long warmup = 10;
        long drain = 30;
        boolean scoring = true;
        long seed = 1;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--no-scoring")) {
                scoring = false;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            String v = args[++i];
            try {
                switch (a) {
                    case "--clock" -> virtual = switch (v) {
                        case "virtual" -> true;
                        case "real" -> false;
                        default -> throw new IllegalArgumentException("--clock is virtual or real, not " + v);
                    };
                    case "--scenario" -> scenario = scenario(v);
                    case "--nodes" -> nodes = Integer.parseInt(v);
                    case "--attackers" -> attackers = Integer.parseInt(v);
                    case "--degree" -> degree = Integer.parseInt(v);
                    case "--attacker-degree" -> attackerDegree = Integer.parseInt(v);
                    case "--messages" -> messages = Integer.parseInt(v);
                    case "--rate" -> rate = Double.parseDouble(v);
                    case "--size" -> size = Integer.parseInt(v);
                    case "--latency" -> {
                        String[] p = v.split("-");
                        minMs = Long.parseLong(p[0]);
                        maxMs = Long.parseLong(p[p.length - 1]);
                    }
                    case "--bandwidth" -> mbit = Double.parseDouble(v);
                    case "--warmup" -> warmup = Long.parseLong(v);
                    case "--drain" -> drain = Long.parseLong(v);
                    case "--seed" -> seed = Long.parseLong(v);
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(a + " wants a number, not " + v);
            }
        }
        if (attackers < 0) {
            attackers = scenario == Scenario.BASELINE ? 0 : scenario == Scenario.ECLIPSE ? 50 : nodes / 5;
        }
        if (nodes < 2 || degree < 1 || messages < 1 || !(rate > 0) || minMs < 0 || maxMs < minMs || !(mbit >= 0)) {
            throw new IllegalArgumentException("want --nodes ≥ 2, --degree ≥ 1, --messages ≥ 1, --rate > 0, "
                    + "--latency MIN-MAX with 0 ≤ MIN ≤ MAX and --bandwidth ≥ 0");
        }
        Settings s = new Settings(scenario, nodes, attackers, degree, attackerDegree < 0 ? 2 * degree : attackerDegree,
                messages, rate, size, Duration.ofMillis(minMs),
                Duration.ofMillis(maxMs), Duration.ofSeconds(warmup), Duration.ofSeconds(drain), scoring, seed);
        return virtual ? VirtualSimulation.run(s, (long) (mbit * 1e6 / 8)) : run(s);
    }

    private static Scenario scenario(String name) {
        try {
            return Scenario.valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown scenario " + name + "; the scenarios are "
                    + java.util.Arrays.stream(Scenario.values()).map(x -> x.name().toLowerCase(Locale.ROOT).replace('_', '-')).toList());
        }
    }
}
