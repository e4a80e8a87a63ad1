package io.p2pkit.ipfs.repo;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.pin.Pin;
import io.p2pkit.ipfs.pin.PinType;
import io.p2pkit.ipfs.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pins survive {@code kill -9}: a child JVM records pins in a {@link MetadataStore}, printing each
 * after {@code put} returned; the test kills it (SIGKILL) after a random number of them, reopens
 * the store and finds every printed pin, with its name and type, and the multihash index in step;
 * then a second child goes on in the same store and is killed too. MVStore commits are append-only chunks, so the kill can at most lose the commit in
 * flight; the store holds exactly the child's first pins, in order.
 */
class MetadataCrashTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void everyAcknowledgedPinSurvivesKillNine() throws Exception {
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        Path file = dir.resolve("datastore").resolve(MetadataStore.FILE);
        List<Cid> acknowledged = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            int killAfter = random.nextInt(50, 300);
            String context = "seed " + seed + ", round " + round + ", kill after " + killAfter;
            int first = acknowledged.size();
            try (ChildJvm child = ChildJvm.start(PinWriter.class, dir.resolve("child.err"), file.toString(),
                    Integer.toString(first), "100000")) {
                assertEquals("open", child.nextLine(Duration.ofSeconds(60)), context);
                while (acknowledged.size() < first + killAfter) {
                    acknowledged.add(parse(child.nextLine(Duration.ofSeconds(60))));
                }
                child.kill9();
                for (String line : child.remainingLines(Duration.ofSeconds(30))) {
                    if (line.endsWith(" ok")) {
                        acknowledged.add(parse(line));
                    }
                }
            }
            try (MetadataStore store = MetadataStore.open(file)) {
                Set<Cid> stored = new HashSet<>();
                for (PinType t : List.of(PinType.RECURSIVE, PinType.DIRECT)) {
                    store.list(t).forEach(p -> stored.add(p.cid()));
                }
                for (int i = 0; i < acknowledged.size(); i++) {
                    Cid cid = acknowledged.get(i);
                    assertEquals(PinWriter.cidOf(i), cid, context);
                    PinType type = i % 2 == 0 ? PinType.RECURSIVE : PinType.DIRECT;
                    assertEquals(new Pin(cid, type, "pin " + i), store.get(cid, type).orElseThrow(
                            () -> new AssertionError(context + ": lost pin " + cid)), context);
                    assertTrue(store.isPinned(cid.multihash()), context);
                }
                // Beyond the acknowledged ones, the store may hold the pin in flight and pins whose
                // "ok" the child printed but this side did not read before the kill ended its
                // output (seen: 2 beyond 222). What it holds must be exactly the child's first pins,
                // in order: nothing else, no gap.
                assertTrue(stored.size() >= acknowledged.size(),
                        context + ": " + stored.size() + " stored, " + acknowledged.size() + " acknowledged");
                for (int i = 0; i < stored.size(); i++) {
                    assertTrue(stored.contains(PinWriter.cidOf(i)), context + ": pin " + i + " missing of "
                            + stored.size() + " stored (" + acknowledged.size() + " acknowledged)");
                }
                System.out.printf("metadata crash round %d (%s): %d pins acknowledged in all, %d stored%n", round, context,
                        acknowledged.size(), stored.size());
                while (acknowledged.size() < stored.size()) {
                    acknowledged.add(PinWriter.cidOf(acknowledged.size())); // landed: the next child goes on after it
                }
            }
        }
    }

    private static Cid parse(String line) {
        if (!line.startsWith("pin ") || !line.endsWith(" ok")) {
            throw new AssertionError("unexpected child output '" + line + "'");
        }
        return Cid.parse(line.substring(4, line.length() - 3));
    }
}
