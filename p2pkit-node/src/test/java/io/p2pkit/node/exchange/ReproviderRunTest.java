package io.p2pkit.node.exchange;

import io.p2pkit.ipfs.block.Block;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.codec.Codecs;
import io.p2pkit.ipfs.repo.OpenOptions;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A reprovide run's end: once {@link Reprovider#lastRun()} shows it, the next run may start. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReproviderRunTest {
    @TempDir
    Path dir;

    @Test
    void whoeverSeesTheRunEndedMayStartTheNext() throws Exception {
        Repository.init(dir, RepoConfig.defaults());
        try (Repository repo = Repository.open(dir, OpenOptions.of(Codecs.standard()))) {
            repo.blocks().put(Block.create(Multicodec.RAW, Multicodec.SHA2_256, "a key".getBytes(StandardCharsets.UTF_8)));
            AtomicInteger announced = new AtomicInteger();
            Reprovider r = new Reprovider(key -> {
                announced.incrementAndGet();
                return 1;
            }, repo, Codecs.standard(), ReprovideStrategy.ALL);
            // The run's own log line comes after its work and before it returns: a reader there
            // that finds the run ended starts another at once, from another thread, as an RPC
            // client that polled lastRun() would (the race RpcProvideTest met once).
            List<Throwable> refused = new CopyOnWriteArrayList<>();
            AtomicInteger lines = new AtomicInteger();
            Logger log = Logger.getLogger(Reprovider.class.getName());
            Handler probe = new Handler() {
                @Override
                public void publish(LogRecord record) {
                    if (record.getMessage() == null || !record.getMessage().startsWith("reprovided")) {
                        return;
                    }
                    lines.incrementAndGet();
                    if (r.lastRun().isEmpty() || lines.get() > 1) {
                        return;
                    }
                    Thread next = Thread.ofPlatform().start(() -> {
                        try {
                            r.reprovide();
                        } catch (Exception | Error e) {
                            refused.add(e);
                        }
                    });
                    try {
                        next.join(TimeUnit.SECONDS.toMillis(20));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }

                @Override
                public void flush() {
                }

                @Override
                public void close() {
                }
            };
            log.addHandler(probe);
            try {
                Reprovider.Run run = r.reprovide();
                assertTrue(run.keys() >= 1, "the block (and what init wrote) announced");
                assertTrue(lines.get() >= 1, "the run logged its end, so the probe looked");
                assertEquals(List.of(), refused, "a run seen as ended still held the lock");
                assertTrue(r.lastRun().isPresent());
                Reprovider.Run again = r.reprovide();
                assertEquals(run.keys(), again.keys());
                assertEquals(run.keys() * 2, r.stats().totalKeys(), "both runs counted");
            } finally {
                log.removeHandler(probe);
            }
        }
    }
}
