package io.p2pkit.ipfs.graphsync;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.Stream;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.network.ConnectionListener;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.protobuf.LengthPrefixed;
import io.p2pkit.core.reputation.Outcome;
import io.p2pkit.core.resource.MemoryPriority;
import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.core.resource.ResourceLimitException;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.blockstore.Blockstore;
import io.p2pkit.ipfs.codec.Codecs;
import io.p2pkit.ipfs.ipld.Node;
import io.p2pkit.ipfs.selector.Selector;
import io.p2pkit.ipfs.selector.SelectorParser;
import io.p2pkit.ipfs.selector.SelectorWalk;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * GraphSync 2.0 ({@code /ipfs/graphsync/2.0.0}) on a host: a second block exchange, next to
 * Bitswap, that asks a peer for a whole DAG (or the part an IPLD selector picks) in one request.
 *
 * <pre>{@code
 * GraphSync gs = GraphSync.attach(host, repo.blocks().local(), GraphSyncConfig.defaults());
 * GraphSync.Result r = gs.request(peer, root, Selector.exploreAll(), Duration.ofSeconds(30));
 * // r.status() is REQUEST_COMPLETED_FULL; every block the selector reaches is now in the store
 * }</pre>
 *
 * <p><b>Serving.</b> A request walks the local blockstore with its selector
 * ({@link SelectorWalk}, go-ipld-prime's order) and answers with the blocks in that order, each
 * named in the response's metadata as present, or missing when the store does not have it; a
 * block reached twice is sent once. The final status is 20 (all there), 21 (some missing) or 34
 * (no root). At most {@link GraphSyncConfig#maxInProgress} requests are served at once
 * ({@link GraphSyncConfig#maxInProgressPerPeer} per peer); others wait their turn, up to
 * {@link GraphSyncConfig#maxQueuedPerPeer} per peer, and are answered 31 (busy) beyond that or
 * when the wait is over. A cancel stops a request between two blocks.
 *
 * <p><b>Requesting.</b> The requester walks the same selector locally, taking each link the
 * responder reports in order: the link must be the one the local walk reaches next, its block
 * must hash to its CID, and only then is the block stored. A peer that reports links or sends
 * blocks the selector does not reach, out of order, or more than
 * {@link GraphSyncConfig#maxBufferedBytes} ahead of the walk fails the request with a
 * {@link GraphSyncException} (the blocks are not stored) and is told to cancel.
 *
 * <p>Malformed messages and messages over 4 MiB reset the stream they came on; responses to
 * unknown request IDs are counted and dropped.
 */
public final class GraphSync implements Closeable {
    /** The protocol ID. */
    public static final String PROTOCOL = "/ipfs/graphsync/2.0.0";
    private static final System.Logger LOG = LazyLogger.of(GraphSync.class);

    /**
     * How a request ended.
     *
     * @param status  the responder's final status (20 or 21; errors are thrown)
     * @param blocks  blocks received, checked and stored
     * @param bytes   their bytes
     * @param missing links the responder did not have (their parts of the DAG are not here)
     */
    public record Result(ResponseStatus status, long blocks, long bytes, List<Cid> missing) {
    }

    private record Key(PeerId peer, Message.RequestId id) {
    }

    /** Changed only inside the map's compute for its peer, so it is dropped exactly when its last request ends. */
    private static final class PeerSlots {
        final Semaphore permits;
        int active;

        PeerSlots(int permits) {
            this.permits = new Semaphore(permits);
        }
    }

    private final Host host;
    private final Blockstore store;
    private final GraphSyncConfig config;
    private final Codecs codecs = Codecs.standard();
    private final SelectorWalk walk;
    private final Map<PeerId, PeerOutbox> outboxes = new ConcurrentHashMap<>();
    private final Map<Key, OutgoingRequest> outgoing = new ConcurrentHashMap<>();
    private final CancelledLeftovers<Key> leftovers = new CancelledLeftovers<>();
    private final Map<Key, AtomicBoolean> served = new ConcurrentHashMap<>();
    /** Per peer with requests being served or waiting: how many, and the permits they take turns with. */
    private final Map<PeerId, PeerSlots> slots = new ConcurrentHashMap<>();
    private final Semaphore total;
    private final DedupBuckets dedup = new DedupBuckets();
    /** Responses paused by the hook, until unpaused, cancelled or closed. */
    private final Map<Key, Paused> paused = new ConcurrentHashMap<>();
    private volatile ResponderHook hook = ResponderHook.NONE;
    /** Signalled when a requested block is stored, for requests waiting on one a request with the same dedup key brings. */
    private final ReentrantLock storedLock = new ReentrantLock();
    private final Condition storedSignal = storedLock.newCondition();
    private volatile boolean closed;

    /** A paused response: what the hook is told, and what wakes it (true: go on; false: it ended). */
    private record Paused(ResponderHook.Served request, CompletableFuture<Boolean> wake) {
    }

    /** The longest a response stays paused before it ends with 31 (busy): it holds a serving slot. */
    static final Duration MAX_PAUSE = Duration.ofMinutes(10);

    private final LongAdder requestsServed = new LongAdder();
    private final LongAdder requestsBusy = new LongAdder();
    private final LongAdder requestsRejected = new LongAdder();
    private final LongAdder requestsCancelled = new LongAdder();
    private final LongAdder blocksSent = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();
    private final LongAdder blocksReceived = new LongAdder();
    private final LongAdder bytesReceived = new LongAdder();
    private final LongAdder malformed = new LongAdder();
    private final LongAdder oversized = new LongAdder();
    private final LongAdder unknownResponses = new LongAdder();
    private final LongAdder outsideSelection = new LongAdder();
    private final LongAdder memoryRefused = new LongAdder();
    private final LongAdder skipped = new LongAdder();

    private GraphSync(Host host, Blockstore store, GraphSyncConfig config) {
        this.host = host;
        this.store = store;
        this.config = config;
        this.walk = new SelectorWalk(codecs, config.walkLimits());
        this.total = new Semaphore(config.maxInProgress());
    }

    /**
     * Starts GraphSync on a host.
     *
     * @param host   the host
     * @param store  the store requests are served from and fetched blocks go to (a local one)
     * @param config limits
     * @return the service, closed with the host
     */
    public static GraphSync attach(Host host, Blockstore store, GraphSyncConfig config) {
        GraphSync gs = new GraphSync(host, store, config);
        host.setStreamHandler(PROTOCOL, gs::handle);
        host.addConnectionListener(new ConnectionListener() {
            @Override
            public void disconnected(Connection c) {
                if (host.network().connection(c.remotePeer()).isEmpty()) {
                    PeerOutbox gone = gs.outboxes.remove(c.remotePeer());
                    if (gone != null) {
                        gone.close();
                    }
                }
            }
        });
        host.addService(gs);
        return gs;
    }

    /** @return the configuration */
    public GraphSyncConfig config() {
        return config;
    }

    /**
     * Sets the hook that may pause responses this node serves ({@link ResponderHook#NONE} by default).
     *
     * @param hook the hook, asked before each block a response sends
     */
    public void responderHook(ResponderHook hook) {
        this.hook = Objects.requireNonNull(hook, "hook");
    }

    /**
     * Unpauses a response the hook paused.
     *
     * @param peer the requester
     * @param id   the request ID ({@link ResponderHook.Served#id()})
     * @return whether such a response was paused
     */
    public boolean unpause(PeerId peer, String id) {
        Paused p = paused.remove(new Key(peer, new Message.RequestId(HexFormat.of().parseHex(id))));
        return p != null && p.wake().complete(true);
    }

    /** @return the responses paused now */
    public List<ResponderHook.Served> pausedResponses() {
        return paused.values().stream().map(Paused::request).toList();
    }

    /** How many dedup keys have requests in progress (for tests). */
    int dedupBucketsOpen() {
        return dedup.open();
    }

    /** How many requests with a dedup key are in progress (for tests). */
    int dedupRequestsInProgress() {
        return dedup.members();
    }

    /** Whether a cancel has reached a request this responder is still answering (for tests). */
    boolean cancelPending() {
        return served.values().stream().anyMatch(AtomicBoolean::get);
    }

    /** @return what GraphSync did so far */
    public GraphSyncStats stats() {
        return new GraphSyncStats(requestsServed.sum(), requestsBusy.sum(), requestsRejected.sum(),
                requestsCancelled.sum(), blocksSent.sum(), bytesSent.sum(), blocksReceived.sum(), bytesReceived.sum(),
                malformed.sum(), oversized.sum(), unknownResponses.sum(), outsideSelection.sum(),
                memoryRefused.sum(), skipped.sum());
    }

    /**
     * Asks {@code peer} (connected, or reachable through the peer store) for the part of the DAG
     * under {@code root} that {@code selector} reaches, checks and stores every block, and returns
     * once the responder's final status has come.
     *
     * @param idleTimeout how long the request may go without hearing from the peer
     * @return the final status and what was stored
     * @throws GraphSyncException   when the peer answers with an error status (30 and up), sends
     *                              what the selector does not reach, or goes quiet
     * @throws IOException          when the peer cannot be reached or the store fails
     * @throws InterruptedException when interrupted (the peer is told to cancel)
     */
    public Result request(PeerId peer, Cid root, Selector selector, Duration idleTimeout)
            throws IOException, InterruptedException {
        return request(peer, root, selector, idleTimeout, alreadyHere(root, selector));
    }

    /**
     * Like {@link #request(PeerId, Cid, Selector, Duration)}, naming the blocks the responder
     * should not send ({@code graphsync/do-not-send-cids}); they must be in the local store, where
     * the traversal takes them from. The plain form sends the blocks of the selection the store
     * already has, up to {@link #MAX_DO_NOT_SEND} of them.
     *
     * @param doNotSend blocks this node has; at most {@link #MAX_DO_NOT_SEND}
     * @return the final status and what was stored
     * @throws GraphSyncException   as the plain form
     * @throws IOException          as the plain form
     * @throws InterruptedException as the plain form
     */
    public Result request(PeerId peer, Cid root, Selector selector, Duration idleTimeout, Set<Cid> doNotSend)
            throws IOException, InterruptedException {
        return request(peer, root, selector, idleTimeout, doNotSend, new RequestControl());
    }

    /**
     * Like {@link #request(PeerId, Cid, Selector, Duration, Set)}, paused and resumed through
     * {@code control}.
     *
     * @param control pauses and resumes this request
     * @return the final status and what was stored
     * @throws GraphSyncException   as the plain form
     * @throws IOException          as the plain form
     * @throws InterruptedException as the plain form (also while paused)
     */
    public Result request(PeerId peer, Cid root, Selector selector, Duration idleTimeout, Set<Cid> doNotSend,
                          RequestControl control) throws IOException, InterruptedException {
        return request(peer, root, selector, idleTimeout, doNotSend, control, null);
    }

    /**
     * Like {@link #request(PeerId, Cid, Selector, Duration, Set, RequestControl)}, with a
     * {@code graphsync/dedup-by-key} key: the responder deduplicates the blocks of this request
     * only against its other requests from this node with the same key that are in progress (a
     * block one of them was sent is named present without it, and taken from the local store once
     * that request has stored it).
     *
     * @param dedupKey the key, or null for none; at most 1,024 characters
     * @return the final status and what was stored
     * @throws GraphSyncException   as the plain form
     * @throws IOException          as the plain form
     * @throws InterruptedException as the plain form
     */
    public Result request(PeerId peer, Cid root, Selector selector, Duration idleTimeout, Set<Cid> doNotSend,
                          RequestControl control, String dedupKey) throws IOException, InterruptedException {
        return request(peer, root, selector, idleTimeout, doNotSend, control, dedupKey, Map.of());
    }

    /** A request with extensions of the caller's own too (for tests: what a responder's hook looks at). */
    Result requestWithExtensions(PeerId peer, Cid root, Selector selector, Duration idleTimeout, RequestControl control,
                                 String dedupKey, Map<String, Node> extra) throws IOException, InterruptedException {
        return request(peer, root, selector, idleTimeout, Set.of(), control, dedupKey, extra);
    }

    private Result request(PeerId peer, Cid root, Selector selector, Duration idleTimeout, Set<Cid> doNotSend,
                           RequestControl control, String dedupKey, Map<String, Node> extra) throws IOException, InterruptedException {
        if (doNotSend.size() > MAX_DO_NOT_SEND) {
            throw new IllegalArgumentException(doNotSend.size() + " CIDs not to send; at most " + MAX_DO_NOT_SEND);
        }
        if (dedupKey != null && dedupKey.length() > Extensions.MAX_DEDUP_KEY) {
            throw new IllegalArgumentException("a dedup key of " + dedupKey.length() + " characters; at most " + Extensions.MAX_DEDUP_KEY);
        }
        // the control reaches the request from before its first message goes out: a responder may
        // pause it as soon as it is sent, and an update must then find it
        AtomicReference<OutgoingRequest> current = new AtomicReference<>();
        control.attach(ext -> update(current.get(), ext));
        try {
            start(current, peer, root, selector, doNotSend, 0, dedupKey, extra);
        } catch (IOException | RuntimeException e) {
            control.attach(null); // start ended the request
            throw e;
        }
        boolean done = false;
        long[] counts = new long[2];
        try {
            long idle = OutgoingRequest.nanos(idleTimeout);
            Set<Cid> stored = new HashSet<>();
            List<Cid> taken = new ArrayList<>();
            AtomicBoolean errorStatus = new AtomicBoolean();
            SelectorWalk.Result walked = walk.walk(root, selector, cid -> {
                if (control.pauseRequested()) {
                    // go-graphsync's pause: cancel there, hold here, then ask again past what was taken
                    end(current.get(), false);
                    control.hold();
                    start(current, peer, root, selector, doNotSend, taken.size(), dedupKey, extra);
                    for (Cid before : taken) {
                        OutgoingRequest.Next n = current.get().next(idle);
                        if (!(n instanceof OutgoingRequest.Link l) || !l.entry().link().equals(before)) {
                            throw n instanceof OutgoingRequest.Failed f ? new GraphSyncException(f.reason())
                                    : refuse("the resumed request did not start with the links already taken");
                        }
                    }
                }
                taken.add(cid);
                OutgoingRequest req = current.get();
                OutgoingRequest.Next next = req.next(idle);
                switch (next) {
                    case null -> throw new GraphSyncException("no answer from " + peer + " for " + idleTimeout);
                    case OutgoingRequest.Failed f -> throw new GraphSyncException(f.reason());
                    case OutgoingRequest.Finished f -> {
                        if (f.status() == ResponseStatus.REQUEST_COMPLETED_FULL) {
                            throw refuse("the peer said it sent everything (20), but the selector reaches " + cid + " too");
                        }
                        errorStatus.set(!f.status().success());
                        return Optional.empty(); // 21: what was not reported is missing
                    }
                    case OutgoingRequest.Link l -> {
                        OutgoingRequest.Entry e = l.entry();
                        if (!e.link().equals(cid)) {
                            throw refuse("the peer sent " + e.link() + " where the selector reaches " + cid);
                        }
                        return switch (e.action()) {
                            case MISSING, DUPLICATE_DAG_SKIPPED -> Optional.empty();
                            case PRESENT, DUPLICATE_NOT_SENT -> {
                                if (e.block() != null) {
                                    if (stored.add(cid)) {
                                        store.put(e.block());
                                        stored(dedupKey);
                                        counts[0]++;
                                        counts[1] += e.block().size();
                                    }
                                    yield Optional.of(e.block());
                                }
                                Optional<Block> local = dedupKey == null ? store.get(cid) : awaitStored(cid, idle);
                                if (local.isEmpty()) {
                                    // sent on the request a pause cancelled, before the peer saw the cancel
                                    local = leftovers.take(cid, Math.min(idle, LEFTOVER_WAIT_NANOS));
                                    if (local.isPresent() && stored.add(cid)) {
                                        store.put(local.get());
                                        stored(dedupKey);
                                        counts[0]++;
                                        counts[1] += local.get().size();
                                    }
                                }
                                if (local.isEmpty()) {
                                    throw refuse("the peer said " + cid + " was sent, but it never came");
                                }
                                yield local;
                            }
                        };
                    }
                }
            }, SelectorWalk.Visitor.NONE);
            OutgoingRequest req = current.get();
            ResponseStatus status = req.awaitFinal(idle);
            if (status == null) {
                OutgoingRequest.Next n = req.next(0);
                throw n instanceof OutgoingRequest.Failed f ? new GraphSyncException(f.reason())
                        : new GraphSyncException("no final status from " + peer + " within " + idleTimeout);
            }
            if (req.leftOver() > 0) {
                outsideSelection.add(req.leftOver());
                throw new GraphSyncException("the peer sent " + req.leftOver() + " links the selector does not reach");
            }
            if (!status.success() || errorStatus.get()) {
                done = true;
                throw new GraphSyncException(peer + " answered " + status.code() + " (" + status + ") for " + root);
            }
            done = true;
            return new Result(status, counts[0], counts[1], walked.missing());
        } finally {
            control.attach(null);
            end(current.get(), done);
            blocksReceived.add(counts[0]);
            bytesReceived.add(counts[1]);
        }
    }

    /** Wakes requests waiting for a block another request with a dedup key stores. */
    private void stored(String dedupKey) {
        if (dedupKey == null) {
            return;
        }
        storedLock.lock();
        try {
            storedSignal.signalAll();
        } finally {
            storedLock.unlock();
        }
    }

    /** A block named present but not sent: a request with the same dedup key brings it; waits for it to be stored. */
    private Optional<Block> awaitStored(Cid cid, long idleNanos) throws IOException, InterruptedException {
        long left = idleNanos;
        storedLock.lock();
        try {
            Optional<Block> b = store.get(cid);
            while (b.isEmpty() && left > 0 && !closed) {
                left = storedSignal.awaitNanos(left);
                b = store.get(cid);
            }
            return b;
        } finally {
            storedLock.unlock();
        }
    }

    /** Sends an update for a request in progress (for a responder's hook to unpause it). */
    private void update(OutgoingRequest req, Map<String, Node> extensions) throws IOException {
        outbox(req.peer).send(new Message(List.of(new Message.Request(req.id, Message.RequestType.UPDATE, 0, null, null, extensions)),
                List.of(), List.of()));
    }

    /**
     * Sends a new request, asking the responder not to send what is here and the blocks of the
     * first {@code skip} links; it is {@code current} before it is sent.
     */
    private void start(AtomicReference<OutgoingRequest> current, PeerId peer, Cid root, Selector selector,
                       Set<Cid> doNotSend, long skip, String dedupKey, Map<String, Node> extra) throws IOException {
        Map<String, Node> extensions = new HashMap<>(extra);
        extensions.putAll(Extensions.encode(doNotSend, skip, dedupKey));
        Message.RequestId id = Message.RequestId.random();
        OutgoingRequest req = new OutgoingRequest(peer, id, config.maxBufferedBytes());
        outgoing.put(new Key(peer, id), req);
        current.set(req);
        try {
            outbox(peer).send(new Message(List.of(new Message.Request(id, Message.RequestType.NEW, 0, root,
                    selector.toNode(), extensions)), List.of(), List.of()));
        } catch (IOException | RuntimeException e) {
            end(req, true);
            throw e;
        }
    }

    /** Forgets a request and what it buffered; cancels it at the responder unless it ended there. */
    private void end(OutgoingRequest req, boolean endedThere) {
        Key key = new Key(req.peer, req.id);
        if (!endedThere) {
            // before it is forgotten: a response that arrives from now on is kept as a leftover
            leftovers.cancelled(key);
        }
        outgoing.remove(key);
        List<OutgoingRequest.Untaken> untaken = req.release();
        if (req.memoryRefused()) {
            memoryRefused.increment();
        }
        if (!endedThere) {
            // The responder counts these as sent until it has handled the cancel, and may name
            // them "present, not sent" on the request that replaces this one.
            untaken.forEach(u -> leftovers.keep(u.block(), u.scope()));
            cancel(req.peer, req.id);
        }
    }


    /** How long a request waits for a block "present, not sent" to come on a request it cancelled. */
    private static final long LEFTOVER_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    /** The most CIDs a request names as not to be sent (about 40 bytes each on the wire). */
    public static final int MAX_DO_NOT_SEND = 4096;

    /** Stops the walk that looks for blocks already here once it found enough. */
    private static final class Enough extends IOException {
        private static final long serialVersionUID = 1L;

        Enough() {
            super("enough");
        }
    }

    /** The blocks of the selection the local store has, walked as far as it has them, at most {@link #MAX_DO_NOT_SEND}. */
    private Set<Cid> alreadyHere(Cid root, Selector selector) throws IOException, InterruptedException {
        Set<Cid> here = new HashSet<>();
        try {
            walk.walk(root, selector, cid -> {
                Optional<Block> b = store.get(cid);
                if (b.isPresent() && here.add(cid) && here.size() >= MAX_DO_NOT_SEND) {
                    throw new Enough();
                }
                return b;
            }, SelectorWalk.Visitor.NONE);
        } catch (Enough e) {
            return here;
        } catch (DecodeException | SelectorWalk.LimitException e) {
            // A local block the selector cannot walk, or a walk over its caps: the responder's walk decides.
            return here;
        }
        return here;
    }

    /** A link out of the walk's order or beyond it: counted as outside the selection. */
    private GraphSyncException refuse(String reason) {
        outsideSelection.increment();
        return new GraphSyncException(reason);
    }

    private void cancel(PeerId peer, Message.RequestId id) {
        try {
            outbox(peer).send(new Message(List.of(Message.Request.cancel(id)), List.of(), List.of()));
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "graphsync: cancelling " + id + " at " + peer + " failed: " + e);
        }
    }

    private PeerOutbox outbox(PeerId peer) {
        return outboxes.computeIfAbsent(peer, p -> new PeerOutbox(p, host, config.sendTimeout()));
    }

    /** Stops serving; requests in progress end with errors. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        host.removeStreamHandler(PROTOCOL);
        outgoing.values().forEach(r -> r.fail("GraphSync was closed"));
        served.values().forEach(c -> c.set(true));
        paused.values().forEach(p -> p.wake().complete(false));
        outboxes.values().forEach(PeerOutbox::close);
        outboxes.clear();
    }

    // ---- inbound

    private void handle(Stream s) throws IOException {
        PeerId peer = s.remotePeer();
        while (!closed) {
            byte[] raw;
            try {
                raw = LengthPrefixed.read(s.in(), MessageCodec.MAX_MESSAGE_BYTES);
            } catch (DecodeException e) {
                oversized.increment();
                protocolError(peer, s, "sent a message over " + MessageCodec.MAX_MESSAGE_BYTES + " bytes (" + e.getMessage() + ")");
                return;
            }
            if (raw == null) {
                return;
            }
            Message m;
            try {
                m = MessageCodec.decode(raw, config.maxBlockBytes());
            } catch (DecodeException e) {
                malformed.increment();
                protocolError(peer, s, "sent a malformed message (" + e.getMessage() + ")");
                return;
            }
            received(peer, m, s.memory());
        }
    }

    private void protocolError(PeerId peer, Stream s, String what) {
        host.reputation().record(peer, Outcome.PROTOCOL_ERROR);
        LOG.log(System.Logger.Level.INFO, () -> "graphsync: " + peer + " " + what + "; resetting its stream");
        s.reset();
        // Responses still expected on that stream will not come: the requests waiting for them fail.
        outgoing.values().stream().filter(r -> r.peer.equals(peer)).forEach(r -> r.fail(peer + " " + what));
    }

    private void received(PeerId peer, Message m, MemoryScope memory) {
        for (Message.Request r : m.requests()) {
            Key key = new Key(peer, r.id());
            switch (r.type()) {
                case NEW -> {
                    AtomicBoolean cancelled = new AtomicBoolean();
                    if (served.putIfAbsent(key, cancelled) == null) {
                        host.spawn("p2pkit-graphsync-respond", () -> serve(peer, r, cancelled, memory));
                    }
                }
                case CANCEL -> {
                    AtomicBoolean c = served.get(key);
                    if (c != null) {
                        c.set(true);
                    }
                    Paused p = paused.remove(key);
                    if (p != null) {
                        p.wake().complete(false);
                    }
                }
                case UPDATE -> {
                    // go-graphsync's request-updated hook: an update may unpause a response the hook paused
                    Paused p = paused.get(key);
                    if (p != null && hook.unpauseOnUpdate(p.request(), r.extensions()) && paused.remove(key, p)) {
                        p.wake().complete(true);
                    }
                }
            }
        }
        if (m.responses().isEmpty()) {
            if (!m.blocks().isEmpty()) {
                outsideSelection.add(m.blocks().size());
                LOG.log(System.Logger.Level.INFO, () -> "graphsync: " + peer + " sent " + m.blocks().size() + " blocks without a response; dropped");
            }
            return;
        }
        Map<Cid, Block> blocks = new HashMap<>();
        for (Block b : m.blocks()) {
            blocks.put(b.cid(), b);
        }
        Set<Cid> named = new HashSet<>();
        List<OutgoingRequest> requests = new ArrayList<>();
        List<Message.Response> responses = new ArrayList<>();
        for (Message.Response r : m.responses()) {
            r.metadata().forEach(d -> named.add(d.link()));
            OutgoingRequest req = outgoing.get(new Key(peer, r.id()));
            if (req == null && leftovers.wasCancelled(new Key(peer, r.id()))) {
                keepLeftovers(r, blocks, memory);
            }
            if (req == null) {
                unknownResponses.increment();
                LOG.log(System.Logger.Level.DEBUG, () -> "graphsync: " + peer + " answered unknown request " + r.id());
                continue;
            }
            requests.add(req);
            responses.add(r);
        }
        long unnamed = blocks.keySet().stream().filter(c -> !named.contains(c)).count();
        if (unnamed > 0) {
            // Checked before any response is taken, so that no request completes on this message.
            outsideSelection.add(unnamed);
            LOG.log(System.Logger.Level.INFO, () -> "graphsync: " + peer + " sent " + unnamed + " blocks its responses do not name");
            requests.forEach(r -> r.fail(peer + " sent " + unnamed + " blocks its responses do not name"));
            return;
        }
        for (int i = 0; i < requests.size(); i++) {
            OutgoingRequest req = requests.get(i);
            int late = req.add(responses.get(i), blocks, memory);
            if (late > 0) {
                outsideSelection.add(late);
            }
            if (late == OutgoingRequest.ENDED && leftovers.wasCancelled(new Key(peer, req.id))) {
                // cancelled while this message was handled: its blocks did not reach the request
                keepLeftovers(responses.get(i), blocks, memory);
            }
        }
    }

    /** Keeps the blocks a response to a request this side cancelled names, for the request that replaces it. */
    private void keepLeftovers(Message.Response r, Map<Cid, Block> blocks, MemoryScope memory) {
        r.metadata().forEach(d -> {
            Block b = blocks.get(d.link());
            if (b != null) {
                leftovers.keep(b, memory);
            }
        });
    }

    // ---- serving

    private void serve(PeerId peer, Message.Request r, AtomicBoolean cancelled, MemoryScope memory) {
        Key key = new Key(peer, r.id());
        AtomicInteger active = new AtomicInteger();
        PeerSlots mine = slots.compute(peer, (p, s) -> {
            PeerSlots out = s == null ? new PeerSlots(config.maxInProgressPerPeer()) : s;
            active.set(++out.active);
            return out;
        });
        boolean peerPermit = false;
        boolean totalPermit = false;
        try {
            if (!config.serve()) {
                requestsRejected.increment();
                finish(peer, r.id(), ResponseStatus.REQUEST_REJECTED);
                return;
            }
            if (active.get() > config.maxQueuedPerPeer() + config.maxInProgressPerPeer()) {
                busy(peer, r.id());
                return;
            }
            long wait = config.queueTimeout().toNanos();
            long start = System.nanoTime();
            peerPermit = mine.permits.tryAcquire(wait, TimeUnit.NANOSECONDS);
            totalPermit = peerPermit && total.tryAcquire(Math.max(0, wait - (System.nanoTime() - start)), TimeUnit.NANOSECONDS);
            if (!totalPermit) {
                busy(peer, r.id());
                return;
            }
            respond(peer, r, cancelled, memory);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "graphsync: serving " + r.id() + " to " + peer + " failed: " + e);
        } finally {
            if (totalPermit) {
                total.release();
            }
            if (peerPermit) {
                mine.permits.release();
            }
            slots.computeIfPresent(peer, (p, s) -> --s.active == 0 ? null : s);
            served.remove(key);
        }
    }

    private void busy(PeerId peer, Message.RequestId id) throws IOException {
        requestsBusy.increment();
        LOG.log(System.Logger.Level.INFO, () -> "graphsync: " + peer + " has too many requests; answering 31 (busy)");
        finish(peer, id, ResponseStatus.REQUEST_FAILED_BUSY);
    }

    /**
     * A batch of the response being built: the links walked since the last message, and their new
     * blocks, whose bytes are charged to the memory scope of the stream the request came on until
     * the batch is written.
     */
    private static final class Batch {
        final List<Message.Metadatum> meta = new ArrayList<>();
        final List<Block> blocks = new ArrayList<>();
        long bytes;
        MemoryScope charged = MemoryScope.UNLIMITED;
        long chargedBytes;

        /** Charges a block to {@code scope} (or, once that stream has closed, to none: the batch size still bounds it). */
        void charge(MemoryScope scope, long size) throws ResourceLimitException {
            MemoryScope target = chargedBytes > 0 ? charged : scope;
            try {
                target.reserveMemory(size, MemoryPriority.MEDIUM);
            } catch (IllegalStateException closedScope) {
                target = MemoryScope.UNLIMITED;
            }
            if (chargedBytes > 0 && target != charged) {
                charged.releaseMemory(chargedBytes);
                chargedBytes = 0;
            }
            charged = target;
            chargedBytes += size;
        }

        void release() {
            charged.releaseMemory(chargedBytes);
            chargedBytes = 0;
        }
    }

    /** The responder ran out of memory for this request: answered 31 (busy), like a full queue. */
    private static final class OverMemory extends RuntimeException {
        private static final long serialVersionUID = 1L;

        OverMemory(ResourceLimitException cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    private void respond(PeerId peer, Message.Request r, AtomicBoolean cancelled, MemoryScope memory)
            throws IOException, InterruptedException {
        Selector selector;
        Extensions.Skips skips;
        String dedupKey;
        try {
            selector = SelectorParser.parse(r.selector());
            skips = Extensions.decode(r.extensions());
            dedupKey = Extensions.dedupKey(r.extensions());
        } catch (DecodeException e) {
            requestsRejected.increment();
            LOG.log(System.Logger.Level.INFO, () -> "graphsync: " + peer + " sent an invalid selector or extension (" + e.getMessage() + ")");
            finish(peer, r.id(), ResponseStatus.REQUEST_FAILED_UNKNOWN);
            return;
        }
        Set<Cid> sent = new HashSet<>();
        AtomicReference<Batch> batch = new AtomicReference<>(new Batch());
        AtomicLong reached = new AtomicLong();
        long[] sentSoFar = new long[2];
        DedupBuckets.Member bucket = dedupKey == null ? null : dedup.join(peer, dedupKey);
        try {
            ResponderHook.Served served = new ResponderHook.Served(peer, r.id().toString(), r.root(), r.extensions());
            SelectorWalk.Result walked;
            try {
                walked = walk.walk(r.root(), selector, cid -> {
                    if (cancelled.get()) {
                        throw new java.util.concurrent.CancellationException();
                    }
                    Optional<Block> b = store.get(cid);
                    Batch current = batch.get();
                    boolean skip = skips.skip(reached.incrementAndGet(), cid);
                    // a block held back counts as sent: reached again later, it is not sent then either (as in go-graphsync)
                    if (b.isPresent() && sent.add(cid)) {
                        boolean send = !skip && (bucket == null || !bucket.sentByOther(cid));
                        if (send && hook.pauseBefore(served, cid, sentSoFar[0], sentSoFar[1])) {
                            current = pause(peer, r.id(), served, current, cancelled);
                            batch.set(current);
                        }
                        // held back or sent, it counts for the other requests with this dedup key (as in
                        // go-graphsync); recorded after a pause, so a paused request holds back no one
                        if (bucket != null && !bucket.first(cid)) {
                            send = false;
                        }
                        if (!send) {
                            skipped.increment();
                        } else {
                            sentSoFar[0]++;
                            sentSoFar[1] += b.get().size();
                            try {
                                current.charge(memory, b.get().size());
                            } catch (ResourceLimitException e) {
                                throw new OverMemory(e);
                            }
                            current.blocks.add(b.get());
                            current.bytes += b.get().size();
                        }
                    }
                    current.meta.add(new Message.Metadatum(cid, b.isPresent() ? Message.LinkAction.PRESENT : Message.LinkAction.MISSING));
                    if (current.bytes >= config.responseBatchBytes()) {
                        send(peer, r.id(), ResponseStatus.PARTIAL_RESPONSE, current);
                        batch.set(new Batch());
                    }
                    return b;
                }, SelectorWalk.Visitor.NONE);
            } catch (java.util.concurrent.CancellationException e) {
                batch.get().release();
                requestsCancelled.increment();
                return; // the requester does not wait for anything more
            } catch (PauseOver e) {
                requestsBusy.increment();
                batch.get().release();
                finish(peer, r.id(), ResponseStatus.REQUEST_FAILED_BUSY);
                return;
            } catch (OverMemory e) {
                requestsBusy.increment();
                memoryRefused.increment();
                LOG.log(System.Logger.Level.INFO, () -> "graphsync: request " + r.id() + " from " + peer
                        + " is over the memory limit (" + e.getMessage() + "); answering 31 (busy)");
                Batch last = batch.get();
                send(peer, r.id(), ResponseStatus.REQUEST_FAILED_BUSY, last);
                return;
            } catch (IOException | DecodeException e) {
                if (e instanceof SelectorWalk.LimitException || e instanceof DecodeException) {
                    requestsRejected.increment();
                    LOG.log(System.Logger.Level.INFO, () -> "graphsync: request " + r.id() + " from " + peer + " failed: " + e.getMessage());
                    send(peer, r.id(), ResponseStatus.REQUEST_FAILED_UNKNOWN, batch.get());
                    return;
                }
                batch.get().release();
                throw e;
            }
            ResponseStatus status = walked.blocks().isEmpty() ? ResponseStatus.REQUEST_FAILED_CONTENT_NOT_FOUND
                    : walked.missing().isEmpty() ? ResponseStatus.REQUEST_COMPLETED_FULL : ResponseStatus.REQUEST_COMPLETED_PARTIAL;
            requestsServed.increment(); // before the final message, for the same reason
            send(peer, r.id(), status, batch.get());
        } finally {
            if (bucket != null) {
                bucket.leave();
            }
        }
    }

    /** The longest wait past {@link #MAX_PAUSE}: the response ends busy. */
    private static final class PauseOver extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PauseOver() {
            super("paused for longer than " + MAX_PAUSE, null, false, false);
        }
    }

    /**
     * The hook paused the response: sends what the batch holds with status 15 and waits until the
     * application or an update unpauses it (then returns a new batch), or the requester cancels it.
     */
    private Batch pause(PeerId peer, Message.RequestId id, ResponderHook.Served request, Batch current, AtomicBoolean cancelled)
            throws IOException, InterruptedException {
        Key key = new Key(peer, id);
        Paused p = new Paused(request, new CompletableFuture<>());
        try {
            send(peer, id, ResponseStatus.REQUEST_PAUSED, current);
            paused.put(key, p);
            if (cancelled.get() || closed) {
                throw new java.util.concurrent.CancellationException();
            }
            LOG.log(System.Logger.Level.DEBUG, () -> "graphsync: paused request " + id + " of " + peer);
            boolean goOn;
            try {
                goOn = p.wake().get(MAX_PAUSE.toNanos(), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new PauseOver();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
            if (!goOn || cancelled.get()) {
                throw new java.util.concurrent.CancellationException();
            }
            return new Batch();
        } finally {
            paused.remove(key, p);
        }
    }

    /** Sends a batch and releases its charge, written or not. */
    private void send(PeerId peer, Message.RequestId id, ResponseStatus status, Batch b) throws IOException {
        // counted before the write: a requester that has the message must find it counted
        blocksSent.add(b.blocks.size());
        bytesSent.add(b.bytes);
        try {
            outbox(peer).send(new Message(List.of(), List.of(new Message.Response(id, status, b.meta, Map.of())), b.blocks));
        } finally {
            b.release();
        }
    }

    /** Ends a request with a status alone. */
    private void finish(PeerId peer, Message.RequestId id, ResponseStatus status) throws IOException {
        send(peer, id, status, new Batch());
    }
}
