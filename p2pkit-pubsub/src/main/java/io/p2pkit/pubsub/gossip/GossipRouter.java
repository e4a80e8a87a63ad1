package io.p2pkit.pubsub.gossip;

import io.p2pkit.core.Direction;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.pubsub.ControlMessage;
import io.p2pkit.pubsub.MessageId;
import io.p2pkit.pubsub.PubsubMessage;
import io.p2pkit.pubsub.Router;
import io.p2pkit.pubsub.RouterContext;
import io.p2pkit.pubsub.Rpc;
import io.p2pkit.pubsub.RpcCodec;
import io.p2pkit.pubsub.score.PeerScore;
import io.p2pkit.pubsub.score.ScoreBreakdown;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Gossipsub v1.0, v1.1 and v1.2, negotiated per peer ({@code /meshsub/1.2.0}, {@code 1.1.0},
 * {@code 1.0.0}, and floodsub peers treated as such).
 *
 * <p>Messages travel along a mesh of about D peers per topic; metadata (IHAVE) is gossiped to
 * others so that they can pull (IWANT) what the mesh missed. v1.1 adds the peer score and what
 * builds on it: thresholds, peer exchange on PRUNE, backoff, flood publishing, outbound quotas,
 * opportunistic grafting, IWANT follow-up penalties, direct peers. v1.2 adds IDONTWANT for large
 * messages. All state is owned by the pubsub owner thread.
 */
public final class GossipRouter implements Router {
    /** gossipsub v1.0. */
    public static final String MESHSUB_V10 = "/meshsub/1.0.0";
    /** gossipsub v1.1. */
    public static final String MESHSUB_V11 = "/meshsub/1.1.0";
    /** gossipsub v1.2. */
    public static final String MESHSUB_V12 = "/meshsub/1.2.0";
    /** floodsub, spoken to floodsub-only peers. */
    public static final String FLOODSUB = "/floodsub/1.0.0";

    /** IDONTWANT entries are kept this many heartbeats (go's value). */
    private static final int IDONTWANT_TTL_TICKS = 3;

    private final GossipParams params;
    private RouterContext ctx;
    private PeerScore score;

    private final Map<PeerId, String> protocols = new HashMap<>();
    private final Set<PeerId> outbound = new HashSet<>();
    private final Set<PeerId> direct = new HashSet<>();
    private final Map<String, Set<PeerId>> mesh = new LinkedHashMap<>();
    private final Map<String, Set<PeerId>> fanout = new LinkedHashMap<>();
    private final Map<String, Long> lastPublished = new HashMap<>();
    private final Map<String, Map<PeerId, Long>> backoff = new HashMap<>();
    private final Map<PeerId, Integer> ihavesReceived = new HashMap<>();
    private final Map<PeerId, Integer> idsAsked = new HashMap<>();
    private final Map<PeerId, Integer> iwantServed = new HashMap<>();
    private final Map<MessageId, Map<PeerId, Long>> promises = new HashMap<>();
    private final Map<PeerId, Map<MessageId, Long>> dontWant = new HashMap<>();
    private final Map<PeerId, Integer> dontWantReceived = new HashMap<>();
    private final Map<PeerId, List<ControlMessage.IHave>> pendingGossip = new HashMap<>();
    private MessageCache cache;
    private long ticks;
    private long brokenPromises;

    /** A router with {@code params}. */
    public GossipRouter(GossipParams params) {
        this.params = params;
    }

    /** A router with the default parameters, scoring off. */
    public GossipRouter() {
        this(GossipParams.defaults());
    }

    @Override
    public List<String> protocols() {
        return params.protocols;
    }

    @Override
    public void start(RouterContext context) {
        this.ctx = context;
        this.cache = new MessageCache(params.historyLength, params.historyGossip, params.maxMessageCacheEntries);
        if (params.scoreParams != null) {
            score = new PeerScore(params.scoreParams, context.clock(), context.config().seenTtl());
        }
        for (PeerInfo p : params.directPeers) {
            direct.add(p.peerId());
        }
    }

