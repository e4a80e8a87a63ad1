package io.p2pkit.node.exchange;

import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.ipfs.pin.GcResult;
import io.p2pkit.ipfs.repo.RepoStat;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.NodeConfig;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Kubo's {@code daemon --enable-gc}: every period the repository's size is measured, and past the
 * watermark (a share of {@code StorageMax}) {@code repo gc} runs. A round runs on a thread of its
 * own, so that the host's scheduler is never held by a collection, and a round still running when
 * the next is due makes the next one skip.
 */
final class PeriodicGc implements AutoCloseable {
    private static final System.Logger LOG = LazyLogger.of(PeriodicGc.class);

    private final Repository repo;
    private final NodeConfig.Gc settings;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile ScheduledFuture<?> schedule;
    private volatile Thread round;

    PeriodicGc(Repository repo, NodeConfig.Gc settings) {
        this.repo = repo;
        this.settings = settings;
    }

    /** Starts the rounds, the first one period from now (as Kubo's). */
    PeriodicGc start(ScheduledExecutorService scheduler) {
        long millis = Math.max(1, settings.period().toMillis());
        schedule = scheduler.scheduleWithFixedDelay(this::launch, millis, millis, TimeUnit.MILLISECONDS);
        return this;
    }

    private void launch() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        round = Thread.ofVirtual().name("p2pkit-periodic-gc").start(() -> {
            try {
                collectIfPastWatermark();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, () -> "periodic repo gc failed: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                running.set(false);
            }
        });
    }

    /**
     * One round: collects when the repository is past the watermark.
     *
     * @return what was collected, or empty when the repository is below the watermark
     * @throws IOException          when the repository cannot be measured or collected
     * @throws InterruptedException when interrupted while waiting for adds to pin
     */
    Optional<GcResult> collectIfPastWatermark() throws IOException, InterruptedException {
        RepoStat stat = repo.stat();
        // Kubo's arithmetic: StorageMax × watermark / 100, compared with the whole repository's size
        long watermark = stat.storageMax() / 100 * settings.watermarkPercent()
                + stat.storageMax() % 100 * settings.watermarkPercent() / 100;
        if (stat.repoSize() <= watermark) {
            return Optional.empty();
        }
        if (stat.repoSize() > stat.storageMax()) {
            LOG.log(System.Logger.Level.WARNING, () -> "the repository's " + stat.repoSize() + " bytes are over its "
                    + "StorageMax of " + stat.storageMax() + ": unpin some content");
        }
        LOG.log(System.Logger.Level.INFO, () -> "the repository's " + stat.repoSize() + " bytes are past the GC watermark ("
                + settings.watermarkPercent() + " % of StorageMax " + stat.storageMax() + "): collecting garbage");
        GcResult r = repo.gc(List.of());
        LOG.log(System.Logger.Level.INFO, () -> "periodic repo gc removed " + r.removed() + " blocks (" + r.removedBytes()
                + " bytes), kept " + r.kept());
        return Optional.of(r);
    }

    /** Stops the rounds, and waits (10 s at most) for one that is running, so that the repository closes after it. */
    @Override
    public void close() {
        ScheduledFuture<?> s = schedule;
        if (s != null) {
            s.cancel(false);
        }
        Thread t = round;
        if (t != null && running.get()) {
            t.interrupt();
            try {
                t.join(java.time.Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
