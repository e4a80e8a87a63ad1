package io.p2pkit.node.names;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.kad.record.IpnsRecord;
import io.p2pkit.kad.record.IpnsRecordSigner;
import io.p2pkit.node.NodeConfig;

import java.io.Closeable;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps the IPNS names a node published alive, as Kubo's republisher does: every period, each of
 * the node's keys whose name it published (the last record is in {@link PublishedNames}) gets that
 * record signed again with the same value, sequence and TTL, valid for the configured lifetime
 * from now (or until the old record's end, if later), published and kept. Without this, a record
 * lapses when its validity ends (48 hours by default) and DHT servers drop it sooner.
 */
public final class NameRepublisher implements Closeable {
    private static final Logger LOG = Logger.getLogger(NameRepublisher.class.getName());
    /** After a round that failed, the next is this soon (boxo's {@code FailureRetryInterval}). */
    static final Duration RETRY = Duration.ofMinutes(5);

    /** Puts a signed record where names are published. */
    @FunctionalInterface
    public interface Publish {
        /**
         * @return how many places took it (DHT servers, delegated routers, pubsub)
         * @throws IOException when publishing failed
         */
        int publish(PeerId name, byte[] record) throws IOException;
    }

    /** The keys whose names may be republished: the node's own and its keystore's. */
    @FunctionalInterface
    public interface Keys {
        /** @return every key, read when a round starts (keys come and go) */
        List<PrivateKey> all() throws IOException;
    }

    /** What one round did. */
    public record Round(int republished, int failed) {
    }

    private final Keys keys;
    private final PublishedNames names;
    private final Publish publish;
    private final NodeConfig.IpnsRepublish config;
    private final Clock clock;
    private final ScheduledExecutorService timer;

    private NameRepublisher(Keys keys, PublishedNames names, Publish publish, NodeConfig.IpnsRepublish config, Clock clock) {
        this.keys = keys;
        this.names = names;
        this.publish = publish;
        this.config = config;
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("ipns-republisher").factory());
    }

    /**
     * Starts republishing: the first round after {@code config.initialDelay()}, then every period.
     *
     * @return the running republisher; {@link #close()} stops it
     */
    public static NameRepublisher start(Keys keys, PublishedNames names, Publish publish, NodeConfig.IpnsRepublish config) {
        NameRepublisher r = new NameRepublisher(keys, names, publish, config, Clock.systemUTC());
        r.schedule(config.initialDelay());
        return r;
    }

    private void schedule(Duration after) {
        if (!timer.isShutdown()) {
            timer.schedule(this::scheduledRound, after.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void scheduledRound() {
        Duration next = config.period();
        try {
            Round r = republishAll();
            if (r.republished() + r.failed() > 0) {
                LOG.info("republished " + r.republished() + " IPNS name" + (r.republished() == 1 ? "" : "s")
                        + (r.failed() > 0 ? "; " + r.failed() + " reached no one" : ""));
            }
            if (r.failed() > 0 && RETRY.compareTo(next) < 0) {
                next = RETRY;
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.INFO, "IPNS republishing failed: " + e.getMessage(), e);
            if (RETRY.compareTo(next) < 0) {
                next = RETRY;
            }
        }
        schedule(next);
    }

    /**
     * One round now: every key whose name was published here, each name once.
     *
     * @throws IOException when the keys cannot be read
     */
    public Round republishAll() throws IOException {
        Map<PeerId, PrivateKey> byName = new LinkedHashMap<>();
        for (PrivateKey key : keys.all()) {
            byName.putIfAbsent(key.publicKey().toPeerId(), key);
        }
        int republished = 0;
        int failed = 0;
        for (Map.Entry<PeerId, PrivateKey> e : byName.entrySet()) {
            Optional<Boolean> reached;
            try {
                // under the names' lock: a 'name publish' meanwhile must not be undone by the older record
                reached = names.locked(() -> {
                    Optional<IpnsRecord> last = names.last(e.getKey());
                    return last.isEmpty() ? Optional.<Boolean>empty() // never published from here
                            : Optional.of(republish(e.getKey(), e.getValue(), last.get()));
                });
            } catch (IOException | RuntimeException x) {
                LOG.log(Level.INFO, "republishing " + e.getKey() + " failed: " + x.getMessage(), x);
                failed++;
                continue;
            }
            if (reached.isPresent()) {
                if (reached.get()) {
                    republished++;
                } else {
                    failed++;
                }
            }
        }
        return new Round(republished, failed);
    }

    /** Signs {@code last} again with a new end of validity and publishes it; false when no one took it. */
    private boolean republish(PeerId name, PrivateKey key, IpnsRecord last) throws IOException {
        Instant end = clock.instant().plus(config.lifetime());
        if (last.validUntil().isAfter(end)) {
            end = last.validUntil();
        }
        byte[] record = IpnsRecordSigner.sign(key, last.valueText(), last.sequence(), end,
                Duration.ofNanos(last.ttlNanos()));
        int reached = publish.publish(name, record);
        names.save(name, record);
        return reached > 0;
    }

    /** Stops the rounds; one under way is interrupted. */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
