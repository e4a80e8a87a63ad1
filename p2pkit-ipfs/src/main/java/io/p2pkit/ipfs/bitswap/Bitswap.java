package io.p2pkit.ipfs.bitswap;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.host.Stream;
import io.p2pkit.core.identify.IdentifyService;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.core.multiformats.Varint;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.network.ConnectionListener;
import io.p2pkit.core.reputation.Outcome;
import io.p2pkit.core.resource.MemoryPriority;
import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.core.resource.ResourceLimitException;
import io.p2pkit.ipfs.bitswap.wire.BitswapMessage;
import io.p2pkit.ipfs.bitswap.wire.MessageCodec;
import io.p2pkit.ipfs.bitswap.wire.Presence;
import io.p2pkit.ipfs.bitswap.wire.ProtocolVersion;
import io.p2pkit.ipfs.bitswap.wire.WantEntry;
import io.p2pkit.ipfs.bitswap.wire.WantType;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.block.LinkReader;
import io.p2pkit.ipfs.blockstore.BlockFetcher;
import io.p2pkit.ipfs.blockstore.Blockstore;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Bitswap ({@code /ipfs/bitswap/1.2.0}, answering 1.1.0, 1.0.0 and the bare ID too) on a host:
 * the server that answers other peers' wants from a local blockstore, and the client that fetches
 * blocks through {@linkplain BitswapSession sessions}.
 *
 * <pre>{@code
 * Bitswap bitswap = Bitswap.attach(host, repo.blocks().local(), BitswapConfig.defaults(), ProviderFinder.NONE);
 * host.connect(PeerInfo.parse(kubo));
 * try (BitswapSession s = bitswap.newSession()) {
 *     Block b = s.get(cid, Duration.ofSeconds(30)).orElseThrow();
 * }
 * DagFetch.Result r = bitswap.fetchDag(root, links, DagFetch.Progress.NONE, Duration.ofSeconds(60));
 * }</pre>
 *
 * <p>Blocks are checked on arrival: a block's CID is computed from its prefix and the hash of its
 * bytes, and only blocks whose multihash some session wants are stored (in the local store given
 * here) and handed on; the rest are counted as unwanted. Malformed or oversized messages reset the
 * stream they came on, nothing else. A node that does not serve ({@link BitswapConfig#serve()}
 * false: a leecher, or Kubo's {@code Bitswap.ServerEnabled} false) sends no block and no HAVE: it
 * answers DONT_HAVE to each want that asks for one, as Kubo's does with its server off, so that
 * the peer moves on at once.
 *
 * <p>It is also the {@link BlockFetcher} of a repository's remote tier.
 */
public final class Bitswap implements Closeable, BlockFetcher {
    private static final System.Logger LOG = LazyLogger.of(Bitswap.class);
    /** How often the client's timers run. */
    private static final long TICK_MILLIS = 250;

    private final Host host;
    private final Blockstore local;
    private final BitswapConfig config;
    private final ProviderFinder providers;
    private final ServerEngine server;
    private final ClientEngine client;
    final Counters stats = new Counters();
    private final Map<PeerId, PeerSender> senders = new ConcurrentHashMap<>();
    /** Connected peers known to speak Bitswap. */
    private final Set<PeerId> peers = ConcurrentHashMap.newKeySet();
    /** Peers already told about unwanted blocks, so that the log has one line per peer. */
    private final Set<PeerId> warnedUnwanted = ConcurrentHashMap.newKeySet();
    private final ScheduledFuture<?> ticker;
    private final List<Consumer<List<Cid>>> receiveListeners = new CopyOnWriteArrayList<>();
    /** Providers asked over HTTPS (Kubo's HTTPRetrieval), which the client sees as peers. */
    private final HttpPeers http;
    private volatile boolean closed;

    private Bitswap(Host host, Blockstore local, BitswapConfig config, ProviderFinder providers) {
        this.host = host;
        this.local = local;
        this.config = config;
        this.providers = providers;
        this.server = new ServerEngine(config);
        this.http = new HttpPeers(config.http(), new HttpPeers.Events() {
            @Override
            public void presence(PeerId peer, Presence presence) {
                client.presenceReceived(peer, presence);
            }

            @Override
            public void block(PeerId peer, Block block) {
                if (!client.wants(block.cid().multihash())) {
                    unwanted(peer, block);
                    return;
                }
                try {
                    store(peer, block);
                } catch (IOException | RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, () -> "bitswap: storing " + block.cid() + " from " + peer
                            + " failed: " + e);
                }
            }

            @Override
            public void refused(PeerId peer, Cid cid, String why) {
                stats.malformedMessages.increment();
                LOG.log(System.Logger.Level.INFO, () -> "bitswap: HTTP provider " + peer + " sent a bad answer for "
                        + cid + ": " + why);
            }

            @Override
            public void disconnected(PeerId peer) {
                peerGone(peer);
            }
        });
        this.client = new ClientEngine(config, new ClientEngine.Environment() {
            @Override
            public List<PeerId> peers() {
                return List.copyOf(peers);
            }

            @Override
            public boolean speaksHave(PeerId peer) {
                return http.isPeer(peer) || host.peerStore().supports(peer, ProtocolVersion.V1_2_0.id());
            }

            @Override
            public void send(PeerId peer, List<WantEntry> entries) {
                if (http.isPeer(peer)) {
                    http.send(peer, entries); // HEAD and GET requests, not a Bitswap stream
                } else {
                    sender(peer).wants(entries);
                }
            }

            @Override
            public void findProviders(Cid cid) {
                lookUpProviders(cid);
            }

            @Override
            public boolean local(PeerId peer) {
                List<io.p2pkit.core.multiaddr.Multiaddr> addresses = host.peerStore().addresses(peer);
                // as boxo: a peer with no address known counts as local
                return addresses.isEmpty() || addresses.stream().anyMatch(io.p2pkit.core.network.AddressScope::isLocal);
            }

            @Override
            public boolean peered(PeerId peer) {
                return host.service(io.p2pkit.core.connmgr.ConnectionManager.class)
                        .map(m -> m.isProtected(peer, io.p2pkit.core.connmgr.ConnectionManager.PEERING_TAG)).orElse(false);
            }

            @Override
            public boolean pending(PeerId peer) {
                PeerSender s = senders.get(peer);
                return s != null && s.hasQueued();
            }

            @Override
            public long nanoTime() {
                return System.nanoTime();
            }
        }, host.reputation());
        this.ticker = host.scheduler().scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * Starts Bitswap on a host.
     *
     * @param host      the host
     * @param local     the store blocks are served from and fetched blocks go to; a local one,
     *                  never a store whose misses go back to the network
     * @param config    limits and timings
     * @param providers where sessions find providers (the DHT), or {@link ProviderFinder#NONE}
     * @return the service, closed with the host
     */
    public static Bitswap attach(Host host, Blockstore local, BitswapConfig config, ProviderFinder providers) {
        Bitswap b = new Bitswap(host, local, config, providers);
        if (!config.libp2p()) {
            host.addService(b); // Kubo's Bitswap.Libp2pEnabled false: no protocol, no libp2p peer; HTTP providers only
            return b;
        }
        for (String id : ProtocolVersion.ids()) {
            host.setStreamHandler(id, b::handle);
        }
        host.addConnectionListener(new ConnectionListener() {
            @Override
            public void connected(Connection c) {
                if (host.peerStore().protocols(c.remotePeer()).stream().anyMatch(ProtocolVersion.ids()::contains)) {
                    b.bitswapPeer(c.remotePeer());
                }
            }

            @Override
            public void disconnected(Connection c) {
                if (host.network().connection(c.remotePeer()).isEmpty()) {
                    b.peerGone(c.remotePeer());
                }
            }
        });
        host.service(IdentifyService.class).ifPresent(id -> id.addListener(r -> {
            if (r.protocols().stream().anyMatch(ProtocolVersion.ids()::contains)) {
                b.bitswapPeer(r.peerId());
            }
        }));
        for (int i = 0; i < config.serverWorkers(); i++) {
            host.spawn("p2pkit-bitswap-server-" + i, b::serveLoop);
        }
        host.addService(b);
        return b;
    }

    /** The configuration. */
    public BitswapConfig config() {
        return config;
    }

    /** A new session: wants fetched together share the peers that answer. Close it to cancel what it still wants. */
    public BitswapSession newSession() {
        return new BitswapSession(client, config.dagParallelism());
    }

    /**
     * Fetches a whole DAG into the local store, keeping up to {@link BitswapConfig#dagParallelism}
     * blocks wanted at once. Blocks already there are not fetched again, but their links are followed.
     *
     * @param root        the root
     * @param links       how to read a block's links
     * @param progress    told of each block
     * @param idleTimeout how long the fetch may go without receiving a block before it fails
     * @return how many blocks and bytes were fetched and found
     * @throws IOException when a block cannot be had within {@code idleTimeout}, or the store fails
     */
    public DagFetch.Result fetchDag(Cid root, LinkReader links, DagFetch.Progress progress,
                                    Duration idleTimeout) throws IOException, InterruptedException {
        return new DagFetch(newSession(), local, links, progress, idleTimeout).run(root);
    }

    /** For the remote tier: one block, in a session of its own. */
    @Override
    public Optional<byte[]> fetch(Cid cid, Duration timeout) throws IOException, InterruptedException {
        try (BitswapSession s = newSession()) {
            return s.get(cid, timeout).map(Block::data);
        }
    }

    /** Runs {@code listener} with the CIDs of each batch of wanted blocks received and stored (to announce them). */
    public void onBlocksReceived(Consumer<List<Cid>> listener) {
        receiveListeners.add(listener);
    }

    /** What Bitswap did so far. */
    public BitswapStats stats() {
        Counters c = stats;
        return new BitswapStats(c.blocksReceived.sum(), c.dataReceived.sum(), c.unwantedBlocks.sum(),
                c.unwantedData.sum(), c.blocksSent.sum(), c.dataSent.sum(), c.messagesReceived.sum(),
                c.messagesSent.sum(), c.malformedMessages.sum(), c.oversizedMessages.sum(), c.refusedWants.sum(),
                c.bigBlockWants.sum(), c.memoryRefused.sum(), c.sendFailures.sum(), c.slowPeers.sum(),
                c.droppedBytes.sum(), client.wanted(), server.peers());
    }

    /** What was exchanged with a peer, if it has a ledger. */
    public Optional<LedgerView> ledger(PeerId peer) {
        return server.ledger(peer);
    }

    /**
     * The best {@code n} providers to fetch {@code cid} (of {@code contentSize} bytes in all) from,
     * best first: the peers that told this node they have it while it was wanted, and those the
     * provider finder (the DHT) names, ranked by the host's reputation
     * ({@link io.p2pkit.core.reputation.PeerReputation#best}: expected time {@code latency +
     * size / throughput}, weighted by score; latency decides for small content, throughput for
     * large). Blocks for the provider lookup, which has its own deadline.
     *
     * @param n at most this many
     * @throws IOException when the provider lookup fails
     */
    public List<PeerInfo> optimalProviders(Cid cid, long contentSize, int n) throws IOException {
        Map<PeerId, PeerInfo> candidates = new ConcurrentHashMap<>();
        java.util.Queue<PeerId> order = new java.util.concurrent.ConcurrentLinkedQueue<>();
        for (PeerId p : client.haves(cid)) {
            if (candidates.putIfAbsent(p, new PeerInfo(p, host.peerStore().addresses(p))) == null) {
                order.add(p);
            }
        }
        if (providers != ProviderFinder.NONE && n > 0) {
            providers.findProviders(cid, Math.max(2 * n, 20), p -> {
                if (!p.peerId().equals(host.peerId()) && candidates.putIfAbsent(p.peerId(), p) == null) {
                    order.add(p.peerId());
                }
            });
        }
        return host.reputation().best(List.copyOf(order), contentSize, n).stream().map(candidates::get).toList();
    }

    /**
     * How many times a peer was left out of a broadcast by the configured {@link BroadcastControl}
     * (boxo's {@code bcast_skips_total}).
     */
    public long broadcastsSkipped() {
        return client.broadcastsSkipped();
    }

    /** The blocks this node wants now. */
    public List<Cid> wantlist() {
        return client.wantlist();
    }

    /**
     * The blocks {@code peer} wants of this node now, as Kubo's {@code bitswap wantlist --peer}: its
     * wants not yet answered and those waiting for a block this node lacks (at most the server's
     * limit of wants per peer).
     */
    public List<Cid> wantlistOf(PeerId peer) {
        return server.wantsOf(peer);
    }

    /** Connected peers known to speak Bitswap. */
    public Set<PeerId> peers() {
        return Set.copyOf(peers);
    }

    /**
     * Tells the server that blocks were stored by someone else (an import, a pin): peers that
     * wanted them are answered.
     */
    public void blocksAdded(List<Multihash> keys) {
        server.blocksAdded(keys);
    }

    /** Stops serving and fetching: nothing more is sent or stored (fetches still waiting run into their timeouts). Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        ticker.cancel(false);
        for (String id : ProtocolVersion.ids()) {
            host.removeStreamHandler(id);
        }
        server.wakeAll();
        senders.values().forEach(PeerSender::close);
        senders.clear();
        http.close();
    }

    // ---- inbound

    private void handle(Stream s) throws IOException {
        PeerId peer = s.remotePeer();
        bitswapPeer(peer);
        while (!closed) {
            long length;
            try {
                length = Varint.read(s.in());
            } catch (DecodeException e) {
                malformed(peer, s, e);
                return;
            }
            if (length < 0) {
                return;
            }
            if (length > MessageCodec.MAX_MESSAGE_BYTES) {
                stats.oversizedMessages.increment();
                host.reputation().record(peer, Outcome.PROTOCOL_ERROR);
                LOG.log(System.Logger.Level.INFO, () -> "bitswap: " + peer + " sent a message of " + length
                        + " bytes, over the limit of " + MessageCodec.MAX_MESSAGE_BYTES + "; resetting its stream");
                s.reset();
                return;
            }
            // The message's arrays are made as its fields begin, before their bytes arrive: its
            // length is reserved first, so that stalled messages cost no more than the peer's scope
            // allows. HIGH, as a muxer's received bytes: above the yamux windows' growth (which may
            // take half of the connection's scope), below the buffers a connection cannot do without.
            try {
                s.memory().reserveMemory(length, MemoryPriority.HIGH);
            } catch (ResourceLimitException e) {
                stats.memoryRefused.increment();
                LOG.log(System.Logger.Level.INFO, () -> "bitswap: no memory for a message of " + length + " bytes from "
                        + peer + " (" + e.getMessage() + "); resetting its stream");
                s.reset();
                return;
            } catch (IllegalStateException closedScope) {
                return; // the stream was reset or closed meanwhile: nothing more comes on it
            }
            try {
                BitswapMessage m;
                try {
                    // blocks go from the stream into arrays of their own, not through a copy of the message
                    m = MessageCodec.read(s.in(), (int) length, config.maxBlockBytes());
                } catch (DecodeException e) {
                    malformed(peer, s, e);
                    return;
                }
                stats.messagesReceived.increment();
                received(peer, m, s.memory(), s.protocol().equals(ProtocolVersion.V1_2_0.id()));
            } finally {
                s.memory().releaseMemory(length);
            }
        }
    }

    private void malformed(PeerId peer, Stream s, DecodeException e) {
        stats.malformedMessages.increment();
        host.reputation().record(peer, Outcome.PROTOCOL_ERROR);
        LOG.log(System.Logger.Level.INFO, () -> "bitswap: " + peer + " sent a malformed message ("
                + e.getMessage() + "); resetting its stream");
        s.reset();
    }

    /** @param presences whether the message came on a 1.2.0 stream, so that its sender takes HAVE and DONT_HAVE */
    private void received(PeerId peer, BitswapMessage m, MemoryScope memory, boolean presences) throws IOException {
        for (Block b : m.blocks()) {
            if (!client.wants(b.cid().multihash())) {
                unwanted(peer, b);
                continue;
            }
            // One file per block makes storing the slow part: blocks are stored STORERS at a time,
            // off the stream's reader, and handed on once stored.
            try {
                storers.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while storing blocks from " + peer);
            }
            host.spawn("p2pkit-bitswap-store", () -> {
                try {
                    store(peer, b);
                } catch (IOException | RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, () -> "bitswap: storing " + b.cid() + " from " + peer + " failed: " + e);
                } finally {
                    storers.release();
                }
            });
        }
        for (Presence p : m.presences()) {
            client.presenceReceived(peer, p);
        }
        if (!m.wants().isEmpty() || m.full()) {
            if (!config.serve()) {
                if (presences) {
                    dontHaveAll(peer, m.wants(), memory);
                }
                return;
            }
            senderMemory.put(peer, memory);
            ServerEngine.Received r = server.receive(peer, m.wants(), m.full());
            if (r.refused() > 0) {
                stats.refusedWants.add(r.refused());
                LOG.log(System.Logger.Level.INFO, () -> "bitswap: " + peer + " wants more than "
                        + config.maxWantsPerPeer() + " blocks; refused " + r.refused() + " wants");
            }
        }
    }

    /**
     * A node that does not serve answers DONT_HAVE to the wants that ask for one (the peer's
     * sender keeps at most {@link BitswapConfig#maxWantsPerPeer} answers waiting).
     */
    private void dontHaveAll(PeerId peer, List<WantEntry> wants, MemoryScope memory) {
        List<Presence> answers = wants.stream().filter(w -> !w.cancel() && w.sendDontHave())
                .map(w -> new Presence(w.cid(), false)).toList();
        if (!answers.isEmpty()) {
            sender(peer).answer(List.of(), answers, memory);
        }
    }

    /** Stores a wanted block, then hands it to the sessions that want it and tells the server and listeners. */
    private void store(PeerId peer, Block b) throws IOException {
        local.put(b);
        if (client.blockReceived(peer, b).isEmpty()) {
            return; // another peer's copy came first
        }
        stats.blocksReceived.increment();
        stats.dataReceived.add(b.size());
        server.receivedBlock(peer, b.size());
        if (config.serve()) {
            server.blocksAdded(List.of(b.cid().multihash()));
        }
        for (Consumer<List<Cid>> l : receiveListeners) {
            l.accept(List.of(b.cid()));
        }
    }

    /**
     * The arrays blocks read to be sent are read into: a sender gives each back once the block is
     * written or dropped (a gigabyte served would otherwise be a gigabyte of new arrays).
     */
    final io.p2pkit.ipfs.block.BlockArrays arrays = new io.p2pkit.ipfs.block.BlockArrays();

    /** How many blocks are being stored at once. */
    private static final int STORERS = 16;
    private final java.util.concurrent.Semaphore storers = new java.util.concurrent.Semaphore(STORERS);

    /** The memory scope of each peer's latest inbound stream, where what is queued for it is charged. */
    private final Map<PeerId, MemoryScope> senderMemory = new ConcurrentHashMap<>();

    private void unwanted(PeerId peer, Block b) {
        stats.unwantedBlocks.increment();
        stats.unwantedData.add(b.size());
        if (warnedUnwanted.add(peer)) {
            LOG.log(System.Logger.Level.INFO, () -> "bitswap: ignoring block " + b.cid() + " from " + peer
                    + ": nobody here wants it (a duplicate, unsolicited, or bytes that do not hash to a wanted CID);"
                    + " further ones from this peer are only counted");
        }
    }

    // ---- server

    private void serveLoop() {
        while (!closed && !host.isClosed()) {
            try {
                Optional<ServerEngine.Task> t = server.take(1000);
                if (t.isPresent()) {
                    try {
                        answer(t.get());
                    } finally {
                        server.finished(t.get().peer());
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | IOException e) {
                LOG.log(System.Logger.Level.WARNING, () -> "bitswap: answering wants failed: " + e);
            }
        }
    }

    private void answer(ServerEngine.Task task) throws IOException {
        PeerId peer = task.peer();
        boolean presences = host.peerStore().supports(peer, ProtocolVersion.V1_2_0.id());
        List<Block> blocks = new ArrayList<>();
        List<Presence> answers = new ArrayList<>();
        List<WantEntry> missing = new ArrayList<>();
        List<WantEntry> later = new ArrayList<>();
        long room = config.maxQueuedBytesPerPeer() - server.queuedBytes(peer);
        try {
            for (WantEntry w : task.wants()) {
                OptionalInt size = local.sizeOf(w.cid().multihash());
                if (size.isPresent() && size.getAsInt() > config.maxBlockBytes()) {
                    stats.bigBlockWants.increment();
                    LOG.log(System.Logger.Level.DEBUG, () -> "bitswap: " + peer + " wants " + w.cid() + " of "
                            + size.getAsInt() + " bytes, over the " + config.maxBlockBytes() + "-byte block limit; answering DONT_HAVE");
                    if (presences) {
                        answers.add(new Presence(w.cid(), false));
                    }
                    continue;
                }
                boolean sendBlock = size.isPresent()
                        && (w.type() == WantType.BLOCK || size.getAsInt() <= config.haveReplaceLimit());
                if (sendBlock && size.getAsInt() > room && !blocks.isEmpty()) {
                    later.add(w); // the queue is full: it waits for the queue to drain
                    continue;
                }
                Optional<Block> b;
                boolean unreadable = false;
                try {
                    b = sendBlock ? local.get(w.cid(), arrays) : Optional.empty();
                } catch (io.p2pkit.ipfs.filestore.FilestoreException | io.p2pkit.ipfs.blockstore.CorruptBlockException e) {
                    // a block that cannot be read back (its filestore file changed, its file damaged) is not had:
                    // the other wants are still answered
                    LOG.log(System.Logger.Level.WARNING, () -> "bitswap: cannot serve " + w.cid() + " to " + peer + ": "
                            + e.getMessage());
                    b = Optional.empty();
                    unreadable = true;
                }
                if (b.isPresent()) {
                    blocks.add(b.get());
                    room -= b.get().size();
                } else if (!unreadable && size.isPresent() && w.type() == WantType.HAVE) {
                    answers.add(new Presence(w.cid(), true));
                } else {
                    missing.add(w);
                    if (w.sendDontHave() && presences) {
                        answers.add(new Presence(w.cid(), false));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            blocks.forEach(b -> arrays.release(b.data())); // read, never queued
            throw e;
        }
        long queued = 0;
        int sent = blocks.size();
        if (!blocks.isEmpty() || !answers.isEmpty()) {
            MemoryScope memory = senderMemory.getOrDefault(peer, MemoryScope.UNLIMITED);
            long total = blocks.stream().mapToLong(Block::size).sum();
            server.queued(peer, total);
            PeerSender.Answer a = sender(peer).answer(blocks, answers, memory);
            queued = a.queued();
            if (total > queued) {
                server.queued(peer, queued - total);
            }
            if (!a.refused().isEmpty()) {
                sent -= a.refused().size();
                backOff(peer, task, a.refused());
                a.refused().forEach(b -> arrays.release(b.data()));
            }
        }
        if (!later.isEmpty()) {
            server.requeue(peer, later, true); // false only when the peer has gone
        }
        server.answered(peer, missing, queued, sent);
    }

    /**
     * The resource manager had no memory for some blocks: while other blocks for the peer are
     * still queued their wants wait for those to be written; with nothing queued they are dropped
     * (the peer asks again).
     */
    private void backOff(PeerId peer, ServerEngine.Task task, List<Block> refused) {
        List<WantEntry> again = new ArrayList<>();
        for (Block b : refused) {
            for (WantEntry w : task.wants()) {
                if (w.cid().equals(b.cid())) {
                    again.add(w);
                }
            }
        }
        if (server.requeue(peer, again, false)) {
            return;
        }
        stats.memoryRefused.add(refused.size());
        LOG.log(System.Logger.Level.INFO, () -> "bitswap: not sending " + refused.size() + " blocks to " + peer
                + ": the resource manager has no memory for them; the peer will have to ask again");
    }

    // ---- called by the senders

    void sent(PeerId peer, BitswapMessage m, long blockBytes) {
        stats.messagesSent.increment();
        stats.blocksSent.add(m.blocks().size());
        stats.dataSent.add(blockBytes);
        if (blockBytes > 0) {
            server.queued(peer, -blockBytes);
        }
    }

    void dropped(PeerId peer, long bytes) {
        stats.droppedBytes.add(bytes);
        server.queued(peer, -bytes);
    }

    // ---- peers

    private PeerSender sender(PeerId peer) {
        return senders.computeIfAbsent(peer, p -> new PeerSender(p, host, this));
    }

    private void bitswapPeer(PeerId peer) {
        if (!closed && peers.add(peer)) {
            client.peerConnected(peer);
        }
    }

    private void peerGone(PeerId peer) {
        peers.remove(peer);
        warnedUnwanted.remove(peer);
        senderMemory.remove(peer);
        client.peerDisconnected(peer);
        server.peerGone(peer);
        PeerSender s = senders.remove(peer);
        if (s != null) {
            s.close();
        }
    }

    private void lookUpProviders(Cid cid) {
        if (providers == ProviderFinder.NONE || closed) {
            return;
        }
        host.spawn("p2pkit-bitswap-providers " + cid, () -> {
            try {
                providers.findProviders(cid, 10, (PeerInfo p) -> {
                    if (p.peerId().equals(host.peerId()) || closed) {
                        return;
                    }
                    Optional<java.net.URI> https = http.endpoint(p);
                    if (https.isPresent() && http.connect(p, https.get())) {
                        bitswapPeer(p.peerId());
                        client.providerFound(cid, p.peerId());
                        return; // asked over HTTPS, as Kubo asks a provider with a /tls/http address
                    }
                    if (!config.libp2p()) {
                        return;
                    }
                    try {
                        host.connect(p);
                        bitswapPeer(p.peerId());
                        client.providerFound(cid, p.peerId());
                    } catch (IOException | RuntimeException e) {
                        LOG.log(System.Logger.Level.DEBUG, () -> "bitswap: provider " + p.peerId() + " of " + cid
                                + " cannot be reached: " + e);
                    }
                });
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "bitswap: looking up providers of " + cid + " failed: " + e);
            }
        });
    }

    private void tick() {
        try {
            client.tick();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, () -> "bitswap: client timers failed: " + e);
        }
    }
}
