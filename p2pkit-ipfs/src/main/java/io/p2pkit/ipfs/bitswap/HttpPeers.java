package io.p2pkit.ipfs.bitswap;

import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.bitswap.wire.Presence;
import io.p2pkit.ipfs.bitswap.wire.WantEntry;
import io.p2pkit.ipfs.bitswap.wire.WantType;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.block.BlockMismatchException;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The providers reached over HTTPS ({@link HttpRetrieval}), seen by the client engine as Bitswap
 * peers, as boxo's {@code httpnet} shows them: a want-have is a {@code HEAD}, a want-block a
 * {@code GET} of {@code /ipfs/{cid}?format=raw}, a cancel stops the request. 200 is HAVE or the
 * block (checked against its CID, at most {@link HttpRetrieval#maxBlockSize} bytes); 404, 410 and
 * 451 are DONT_HAVE; other answers and failures count against the server, which is dropped after
 * {@link #MAX_FAILURES} in a row. A provider becomes a peer once {@code HEAD /ipfs/bafkqaaa}
 * (the empty identity block, which every gateway has) answers 200. Redirects are not followed.
 */
final class HttpPeers implements AutoCloseable {
    private static final System.Logger LOG = LazyLogger.of(HttpPeers.class);
    /** The Trustless Gateway's probe path: the identity CID of no bytes. */
    static final String PROBE = "bafkqaaa";
    static final String RAW = "application/vnd.ipld.raw";
    /** Failures in a row after which a server is no longer asked. */
    static final int MAX_FAILURES = 3;
    /** The most HTTP providers asked at once: each costs its wants' state. */
    static final int MAX_PEERS = 128;
    /** How long a server whose probe failed, or that was dropped, is not probed again (boxo's cooldown). */
    static final Duration COOLDOWN = Duration.ofMinutes(1);
    /** The most servers remembered as cooling down. */
    static final int MAX_COOLING = 1024;
    /** The most requests waiting for a worker: the engine's wants per peer times the peers, and no more. */
    static final int MAX_QUEUED = 1024 * MAX_PEERS;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    /** What the requests tell the Bitswap service. */
    interface Events {
        /** The server said it has, or has not, the block. */
        void presence(PeerId peer, Presence presence);

        /** The server sent the block, checked against its CID. */
        void block(PeerId peer, Block block);

        /** The server sent something that is not the block asked for (counted, logged). */
        void refused(PeerId peer, Cid cid, String why);

        /** The server is no longer asked: its wants move on. */
        void disconnected(PeerId peer);
    }

    private record Server(URI base, AtomicInteger failures) {
    }

    private record Key(PeerId peer, Multihash block) {
    }

    private final HttpRetrieval config;
    private final Events events;
    private final Map<PeerId, Server> servers = new ConcurrentHashMap<>();
    private final Map<Key, FutureTask<?>> inFlight = new ConcurrentHashMap<>();
    /** Base URLs not to probe before the time (System.nanoTime) they map to. */
    private final Map<URI, Long> cooling = new ConcurrentHashMap<>();
    /** {@code workers} threads at most, none while idle. */
    private final ThreadPoolExecutor pool;
    /** Made when the first provider is probed: a node that never meets one starts no HTTP client. */
    private final java.util.concurrent.atomic.AtomicReference<HttpClient> client = new java.util.concurrent.atomic.AtomicReference<>();
    private volatile boolean closed;

    HttpPeers(HttpRetrieval config, Events events) {
        this.config = config;
        this.events = events;
        this.pool = new ThreadPoolExecutor(config.workers(), config.workers(), 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(MAX_QUEUED), r -> {
            Thread t = new Thread(r, "p2pkit-bitswap-http");
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
    }

    private HttpClient http() {
        HttpClient c = client.get();
        if (c != null) {
            return c;
        }
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(CONNECT_TIMEOUT);
        HttpClient made = (config.insecure() ? b.sslContext(io.p2pkit.core.security.tls.UncheckedCertificates.context())
                : b).build();
        if (client.compareAndSet(null, made)) {
            return made;
        }
        made.close(); // another thread made one first
        return client.get();
    }

    /** Whether {@code peer} is asked over HTTPS. */
    boolean isPeer(PeerId peer) {
        return servers.containsKey(peer);
    }

    /** The HTTPS endpoint the settings would use for {@code provider}, if it names one. */
    Optional<URI> endpoint(PeerInfo provider) {
        return config.endpoint(provider.addresses());
    }

    /**
     * Probes {@code provider}'s HTTPS endpoint, blocking, and makes it a peer when it answers 200.
     *
     * @return whether it is a peer now (also when it already was)
     */
    boolean connect(PeerInfo provider, URI base) {
        if (servers.containsKey(provider.peerId())) {
            return true;
        }
        if (closed || servers.size() >= MAX_PEERS) {
            return false;
        }
        Long until = cooling.get(base);
        if (until != null) {
            if (until - System.nanoTime() > 0) {
                return false; // failed lately: every lookup naming it would otherwise wait on it again
            }
            cooling.remove(base, until);
        }
        try {
            HttpResponse<Void> r = http().send(request(base, PROBE).method("HEAD", HttpRequest.BodyPublishers.noBody())
                    .build(), HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() != 200) {
                LOG.log(System.Logger.Level.DEBUG, () -> "bitswap: HTTP provider " + base + " answered the probe with "
                        + r.statusCode());
                coolDown(base);
                return false;
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "bitswap: HTTP provider " + base + " cannot be reached: " + e);
            coolDown(base);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        servers.putIfAbsent(provider.peerId(), new Server(base, new AtomicInteger()));
        return true;
    }

    /** Asks the server for the entries: requests for wants, cancels for the requests of cancelled ones. */
    void send(PeerId peer, List<WantEntry> entries) {
        Server server = servers.get(peer);
        if (server == null || closed) {
            return;
        }
        for (WantEntry e : entries) {
            Key key = new Key(peer, e.cid().multihash());
            if (e.cancel()) {
                FutureTask<?> asked = inFlight.remove(key);
                if (asked != null) {
                    asked.cancel(true);
                }
                continue;
            }
            Request task = new Request(key, () -> ask(peer, server, e));
            FutureTask<?> before = inFlight.put(key, task);
            if (before != null && e.type() == WantType.BLOCK) {
                before.cancel(true); // the block itself is asked now: the HEAD is moot
            }
            try {
                pool.execute(task);
            } catch (java.util.concurrent.RejectedExecutionException full) {
                inFlight.remove(key, task); // closed, or the queue is full: the want moves on
                if (e.sendDontHave() && !closed) {
                    events.presence(peer, new Presence(e.cid(), false));
                }
            }
        }
    }

    /** One request in flight, which leaves the map when it ends or is cancelled. */
    private final class Request extends FutureTask<Void> {
        private final Key key;

        Request(Key key, Runnable ask) {
            super(ask, null);
            this.key = key;
        }

        @Override
        protected void done() {
            inFlight.remove(key, this);
        }
    }

    private void ask(PeerId peer, Server server, WantEntry e) {
        Cid cid = e.cid();
        try {
            if (e.type() == WantType.HAVE) {
                HttpResponse<Void> r = http().send(request(server.base(), cid.toString())
                        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
                answered(peer, server, e, r.statusCode(), null);
                return;
            }
            HttpResponse<InputStream> r = http().send(request(server.base(), cid.toString()).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            byte[] body;
            try (InputStream in = r.body()) {
                body = r.statusCode() == 200 ? in.readNBytes(config.maxBlockSize() + 1) : null;
            }
            answered(peer, server, e, r.statusCode(), body);
        } catch (IOException x) {
            if (!Thread.currentThread().isInterrupted()) {
                failed(peer, server, e, x.toString());
            }
        } catch (InterruptedException x) {
            Thread.currentThread().interrupt(); // cancelled: the want is over
        }
    }

    private void answered(PeerId peer, Server server, WantEntry e, int status, byte[] body) {
        switch (status) {
            case 200 -> {
                server.failures().set(0);
                if (body == null) {
                    events.presence(peer, new Presence(e.cid(), true));
                    return;
                }
                if (body.length > config.maxBlockSize()) {
                    refused(peer, e, "more than " + config.maxBlockSize() + " bytes");
                    return;
                }
                try {
                    events.block(peer, Block.verified(e.cid(), body));
                } catch (BlockMismatchException x) {
                    refused(peer, e, x.getMessage());
                }
            }
            case 404, 410, 451 -> {
                server.failures().set(0);
                if (e.sendDontHave()) {
                    events.presence(peer, new Presence(e.cid(), false));
                }
            }
            default -> failed(peer, server, e, "answered " + status);
        }
    }

    private void refused(PeerId peer, WantEntry e, String why) {
        events.refused(peer, e.cid(), why);
        events.presence(peer, new Presence(e.cid(), false)); // the want moves on to another peer
    }

    private void failed(PeerId peer, Server server, WantEntry e, String why) {
        LOG.log(System.Logger.Level.DEBUG, () -> "bitswap: HTTP provider " + server.base() + " failed on " + e.cid()
                + ": " + why);
        if (e.sendDontHave()) {
            events.presence(peer, new Presence(e.cid(), false));
        }
        if (server.failures().incrementAndGet() >= MAX_FAILURES) {
            disconnect(peer, server.base() + " failed " + MAX_FAILURES + " times in a row (last: " + why + ")");
        }
    }

    private void coolDown(URI base) {
        if (cooling.size() >= MAX_COOLING) {
            long now = System.nanoTime();
            cooling.values().removeIf(t -> t - now <= 0);
            if (cooling.size() >= MAX_COOLING) {
                return; // a flood of dead servers: they are probed again rather than remembered without bound
            }
        }
        cooling.put(base, System.nanoTime() + COOLDOWN.toNanos());
    }

    private void disconnect(PeerId peer, String why) {
        Server gone = servers.remove(peer);
        if (gone == null) {
            return;
        }
        coolDown(gone.base());
        LOG.log(System.Logger.Level.INFO, () -> "bitswap: no longer asking HTTP provider " + peer + ": " + why);
        inFlight.forEach((k, task) -> {
            if (k.peer().equals(peer) && inFlight.remove(k, task)) {
                task.cancel(true);
            }
        });
        events.disconnected(peer);
    }

    private static HttpRequest.Builder request(URI base, String cid) {
        return HttpRequest.newBuilder(base.resolve("/ipfs/" + cid + "?format=raw")).timeout(REQUEST_TIMEOUT)
                .header("Accept", RAW);
    }

    @Override
    public void close() {
        closed = true;
        servers.clear();
        inFlight.values().forEach(t -> t.cancel(true));
        inFlight.clear();
        pool.shutdownNow();
        HttpClient c = client.get();
        if (c != null) {
            c.shutdownNow();
        }
    }
}