    // ------------------------------------------------------------------ inspection (tests, metrics)

    /** Our mesh peers of {@code topic}. */
    public Set<PeerId> meshPeers(String topic) {
        return Set.copyOf(mesh.getOrDefault(topic, Set.of()));
    }

    /** Our fanout peers of {@code topic}. */
    public Set<PeerId> fanoutPeers(String topic) {
        return Set.copyOf(fanout.getOrDefault(topic, Set.of()));
    }

    /** The score of {@code peer} (0 with scoring off). */
    public double score(PeerId peer) {
        return score == null ? 0 : score.score(peer);
    }

    /** The peers this router speaks to. */
    public Set<PeerId> peers() {
        return Set.copyOf(protocols.keySet());
    }

    /** The components of {@code peer}'s score; empty with scoring off. */
    public Optional<ScoreBreakdown> scoreBreakdown(PeerId peer) {
        return score == null ? Optional.empty() : Optional.of(score.breakdown(peer));
    }

    /** Whether {@code peer} is in backoff for {@code topic}. */
    public boolean inBackoff(String topic, PeerId peer) {
        Long until = backoff.getOrDefault(topic, Map.of()).get(peer);
        return until != null && until > now();
    }

    /** IWANT promises that were not kept, so far. */
    public long brokenPromises() {
        return brokenPromises;
    }

    /** Messages in the cache. */
    public int cachedMessages() {
        return cache.size();
    }

    // ------------------------------------------------------------------ peers

    @Override
    public void addPeer(PeerId peer, String protocol) {
        protocols.put(peer, protocol);
        if (ctx.connectionDirection(peer).orElse(Direction.INBOUND) == Direction.OUTBOUND) {
            outbound.add(peer);
        }
        if (score != null) {
            score.addPeer(peer, ctx.remoteIp(peer).orElse(null));
        }
    }

    @Override
    public void removePeer(PeerId peer) {
        for (Map.Entry<String, Set<PeerId>> e : mesh.entrySet()) {
            if (e.getValue().remove(peer) && score != null) {
                score.prune(peer, e.getKey());
            }
        }
        fanout.values().forEach(s -> s.remove(peer));
        protocols.remove(peer);
        outbound.remove(peer);
        dontWant.remove(peer);
        pendingGossip.remove(peer);
        iwantServed.remove(peer);
        promises.values().forEach(m -> m.remove(peer));
        if (score != null) {
            score.removePeer(peer);
        }
    }

    @Override
    public boolean acceptFrom(PeerId peer) {
        return score == null || direct.contains(peer) || score(peer) >= params.thresholds.graylist();
    }

    private boolean isGossipsub(PeerId peer) {
        String p = protocols.get(peer);
        return p != null && !p.equals(FLOODSUB);
    }

    private boolean supportsV11(PeerId peer) {
        String p = protocols.get(peer);
        return MESHSUB_V11.equals(p) || MESHSUB_V12.equals(p);
    }

    private boolean supportsV12(PeerId peer) {
        return MESHSUB_V12.equals(protocols.get(peer));
    }

    private long now() {
        return ctx.clock().millis();
    }

    private double scoreOf(PeerId peer) {
        return score == null ? 0 : score.score(peer);
    }

    // ------------------------------------------------------------------ joining and leaving

