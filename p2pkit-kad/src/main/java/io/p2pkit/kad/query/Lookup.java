package io.p2pkit.kad.query;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.kad.routing.KadKey;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An iterative Kademlia lookup: keep the candidates sorted by distance to the target, keep α
 * requests in flight to the closest not yet asked, add the closer peers each answer names, and
 * stop when the k closest candidates that did not fail have all answered (or nothing is left, the
 * deadline passes, or the caller's {@link Query} asks to stop).
 *
 * <p>With {@linkplain #scoredBy peer scores} (the host's reputation), the next peers queried are
 * chosen among candidates at comparable distance by score: of the unasked peers among the k closest
 * live ones, those sharing more leading bits with the target still go first (distance is never
 * traded for score beyond a factor of two), and among those sharing the same number, the better
 * scored first; equal scores keep distance order. Without scores the order is pure distance.
 *
 * <p>Requests run on virtual threads; the lookup's own state is touched by the calling thread
 * only, fed by a queue of answers.
 */
public final class Lookup {
    /** Asks one peer; returns the closer peers it named. */
    @FunctionalInterface
    public interface Query {
        /**
         * Queries {@code peer} for {@code lookup} (which it may {@link Lookup#stop()}); any exception
         * counts as a failure of that peer.
         */
        List<PeerId> ask(Lookup lookup, PeerId peer) throws Exception;
    }

    private enum State { HEARD, WAITING, ANSWERED, FAILED }

    private static final class Candidate {
        final PeerId peer;
        final KadKey key;
        final int depth;
        State state = State.HEARD;

        Candidate(PeerId peer, int depth) {
            this.peer = peer;
            this.key = KadKey.of(peer);
            this.depth = depth;
        }
    }

    private record Answer(Candidate candidate, List<PeerId> closer, boolean ok) {
    }

    private final KadKey target;
    private final PeerId self;
    private final int k;
    private final int alpha;
    private final long timeoutNanos;
    private final Query query;
    private final AtomicBoolean stop = new AtomicBoolean();
    private volatile java.util.function.ToDoubleFunction<PeerId> scores;

    /**
     * @param target  the key looked up
     * @param self    the local peer, never queried
     * @param timeout how long the lookup may take in all
     */
    public Lookup(KadKey target, PeerId self, int k, int alpha, java.time.Duration timeout, Query query) {
        this.target = target;
        this.self = self;
        this.k = k;
        this.alpha = alpha;
        this.timeoutNanos = timeout.toNanos();
        this.query = query;
    }

    /**
     * Orders candidates at comparable distance by {@code scores}, higher first (see the class
     * comment); call before {@link #run}.
     *
     * @return this lookup
     */
    public Lookup scoredBy(java.util.function.ToDoubleFunction<PeerId> scores) {
        this.scores = scores;
        return this;
    }

    /** Ends the lookup after the answers in hand (callable from a {@link Query}, any thread). */
    public void stop() {
        stop.set(true);
    }

    /** Runs the lookup from {@code seeds}. */
    public LookupResult run(List<PeerId> seeds) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeoutNanos;
        Comparator<KadKey> byDistance = target::compareDistance;
        TreeMap<KadKey, Candidate> candidates = new TreeMap<>(byDistance);
        Map<PeerId, Candidate> known = new HashMap<>();
        for (PeerId p : seeds) {
            add(candidates, known, p, 1);
        }
        LinkedBlockingQueue<Answer> answers = new LinkedBlockingQueue<>();
        int inFlight = 0;
        int messages = 0;
        int failures = 0;
        boolean timedOut = false;
        while (!stop.get()) {
            // Start requests to the closest unasked peers among the k closest live ones.
            int live = 0;
            int answered = 0;
            List<Candidate> heard = new ArrayList<>();
            for (Candidate c : candidates.values()) {
                if (c.state == State.FAILED) {
                    continue;
                }
                if (live++ >= k) {
                    break;
                }
                if (c.state == State.ANSWERED) {
                    answered++;
                } else if (c.state == State.HEARD) {
                    heard.add(c);
                }
            }
            List<Candidate> toAsk = next(heard, Math.max(0, alpha - inFlight));
            if (answered == Math.min(k, live) && inFlight == 0 && toAsk.isEmpty()) {
                break; // converged: the k closest live candidates have all answered
            }
            for (Candidate c : toAsk) {
                c.state = State.WAITING;
                inFlight++;
                messages++;
                Thread.ofVirtual().name("p2pkit-kad-query").start(() -> {
                    try {
                        answers.add(new Answer(c, query.ask(this, c.peer), true));
                    } catch (Exception | Error e) {
                        answers.add(new Answer(c, List.of(), false));
                    }
                });
            }
            if (inFlight == 0) {
                break; // nothing left to ask
            }
            long left = deadline - System.nanoTime();
            Answer a = left > 0 ? answers.poll(left, TimeUnit.NANOSECONDS) : null;
            if (a == null) {
                timedOut = true;
                break;
            }
            inFlight--;
            if (a.ok) {
                a.candidate.state = State.ANSWERED;
                for (PeerId p : a.closer) {
                    add(candidates, known, p, a.candidate.depth + 1);
                }
            } else {
                a.candidate.state = State.FAILED;
                failures++;
            }
        }
        List<PeerId> closest = new ArrayList<>();
        int hops = 0;
        for (Candidate c : candidates.values()) {
            if (c.state == State.ANSWERED) {
                closest.add(c.peer);
                hops = Math.max(hops, c.depth);
                if (closest.size() == k) {
                    break;
                }
            }
        }
        return new LookupResult(closest, hops, messages, failures,
                java.time.Duration.ofNanos(System.nanoTime() - start), stop.get(), timedOut);
    }

    /** The first {@code n} of {@code heard} (closest first) to query: by score within equal prefix lengths. */
    private List<Candidate> next(List<Candidate> heard, int n) {
        java.util.function.ToDoubleFunction<PeerId> s = scores;
        if (s != null && heard.size() > n) {
            record Scored(Candidate c, int prefix, double score) {
            }
            List<Scored> ranked = new ArrayList<>();
            for (Candidate c : heard) {
                ranked.add(new Scored(c, target.commonPrefixLength(c.key), s.applyAsDouble(c.peer)));
            }
            // stable: equal prefix and score keep the distance order
            ranked.sort(Comparator.comparingInt(Scored::prefix).reversed()
                    .thenComparing(Comparator.comparingDouble(Scored::score).reversed()));
            return ranked.stream().limit(n).map(Scored::c).toList();
        }
        return heard.subList(0, Math.min(n, heard.size()));
    }

    private void add(TreeMap<KadKey, Candidate> candidates, Map<PeerId, Candidate> known, PeerId p, int depth) {
        if (p.equals(self) || known.containsKey(p)) {
            return;
        }
        Candidate c = new Candidate(p, depth);
        known.put(p, c);
        candidates.put(c.key, c);
    }
}
