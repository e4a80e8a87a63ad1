package io.p2pkit.node.exchange;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multihash;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sweeping provider's keystore: keys by slice of the key space, read a slice range at a time. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SweepKeystoreTest {
    @TempDir
    Path dir;

    private static List<Multihash> keys(int n, String tag) {
        return ProvideQueueTest.cids(n, tag).stream().map(Cid::multihash).toList();
    }

    private static List<Multihash> readAll(SweepKeystore store, int from, int to, int batch, List<Integer> sizes)
            throws Exception {
        List<Multihash> out = new ArrayList<>();
        store.read(from, to, batch, () -> false, b -> {
            sizes.add(b.size());
            out.addAll(b);
        });
        return out;
    }

    @Test
    void eachSliceHoldsItsKeysOnce() throws Exception {
        SweepKeystore store = new SweepKeystore(dir);
        assertFalse(store.exists());
        List<Multihash> all = keys(3000, "k ");
        assertEquals(3000, store.replace(all.iterator(), () -> false));
        assertTrue(store.exists());
        List<Integer> sizes = new ArrayList<>();
        List<Multihash> first = readAll(store, 0, 128, 500, sizes);
        assertTrue(first.stream().allMatch(k -> SweepKeystore.slice(k) < 128));
        assertTrue(sizes.stream().allMatch(s -> s <= 500), "batches of at most 500: " + sizes);
        List<Multihash> rest = readAll(new SweepKeystore(dir), 128, SweepKeystore.SLICES, 500, new ArrayList<>());
        assertTrue(rest.stream().allMatch(k -> SweepKeystore.slice(k) >= 128));
        Set<Multihash> seen = new HashSet<>(first);
        seen.addAll(rest);
        assertEquals(new HashSet<>(all), seen);
        assertEquals(3000, first.size() + rest.size(), "every key once");
        // in key-space order, slice by slice
        List<Integer> slices = first.stream().map(SweepKeystore::slice).toList();
        assertEquals(slices.stream().sorted().toList(), slices);

        // a new cycle's keys replace the old ones
        List<Multihash> next = keys(10, "next ");
        assertEquals(10, store.replace(next.iterator(), () -> false));
        assertEquals(new HashSet<>(next), new HashSet<>(readAll(store, 0, SweepKeystore.SLICES, 100, new ArrayList<>())));
        assertFalse(Files.exists(dir.resolve(SweepKeystore.DIR + ".new")));
        assertFalse(Files.exists(dir.resolve(SweepKeystore.DIR + ".old")));
    }

    @Test
    void keysJoinOnlyTheSlicesNotYetRead() throws Exception {
        SweepKeystore store = new SweepKeystore(dir);
        store.replace(List.<Multihash>of().iterator(), () -> false);
        assertTrue(readAll(store, 0, 100, 10, new ArrayList<>()).isEmpty());
        List<Multihash> added = keys(2000, "added ");
        store.add(added);
        store.add(added.subList(0, 5)); // announced again: read once per batch
        List<Multihash> later = readAll(store, 0, SweepKeystore.SLICES, 100_000, new ArrayList<>());
        Set<Multihash> expected = new HashSet<>();
        for (Multihash k : added) {
            if (SweepKeystore.slice(k) >= 100) {
                expected.add(k);
            }
        }
        assertTrue(expected.size() > 1000 && expected.size() < 2000, "some keys fall on each side");
        assertEquals(expected, new HashSet<>(later));
        assertEquals(expected.size(), later.size(), "each once");
    }

    @Test
    void keysAnnouncedWhileANewKeystoreIsWrittenJoinIt() throws Exception {
        SweepKeystore store = new SweepKeystore(dir);
        List<Multihash> during = keys(50, "during ");
        List<Multihash> all = keys(100, "all ");
        var it = all.iterator();
        store.replace(new java.util.Iterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public Multihash next() {
                store.add(List.of(during.get(0))); // from another thread in a node
                return it.next();
            }
        }, () -> false);
        Set<Multihash> read = new HashSet<>(readAll(store, 0, SweepKeystore.SLICES, 1000, new ArrayList<>()));
        assertTrue(read.containsAll(all));
        assertTrue(read.contains(during.get(0)));
        assertEquals(101, read.size());
    }

    @Test
    void aDamagedEntryEndsItsSliceAndLeftoversOfACrashAreIgnored() throws Exception {
        SweepKeystore store = new SweepKeystore(dir);
        List<Multihash> all = keys(600, "d ");
        store.replace(all.iterator(), () -> false);
        // an append cut short by a crash: a length and half the key
        int slice = SweepKeystore.slice(all.get(0));
        Path f = dir.resolve(SweepKeystore.DIR).resolve(String.format("%02x", slice));
        long kept = all.stream().filter(k -> SweepKeystore.slice(k) == slice).count();
        Files.write(f, new byte[] {0, 34, 0x12, 0x20, 1, 2, 3}, StandardOpenOption.APPEND);
        List<Multihash> read = readAll(store, slice, slice + 1, 1000, new ArrayList<>());
        assertEquals(kept, read.size(), "the whole entries before the damage");
        // a length no multihash has
        Files.write(f, new byte[] {(byte) 0xff, (byte) 0xff}, StandardOpenOption.TRUNCATE_EXISTING);
        assertTrue(readAll(store, slice, slice + 1, 1000, new ArrayList<>()).isEmpty());
        // a keystore half written when the node died is replaced by the next
        Files.createDirectories(dir.resolve(SweepKeystore.DIR + ".new"));
        Files.writeString(dir.resolve(SweepKeystore.DIR + ".new").resolve("00"), "junk");
        store.replace(all.iterator(), () -> false);
        assertEquals(600, readAll(store, 0, SweepKeystore.SLICES, 1000, new ArrayList<>()).size());
    }
}