    @Override
    public void join(String topic) {
        if (mesh.containsKey(topic)) {
            return;
        }
        Set<PeerId> peers = new LinkedHashSet<>();
        Set<PeerId> fan = fanout.remove(topic);
        lastPublished.remove(topic);
        if (fan != null) {
            for (PeerId p : fan) {
                if (!direct.contains(p) && !inBackoff(topic, p) && scoreOf(p) >= 0 && peers.size() < params.d) {
                    peers.add(p);
                }
            }
        }
        if (peers.size() < params.d) {
            List<PeerId> more = candidates(topic, p -> !peers.contains(p) && !inBackoff(topic, p) && scoreOf(p) >= 0);
            for (PeerId p : more) {
                if (peers.size() >= params.d) {
                    break;
                }
                peers.add(p);
            }
        }
        mesh.put(topic, peers);
        for (PeerId p : peers) {
            if (score != null) {
                score.graft(p, topic);
            }
            ctx.sendControl(p, Rpc.ofControl(control(List.of(), List.of(new ControlMessage.Graft(topic)), List.of())));
        }
    }

    @Override
    public void leave(String topic) {
        Set<PeerId> peers = mesh.remove(topic);
        if (peers == null) {
            return;
        }
        for (PeerId p : peers) {
            if (score != null) {
                score.prune(p, topic);
            }
            ctx.sendControl(p, Rpc.ofControl(control(List.of(), List.of(), List.of(prune(p, topic, true, false)))));
        }
    }

    @Override
    public void peerUnsubscribed(PeerId peer, String topic) {
        Set<PeerId> m = mesh.get(topic);
        if (m != null && m.remove(peer) && score != null) {
            score.prune(peer, topic);
        }
        Set<PeerId> f = fanout.get(topic);
        if (f != null) {
            f.remove(peer);
        }
    }

    /** Gossipsub peers of {@code topic} matching {@code filter}, not direct, in random order. */
    private List<PeerId> candidates(String topic, java.util.function.Predicate<PeerId> filter) {
        List<PeerId> out = new ArrayList<>();
        for (PeerId p : ctx.topicPeers(topic)) {
            if (isGossipsub(p) && !direct.contains(p) && filter.test(p)) {
                out.add(p);
            }
        }
        Collections.shuffle(out, ctx.random());
        return out;
    }

    // ------------------------------------------------------------------ control

    @Override
    public void handleControl(PeerId peer, ControlMessage c) {
        List<MessageId> iwant = handleIHave(peer, c.ihave());
        handleIWant(peer, c.iwant());
        List<ControlMessage.Prune> prunes = handleGraft(peer, c.graft());
        handlePrune(peer, c.prune());
        handleIDontWant(peer, c.idontwant());
        if (!iwant.isEmpty() || !prunes.isEmpty()) {
            ControlMessage reply = new ControlMessage(List.of(),
                    iwant.isEmpty() ? List.of() : List.of(new ControlMessage.IWant(iwant)), List.of(), prunes, List.of());
            ctx.sendControl(peer, Rpc.ofControl(reply));
        }
    }

    private List<MessageId> handleIHave(PeerId peer, List<ControlMessage.IHave> ihaves) {
        if (ihaves.isEmpty() || scoreOf(peer) < gossipThreshold()) {
            return List.of();
        }
        int received = ihavesReceived.merge(peer, 1, Integer::sum);
        if (received > params.maxIHaveMessages) {
            return List.of(); // IHAVE flood: ignore until the next heartbeat
        }
        int asked = idsAsked.getOrDefault(peer, 0);
        if (asked >= params.maxIHaveLength) {
            return List.of();
        }
        int advertised = 0;
        for (ControlMessage.IHave h : ihaves) {
            advertised += h.messageIds().size();
        }
        Set<MessageId> want = LinkedHashSet.newLinkedHashSet(advertised); // sized once: spam sends hundreds
        for (ControlMessage.IHave h : ihaves) {
            if (!mesh.containsKey(h.topic())) {
                continue;
            }
            for (MessageId id : h.messageIds()) {
                if (!ctx.seen(id)) {
                    want.add(id);
                }
            }
        }
        if (want.isEmpty()) {
            return List.of();
        }
        List<MessageId> list = new ArrayList<>(want);
        Collections.shuffle(list, ctx.random());
        int n = Math.min(list.size(), params.maxIHaveLength - asked);
        list = new ArrayList<>(list.subList(0, n));
        idsAsked.put(peer, asked + n);
        // One promise per IWANT, as go: the peer must deliver at least that message in time.
        MessageId tracked = list.get(ctx.random().nextInt(list.size()));
        promises.computeIfAbsent(tracked, k -> new HashMap<>())
                .putIfAbsent(peer, now() + params.iwantFollowupTime.toMillis());
        return list;
    }

