package io.p2pkit.node.ipnsps;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.kad.record.IpnsValidator;
import io.p2pkit.pubsub.PubSub;
import io.p2pkit.pubsub.PublishException;
import io.p2pkit.pubsub.PubsubListener;
import io.p2pkit.pubsub.PubsubMessage;
import io.p2pkit.pubsub.Subscription;
import io.p2pkit.pubsub.ValidationResult;

import java.io.Closeable;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * IPNS over pubsub, as Kubo's {@code --enable-namesys-pubsub} runs it (go-libp2p-pubsub-router's
 * value store, IPNS keys only). Each name is a topic, {@code /record/} + base64url without padding
 * of the record key {@code /ipns/<peer ID bytes>}, whose messages are the raw marshalled records.
 * Publishing or resolving a name subscribes to its topic; the node keeps the best valid record
 * received there ({@link RecordVerdict}), forwards only records better than the one it holds,
 * republishes what it holds every {@link #REBROADCAST}, and asks each peer that joins the topic for
 * its record over {@code /libp2p/fetch/0.0.1} (answering the same questions), so that a late joiner
 * learns a name without waiting for its next publication. Every record received, over pubsub or
 * fetch, is validated before use; the invalid ones are dropped and counted ({@link #invalidRecords()}).
 */
public final class IpnsPubsub implements Closeable {
    /** How often held records are republished (Kubo sets a minute). */
    public static final Duration REBROADCAST = Duration.ofMinutes(1);
    /** The most names subscribed at once, each a topic and a held record. */
    static final int MAX_NAMES = 1024;
    private static final System.Logger LOG = LazyLogger.of(IpnsPubsub.class);

    private final Host host;
    private final PubSub pubsub;
    private final Clock clock;
    private final FetchProtocol fetch;
    /** The subscribed names, by topic. */
    private final Map<String, Name> names = new ConcurrentHashMap<>();
    /** Held while names are subscribed or cancelled. */
    private final ReentrantLock subscribing = new ReentrantLock();
    private final AtomicLong invalid = new AtomicLong();
    private final ScheduledFuture<?> rebroadcast;

    /** One subscribed name: its topic and the best record held. */
    private static final class Name {
        final PeerId id;
        final String topic;
        /** Orders the judging and storing of records for this name. */
        final ReentrantLock writing = new ReentrantLock();
        final List<CompletableFuture<byte[]>> waiting = new CopyOnWriteArrayList<>();
        volatile byte[] record;
        volatile Subscription subscription;
        /** Done when the peers that were on the topic at subscription have answered (or not). */
        volatile CompletableFuture<Void> firstFetches = CompletableFuture.completedFuture(null);

        Name(PeerId id) {
            this.id = id;
            this.topic = topic(id);
        }
    }

    private IpnsPubsub(Host host, PubSub pubsub, Clock clock, Duration interval) {
        this.host = host;
        this.pubsub = pubsub;
        this.clock = clock;
        this.fetch = FetchProtocol.attach(host, this::held);
        pubsub.addListener(new PubsubListener() {
            @Override
            public void peerJoined(String topic, PeerId peer) {
                Name n = names.get(topic);
                if (n != null) { // called on pubsub's owner thread: fetch elsewhere
                    Thread.ofVirtual().name("ipns-pubsub-fetch").start(() -> fetchFrom(n, peer));
                }
            }
        });
        long every = interval.toMillis();
        this.rebroadcast = host.scheduler().scheduleAtFixedRate(
                () -> Thread.ofVirtual().name("ipns-pubsub-rebroadcast").start(this::rebroadcast),
                every + 100, every, TimeUnit.MILLISECONDS);
    }

    /** IPNS over {@code pubsub} on {@code host}, closed with the host. */
    public static IpnsPubsub start(Host host, PubSub pubsub) {
        return start(host, pubsub, Clock.systemUTC(), REBROADCAST);
    }

    /** With another clock and rebroadcast interval (tests). */
    static IpnsPubsub start(Host host, PubSub pubsub, Clock clock, Duration rebroadcast) {
        IpnsPubsub p = new IpnsPubsub(host, pubsub, clock, rebroadcast);
        host.addService(p);
        return p;
    }

    /** The topic of {@code name}'s records: {@code /record/} + base64url-unpadded({@code /ipns/} + ID bytes). */
    public static String topic(PeerId name) {
        return "/record/" + Base64.getUrlEncoder().withoutPadding().encodeToString(IpnsValidator.keyFor(name));
    }

    /**
     * Publishes {@code record} of {@code name}: subscribes to the name's topic, holds the record
     * and sends it to the topic, unless a better one is held already (then nothing is sent, as Kubo).
     *
     * @throws IllegalArgumentException when it is not a valid record of the name
     * @throws IOException              when pubsub cannot send it
     */
    public void put(PeerId name, byte[] record) throws IOException {
        Name n = subscribe(name);
        RecordVerdict v = offer(n, record, false);
        if (v == RecordVerdict.INVALID) {
            throw new IllegalArgumentException("not a valid IPNS record of " + name);
        }
        if (v == RecordVerdict.WORSE) {
            return;
        }
        send(n, record);
    }

    /**
     * The best record of {@code name} received over pubsub. Subscribes to the name's topic if it is
     * not yet; a new subscription asks the topic's peers for their record first (within
     * {@link FetchProtocol#TIMEOUT}). Without a record then, waits up to {@code wait} for one.
     */
    public Optional<byte[]> resolve(PeerId name, Duration wait) throws InterruptedException {
        Name n = subscribe(name);
        CompletableFuture<byte[]> next = new CompletableFuture<>();
        n.waiting.add(next); // before looking, so that a record arriving meanwhile is not missed
        try {
            Optional<byte[]> now = held(n);
            if (now.isPresent()) {
                return now;
            }
            long end = System.nanoTime() + wait.toNanos();
            try {
                CompletableFuture.anyOf(next, n.firstFetches).get(FetchProtocol.TIMEOUT.toMillis() + 1000,
                        TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // no peer answered in time: what was held is the answer, or what arrives by the deadline
            }
            now = held(n);
            long left = end - System.nanoTime();
            if (now.isPresent() || left <= 0) {
                return now;
            }
            try {
                next.get(left, TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // the deadline passed with no record
            }
            return held(n);
        } finally {
            n.waiting.remove(next);
        }
    }

    /** The names subscribed to, in no particular order. */
    public List<PeerId> subscriptions() {
        return names.values().stream().map(n -> n.id).toList();
    }

    /**
     * Ends the subscription to {@code name}'s topic and forgets its record.
     *
     * @return whether there was one
     * @throws IllegalStateException while a resolution waits on it (Kubo's {@code key has active subscriptions})
     */
    public boolean cancel(PeerId name) {
        subscribing.lock();
        try {
            Name n = names.get(topic(name));
            if (n == null) {
                return false;
            }
            if (!n.waiting.isEmpty()) {
                throw new IllegalStateException("key has active subscriptions");
            }
            names.remove(n.topic);
            n.subscription.cancel();
            pubsub.join(n.topic).validator(null);
            return true;
        } finally {
            subscribing.unlock();
        }
    }

    /** How many records received (over pubsub or fetched) were invalid and dropped. */
    public long invalidRecords() {
        return invalid.get();
    }

    private Name subscribe(PeerId id) {
        String topic = topic(id);
        Name n = names.get(topic);
        if (n != null) {
            return n;
        }
        List<PeerId> present;
        subscribing.lock();
        try {
            n = names.get(topic);
            if (n != null) {
                return n;
            }
            if (names.size() >= MAX_NAMES) {
                throw new IllegalStateException("too many IPNS pubsub subscriptions (" + MAX_NAMES
                        + "): cancel some with name pubsub cancel");
            }
            Name created = new Name(id);
            var t = pubsub.join(topic);
            t.validator((source, m) -> validate(created, source, m)); // before subscribing, as Kubo
            created.subscription = t.subscribe(m -> offer(created, m.data(), false));
            names.put(topic, created);
            n = created;
            present = List.copyOf(pubsub.topicPeers(topic));
        } finally {
            subscribing.unlock();
        }
        Name subscribed = n;
        List<CompletableFuture<Void>> asked = new ArrayList<>();
        for (PeerId p : present) {
            asked.add(CompletableFuture.runAsync(() -> fetchFrom(subscribed, p),
                    r -> Thread.ofVirtual().name("ipns-pubsub-fetch").start(r)));
        }
        n.firstFetches = CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new));
        return n;
    }

    /** Kubo's topic validator: refuse invalid records, pass on only better ones (or our own publication). */
    private ValidationResult validate(Name n, PeerId source, PubsubMessage m) {
        RecordVerdict v = RecordVerdict.judge(n.id, m.data(), n.record, clock.instant());
        return switch (v) {
            case INVALID -> {
                invalid.incrementAndGet();
                yield ValidationResult.REJECT;
            }
            case BETTER -> ValidationResult.ACCEPT;
            case SAME -> source.equals(host.peerId()) ? ValidationResult.ACCEPT : ValidationResult.IGNORE;
            case WORSE -> ValidationResult.IGNORE;
        };
    }

    /** Holds {@code record} if it is better than the held one, and tells whoever waits. */
    private RecordVerdict offer(Name n, byte[] record, boolean fetched) {
        n.writing.lock();
        try {
            RecordVerdict v = RecordVerdict.judge(n.id, record, n.record, clock.instant());
            if (v == RecordVerdict.INVALID && fetched) {
                invalid.incrementAndGet(); // pubsub's validator counted those that came by pubsub
            }
            if (v == RecordVerdict.BETTER) {
                n.record = record;
                n.waiting.forEach(w -> w.complete(record));
            }
            return v;
        } finally {
            n.writing.unlock();
        }
    }

    private void fetchFrom(Name n, PeerId peer) {
        if (peer.equals(host.peerId())) {
            return;
        }
        try {
            fetch.fetch(peer, IpnsValidator.keyFor(n.id)).ifPresent(r -> offer(n, r, true));
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "no IPNS record of " + n.id + " fetched from " + peer + ": " + e);
        }
    }

    private void send(Name n, byte[] record) throws IOException {
        try {
            pubsub.join(n.topic).publish(record);
        } catch (PublishException e) {
            switch (e.reason()) {
                // held, and fetched by whoever joins later, as with Kubo publishing to nobody
                case NO_PEERS, DUPLICATE -> { }
                default -> throw new IOException("could not publish on " + n.topic + ": " + e.getMessage(), e);
            }
        }
    }

    private void rebroadcast() {
        for (Name n : names.values()) {
            Optional<byte[]> r = held(n);
            if (r.isPresent()) {
                try {
                    send(n, r.get());
                } catch (IOException | RuntimeException e) {
                    LOG.log(System.Logger.Level.DEBUG, "rebroadcast of " + n.id + " failed: " + e.getMessage());
                }
            }
        }
    }

    /** The held record of the name whose key is {@code key}, while it is valid (the fetch protocol's answer). */
    private Optional<byte[]> held(byte[] key) {
        Name n = names.get("/record/" + Base64.getUrlEncoder().withoutPadding().encodeToString(key));
        return n == null ? Optional.empty() : held(n);
    }

    private Optional<byte[]> held(Name n) {
        byte[] r = n.record;
        if (r == null || RecordVerdict.judge(n.id, r, null, clock.instant()) == RecordVerdict.INVALID) {
            return Optional.empty(); // expired since it came
        }
        return Optional.of(r);
    }

    /** Stops rebroadcasting and answering fetches; pubsub's subscriptions end with pubsub. */
    @Override
    public void close() {
        rebroadcast.cancel(false);
        fetch.close();
        names.values().forEach(n -> n.subscription.cancel());
        names.clear();
    }
}