    private void handleIWant(PeerId peer, List<ControlMessage.IWant> iwants) {
        if (iwants.isEmpty() || scoreOf(peer) < gossipThreshold()) {
            return;
        }
        // IWANT spam: each ID once per RPC (repeating an ID must not multiply the answer, as it
        // would through the retransmission allowance), and per heartbeat at most what one IHAVE
        // could have advertised, however many RPCs the peer sends.
        int served = iwantServed.getOrDefault(peer, 0);
        int requested = 0;
        for (ControlMessage.IWant w : iwants) {
            requested += w.messageIds().size();
        }
        Set<MessageId> asked = HashSet.newHashSet(Math.min(requested, params.maxIHaveLength));
        try {
            for (ControlMessage.IWant w : iwants) {
                for (MessageId id : w.messageIds()) {
                    if (served >= params.maxIHaveLength) {
                        return;
                    }
                    if (!asked.add(id)) {
                        continue;
                    }
                    PubsubMessage m = cache.getForPeer(id, peer, params.gossipRetransmission);
                    if (m != null && !peerDoesNotWant(peer, id)) {
                        ctx.sendMessage(peer, m);
                        served++;
                    }
                }
            }
        } finally {
            iwantServed.put(peer, served);
        }
    }

    private List<ControlMessage.Prune> handleGraft(PeerId peer, List<ControlMessage.Graft> grafts) {
        List<ControlMessage.Prune> prunes = new ArrayList<>();
        long now = now();
        for (ControlMessage.Graft g : grafts) {
            String topic = g.topic();
            Set<PeerId> m = mesh.get(topic);
            if (m == null) {
                continue; // spam hardening: no answer for topics we are not in
            }
            if (m.contains(peer)) {
                continue;
            }
            if (direct.contains(peer)) {
                prunes.add(prune(peer, topic, false, false));
                continue;
            }
            Long until = backoff.getOrDefault(topic, Map.of()).get(peer);
            if (until != null && until > now) {
                if (score != null) {
                    score.addPenalty(peer, 1);
                    // Grafting right after being pruned is flooding: a second penalty.
                    long prunedAt = until - params.pruneBackoff.toMillis();
                    if (now < prunedAt + params.graftFloodThreshold.toMillis()) {
                        score.addPenalty(peer, 1);
                    }
                }
                prunes.add(prune(peer, topic, false, false));
                continue;
            }
            if (scoreOf(peer) < 0) {
                prunes.add(prune(peer, topic, false, false));
                continue;
            }
            if (m.size() >= params.dHi && !outbound.contains(peer)) {
                prunes.add(prune(peer, topic, false, true));
                continue;
            }
            m.add(peer);
            if (score != null) {
                score.graft(peer, topic);
            }
        }
        return prunes;
    }

    private void handlePrune(PeerId peer, List<ControlMessage.Prune> prunes) {
        for (ControlMessage.Prune p : prunes) {
            Set<PeerId> m = mesh.get(p.topic());
            if (m == null) {
                continue;
            }
            if (m.remove(peer) && score != null) {
                score.prune(peer, p.topic());
            }
            long seconds = p.backoffSeconds() > 0 ? Math.min(p.backoffSeconds(), 3600) : params.pruneBackoff.toSeconds();
            addBackoff(peer, p.topic(), seconds * 1000);
            if (!p.peers().isEmpty() && (score == null || scoreOf(peer) >= params.thresholds.acceptPx())) {
                followPeerExchange(p.peers());
            }
        }
    }

    private void followPeerExchange(List<ControlMessage.PeerExchange> peers) {
        List<ControlMessage.PeerExchange> list = new ArrayList<>(peers);
        Collections.shuffle(list, ctx.random());
        int n = 0;
        for (ControlMessage.PeerExchange px : list) {
            if (n >= params.prunePeers) {
                break;
            }
            PeerId id;
            try {
                id = PeerId.decode(px.peerId());
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (protocols.containsKey(id) || id.equals(ctx.localPeer())) {
                continue;
            }
            ctx.connect(id, Optional.ofNullable(px.signedPeerRecord()));
            n++;
        }
    }

    private void handleIDontWant(PeerId peer, List<ControlMessage.IDontWant> list) {
        if (list.isEmpty()) {
            return;
        }
        int received = dontWantReceived.merge(peer, 1, Integer::sum);
        if (received > params.maxIHaveMessages) {
            return;
        }
        Map<MessageId, Long> ids = dontWant.computeIfAbsent(peer, k -> new HashMap<>());
        for (ControlMessage.IDontWant d : list) {
            for (MessageId id : d.messageIds()) {
                if (ids.size() >= params.maxIDontWantMessages) {
                    return;
                }
                ids.put(id, ticks);
            }
        }
    }

    private boolean peerDoesNotWant(PeerId peer, MessageId id) {
        Map<MessageId, Long> ids = dontWant.get(peer);
        return ids != null && ids.containsKey(id);
    }

    private void addBackoff(PeerId peer, String topic, long millis) {
        long until = now() + millis;
        backoff.computeIfAbsent(topic, t -> new HashMap<>()).merge(peer, until, Math::max);
    }

    /** A PRUNE for {@code peer}, recording the backoff; with peer exchange if asked and the peer speaks v1.1. */
    private ControlMessage.Prune prune(PeerId peer, String topic, boolean unsubscribe, boolean withPx) {
        long backoffMillis = (unsubscribe ? params.unsubscribeBackoff : params.pruneBackoff).toMillis();
        addBackoff(peer, topic, backoffMillis);
        if (!supportsV11(peer)) {
            return new ControlMessage.Prune(topic, List.of(), 0);
        }
        List<ControlMessage.PeerExchange> px = new ArrayList<>();
        if (withPx && !unsubscribe) {
            for (PeerId p : candidates(topic, p -> !p.equals(peer) && scoreOf(p) >= 0)) {
                if (px.size() >= params.prunePeers) {
                    break;
                }
                px.add(new ControlMessage.PeerExchange(p.bytes(), ctx.signedPeerRecord(p).orElse(null)));
            }
        }
        return new ControlMessage.Prune(topic, px, backoffMillis / 1000);
    }

    private static ControlMessage control(List<ControlMessage.IHave> ihave, List<ControlMessage.Graft> graft,
                                          List<ControlMessage.Prune> prune) {
        return new ControlMessage(ihave, List.of(), graft, prune, List.of());
    }

    private double gossipThreshold() {
        return score == null ? Double.NEGATIVE_INFINITY : params.thresholds.gossip();
    }

    private double publishThreshold() {
        return score == null ? Double.NEGATIVE_INFINITY : params.thresholds.publish();
    }

    // ------------------------------------------------------------------ messages

    @Override
    public void firstSeen(PeerId peer, MessageId id, PubsubMessage message) {
        Map<PeerId, Long> promised = promises.remove(id);
        if (promised != null) {
            promised.clear(); // the promise is kept whoever delivered it
        }
        if (score != null) {
            score.validateMessage(peer, id);
        }
        if (messageSize(message) >= params.idontwantThreshold) {
            Set<PeerId> m = mesh.get(message.topic());
            if (m != null) {
                Rpc rpc = Rpc.ofControl(new ControlMessage(List.of(), List.of(), List.of(), List.of(),
                        List.of(new ControlMessage.IDontWant(List.of(id)))));
                for (PeerId p : m) {
                    if (!p.equals(peer) && supportsV12(p)) {
                        ctx.sendControl(p, rpc);
                    }
                }
            }
        }
    }

    @Override
    public void duplicate(PeerId peer, MessageId id, PubsubMessage message) {
        if (score != null) {
            score.duplicateMessage(peer, id, message.topic(), ctx.receivedAt());
        }
    }

    @Override
    public void rejected(PeerId peer, MessageId id, PubsubMessage message, String reason) {
        if (score != null) {
            score.rejectMessage(peer, id, message.topic(), reason.startsWith("validator"));
        }
    }

    @Override
    public void ignored(PeerId peer, MessageId id, PubsubMessage message) {
        if (score != null) {
            score.ignoreMessage(peer, id);
        }
    }

    @Override
    public Set<PeerId> forward(PeerId source, MessageId id, PubsubMessage message) {
        String topic = message.topic();
        if (source != null && score != null) {
            score.deliverMessage(source, id, topic);
        }
        cache.put(id, message);
        Set<PeerId> targets = new LinkedHashSet<>();
        Set<PeerId> topicPeers = ctx.topicPeers(topic);
        double publish = publishThreshold();
        if (source == null && params.floodPublish) {
            for (PeerId p : topicPeers) {
                if (direct.contains(p) || scoreOf(p) >= publish) {
                    targets.add(p);
                }
            }
        } else {
            for (PeerId p : topicPeers) {
                if ((direct.contains(p) || !isGossipsub(p)) && scoreOf(p) >= publish) {
                    targets.add(p);
                }
            }
            Set<PeerId> m = mesh.get(topic);
            if (m != null) {
                targets.addAll(m);
            } else {
                Set<PeerId> f = fanout.get(topic);
                if (f == null || f.isEmpty()) {
                    f = new LinkedHashSet<>();
                    for (PeerId p : candidates(topic, p -> scoreOf(p) >= publish)) {
                        if (f.size() >= params.d) {
                            break;
                        }
                        f.add(p);
                    }
                    fanout.put(topic, f);
                }
                targets.addAll(f);
                lastPublished.put(topic, now());
            }
        }
        targets.remove(source);
        message.author().ifPresent(targets::remove);
        Set<PeerId> sent = new LinkedHashSet<>();
        for (PeerId p : targets) {
            if (peerDoesNotWant(p, id)) {
                continue;
            }
            if (ctx.sendMessage(p, message)) {
                sent.add(p);
            }
        }
        return sent;
    }

    // ------------------------------------------------------------------ heartbeat

    @Override
    public void heartbeat() {
        ticks++;
        long now = now();
        ihavesReceived.clear();
        idsAsked.clear();
        iwantServed.clear();
        dontWantReceived.clear();
        // Promises due after the oldest RPC still waiting to be handled wait for it.
        applyBrokenPromises(Math.min(now, ctx.handledUntil()));
        if (score != null) {
            score.refreshIfDue();
        }
        Map<PeerId, List<ControlMessage.Graft>> grafts = new HashMap<>();
        Map<PeerId, List<ControlMessage.Prune>> prunes = new HashMap<>();

        for (Map.Entry<String, Set<PeerId>> e : mesh.entrySet()) {
            maintainMesh(e.getKey(), e.getValue(), grafts, prunes);
            emitGossip(e.getKey(), e.getValue());
        }
        maintainFanout(now);

        Set<PeerId> to = new HashSet<>(grafts.keySet());
        to.addAll(prunes.keySet());
        to.addAll(pendingGossip.keySet());
        for (PeerId p : to) {
            ControlMessage c = control(pendingGossip.getOrDefault(p, List.of()), grafts.getOrDefault(p, List.of()),
                    prunes.getOrDefault(p, List.of()));
            ctx.sendControl(p, Rpc.ofControl(c));
        }
        pendingGossip.clear();
        cache.shift();
        for (Map<MessageId, Long> ids : dontWant.values()) {
            ids.values().removeIf(t -> ticks - t >= IDONTWANT_TTL_TICKS);
        }
        if (ticks % 15 == 0) {
            for (Map<PeerId, Long> b : backoff.values()) {
                b.values().removeIf(until -> until <= now);
            }
            backoff.values().removeIf(Map::isEmpty);
        }
        if (!direct.isEmpty() && ticks % params.directConnectTicks == 1) {
            for (PeerInfo p : params.directPeers) {
                if (!protocols.containsKey(p.peerId())) {
                    ctx.connect(p.peerId(), Optional.empty());
                }
            }
        }
    }

    private void applyBrokenPromises(long now) {
        Iterator<Map.Entry<MessageId, Map<PeerId, Long>>> it = promises.entrySet().iterator();
        while (it.hasNext()) {
            Map<PeerId, Long> byPeer = it.next().getValue();
            Iterator<Map.Entry<PeerId, Long>> pit = byPeer.entrySet().iterator();
            while (pit.hasNext()) {
                Map.Entry<PeerId, Long> e = pit.next();
                if (e.getValue() < now) {
                    brokenPromises++;
                    if (score != null) {
                        score.addPenalty(e.getKey(), 1);
                    }
                    pit.remove();
                }
            }
            if (byPeer.isEmpty()) {
                it.remove();
            }
        }
    }

    private void maintainMesh(String topic, Set<PeerId> peers, Map<PeerId, List<ControlMessage.Graft>> grafts,
                              Map<PeerId, List<ControlMessage.Prune>> prunes) {
        // Drop peers with a negative score.
        for (Iterator<PeerId> it = peers.iterator(); it.hasNext(); ) {
            PeerId p = it.next();
            if (scoreOf(p) < 0) {
                it.remove();
                if (score != null) {
                    score.prune(p, topic);
                }
                prunes.computeIfAbsent(p, k -> new ArrayList<>()).add(prune(p, topic, false, false));
            }
        }
        if (peers.size() < params.dLo) {
            for (PeerId p : candidates(topic, p -> !peers.contains(p) && !inBackoff(topic, p) && scoreOf(p) >= 0)) {
                if (peers.size() >= params.d) {
                    break;
                }
                graft(topic, peers, p, grafts);
            }
        }
        if (peers.size() > params.dHi) {
            List<PeerId> sorted = new ArrayList<>(peers);
            Collections.shuffle(sorted, ctx.random());
            sorted.sort(Comparator.comparingDouble(this::scoreOf).reversed());
            List<PeerId> keep = new ArrayList<>(sorted.subList(0, params.dScore));
            List<PeerId> rest = new ArrayList<>(sorted.subList(params.dScore, sorted.size()));
            Collections.shuffle(rest, ctx.random());
            for (PeerId p : rest) {
                if (keep.size() >= params.d) {
                    break;
                }
                keep.add(p);
            }
            // Outbound quota: swap inbound peers for outbound ones until D_out are kept.
            long out = keep.stream().filter(outbound::contains).count();
            if (out < params.dOut) {
                for (PeerId p : rest) {
                    if (out >= params.dOut) {
                        break;
                    }
                    if (outbound.contains(p) && !keep.contains(p)) {
                        for (int i = keep.size() - 1; i >= params.dScore; i--) {
                            if (!outbound.contains(keep.get(i))) {
                                keep.set(i, p);
                                out++;
                                break;
                            }
                        }
                    }
                }
            }
            for (PeerId p : sorted) {
                if (!keep.contains(p)) {
                    peers.remove(p);
                    if (score != null) {
                        score.prune(p, topic);
                    }
                    prunes.computeIfAbsent(p, k -> new ArrayList<>()).add(prune(p, topic, false, true));
                }
            }
        }
        if (peers.size() >= params.dLo) {
            long out = peers.stream().filter(outbound::contains).count();
            if (out < params.dOut) {
                for (PeerId p : candidates(topic, p -> !peers.contains(p) && outbound.contains(p)
                        && !inBackoff(topic, p) && scoreOf(p) >= 0)) {
                    if (out >= params.dOut) {
                        break;
                    }
                    graft(topic, peers, p, grafts);
                    out++;
                }
            }
        }
        if (score != null && ticks % params.opportunisticGraftTicks == 0 && peers.size() > 1) {
            List<Double> scores = new ArrayList<>();
            peers.forEach(p -> scores.add(scoreOf(p)));
            Collections.sort(scores);
            double median = scores.get(scores.size() / 2);
            if (median < params.thresholds.opportunisticGraft()) {
                int n = 0;
                for (PeerId p : candidates(topic, p -> !peers.contains(p) && !inBackoff(topic, p) && scoreOf(p) > median)) {
                    if (n >= params.opportunisticGraftPeers) {
                        break;
                    }
                    graft(topic, peers, p, grafts);
                    n++;
                }
            }
        }
    }

    private void graft(String topic, Set<PeerId> peers, PeerId p, Map<PeerId, List<ControlMessage.Graft>> grafts) {
        peers.add(p);
        if (score != null) {
            score.graft(p, topic);
        }
        grafts.computeIfAbsent(p, k -> new ArrayList<>()).add(new ControlMessage.Graft(topic));
    }

    private void maintainFanout(long now) {
        for (Iterator<Map.Entry<String, Long>> it = lastPublished.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Long> e = it.next();
            if (now - e.getValue() > params.fanoutTtl.toMillis()) {
                fanout.remove(e.getKey());
                it.remove();
            }
        }
        double publish = publishThreshold();
        for (Map.Entry<String, Set<PeerId>> e : fanout.entrySet()) {
            String topic = e.getKey();
            Set<PeerId> peers = e.getValue();
            Set<PeerId> topicPeers = ctx.topicPeers(topic);
            peers.removeIf(p -> !topicPeers.contains(p) || scoreOf(p) < publish);
            if (peers.size() < params.d) {
                for (PeerId p : candidates(topic, p -> !peers.contains(p) && scoreOf(p) >= publish)) {
                    if (peers.size() >= params.d) {
                        break;
                    }
                    peers.add(p);
                }
            }
            emitGossip(topic, peers);
        }
    }

    /** Queues IHAVE for the topic's cached messages to D_lazy (or gossip factor of) non-mesh peers. */
    private void emitGossip(String topic, Collection<PeerId> exclude) {
        List<MessageId> ids = cache.gossipIds(topic);
        if (ids.isEmpty()) {
            return;
        }
        double threshold = gossipThreshold();
        List<PeerId> peers = candidates(topic, p -> !exclude.contains(p) && scoreOf(p) >= threshold);
        int target = Math.max(params.dLazy, (int) (params.gossipFactor * peers.size()));
        for (PeerId p : peers.subList(0, Math.min(target, peers.size()))) {
            List<MessageId> send = ids;
            if (send.size() > params.maxIHaveLength) {
                send = new ArrayList<>(ids);
                Collections.shuffle(send, ctx.random());
                send = send.subList(0, params.maxIHaveLength);
            }
            pendingGossip.computeIfAbsent(p, k -> new ArrayList<>()).add(new ControlMessage.IHave(topic, send));
        }
    }

    @Override
    public String toString() {
        return "GossipRouter[" + params + ", " + protocols.size() + " peers, " + mesh.size() + " meshes]";
    }

    /** The encoded size of a message, for IDONTWANT thresholds measured like go (on the whole message). */
    static int messageSize(PubsubMessage m) {
        return RpcCodec.encodedSize(m);
    }
}
