package io.p2pkit.node.exchange;

import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.blockstore.SyncedFiles;
import io.p2pkit.kad.routing.KadKey;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The keys of one reprovide cycle of the sweeping provider: written when the cycle begins into one
 * file per slice of the DHT's key space (the first byte of a key's point in it), so that each slice
 * is read when its time comes and a sweep holds one batch in memory whatever the number of keys.
 * Kubo keeps such a keystore in its datastore for the same reason. Keys announced for the first
 * time during the cycle join the slices not yet read, so that they are announced again one
 * interval later rather than two.
 *
 * <p>A new keystore is written beside the old one and swapped in by renames; an entry that does not
 * read (a crash in the middle of an append) ends its file, which at worst leaves a key to the next
 * cycle.
 */
final class SweepKeystore {
    /** Slices of the key space, each swept at its own time in a cycle. */
    static final int SLICES = 256;
    /** The directory, under the provider's. */
    static final String DIR = "keystore";
    /** Longer than any multihash a repository stores: an entry that claims more is damage. */
    static final int MAX_KEY = 1024;
    /** Keys announced while the keystore is being written that wait to join it; more are left to the next cycle. */
    static final int MAX_WAITING = Reprovider.MAX_PENDING;
    private static final int BUFFER = 4096;
    private static final System.Logger LOG = LazyLogger.of(SweepKeystore.class);

    private final Path dir;
    private final Path fresh;
    private final Path old;
    /** Guards the files, {@link #taken} and {@link #waiting}. */
    private final ReentrantLock lock = new ReentrantLock();
    /** Slices below this were read in this cycle: a key joining one of them waits for the next. */
    private int taken;
    /** Non-null while a new keystore is written: keys to add once it is in place. */
    private List<Multihash> waiting;
    /** Keys per slice; null until counted (a keystore kept from before the start). */
    private long[] counts;

    /** @param providerDir the provider's directory ({@code <repo>/provider}) */
    SweepKeystore(Path providerDir) {
        this.dir = providerDir.resolve(DIR);
        this.fresh = providerDir.resolve(DIR + ".new");
        this.old = providerDir.resolve(DIR + ".old");
    }

    /** The slice {@code key} falls in. */
    static int slice(Multihash key) {
        return KadKey.of(key.bytes()).bytes()[0] & 0xff;
    }

    /** Whether a keystore was written (and not lost in a crash while it was swapped). */
    boolean exists() {
        return Files.isDirectory(dir);
    }

    /**
     * Replaces the keystore with {@code keys} (stopping early when {@code stop} says so).
     *
     * @return how many keys it holds
     */
    long replace(Iterator<Multihash> keys, BooleanSupplier stop) throws IOException {
        lock.lock();
        try {
            waiting = new ArrayList<>();
        } finally {
            lock.unlock();
        }
        long n = 0;
        long[] written = new long[SLICES];
        try {
            SyncedFiles.deleteTree(fresh);
            Files.createDirectories(fresh);
            FileChannel[] channels = new FileChannel[SLICES];
            OutputStream[] out = new OutputStream[SLICES];
            try {
                while (keys.hasNext() && !stop.getAsBoolean()) {
                    Multihash key = keys.next();
                    int s = slice(key);
                    if (out[s] == null) {
                        channels[s] = FileChannel.open(fresh.resolve(name(s)), StandardOpenOption.CREATE_NEW,
                                StandardOpenOption.WRITE);
                        out[s] = new BufferedOutputStream(Channels.newOutputStream(channels[s]), BUFFER);
                    }
                    if (write(out[s], key.bytes())) {
                        n++;
                        written[s]++;
                    }
                }
                for (int s = 0; s < SLICES; s++) {
                    if (out[s] != null) {
                        out[s].flush();
                        channels[s].force(true);
                    }
                }
            } finally {
                closeAll(out);
            }
            if (stop.getAsBoolean()) {
                SyncedFiles.deleteTree(fresh); // a keystore cut short by a stop never replaces a whole one
                return n;
            }
            SyncedFiles.syncDirectory(fresh);
            lock.lock();
            try {
                // the old one moves aside first: a crash in between leaves no keystore, which the
                // schedule takes as a cycle to begin again, never as a half-written one
                SyncedFiles.deleteTree(old);
                if (Files.isDirectory(dir)) {
                    Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
                }
                Files.move(fresh, dir, StandardCopyOption.ATOMIC_MOVE);
                SyncedFiles.syncDirectory(dir.getParent());
                taken = 0;
                counts = written;
                List<Multihash> joined = waiting;
                waiting = null;
                append(joined);
            } finally {
                lock.unlock();
            }
            SyncedFiles.deleteTree(old);
            return n;
        } finally {
            lock.lock();
            try {
                waiting = null;
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Adds keys announced for the first time to the slices not yet read in this cycle (those of
     * slices already read are in the next cycle's keys, as the strategy names them).
     */
    void add(Collection<Multihash> keys) {
        if (keys.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            if (waiting != null) {
                for (Multihash k : keys) {
                    if (waiting.size() < MAX_WAITING) {
                        waiting.add(k);
                    }
                }
                return;
            }
            if (Files.isDirectory(dir)) {
                append(keys);
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "reprovider: keys cannot join the keystore: " + e);
        } finally {
            lock.unlock();
        }
    }

    /** Appends {@code keys} to their slices at or past {@link #taken}; the lock is held. */
    private void append(Collection<Multihash> keys) throws IOException {
        List<List<Multihash>> bySlice = new ArrayList<>();
        for (int s = 0; s < SLICES; s++) {
            bySlice.add(null);
        }
        for (Multihash k : keys) {
            int s = slice(k);
            if (s >= taken) {
                if (bySlice.get(s) == null) {
                    bySlice.set(s, new ArrayList<>());
                }
                bySlice.get(s).add(k);
            }
        }
        for (int s = 0; s < SLICES; s++) {
            List<Multihash> these = bySlice.get(s);
            if (these == null) {
                continue;
            }
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(dir.resolve(name(s)),
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND), BUFFER)) {
                for (Multihash k : these) {
                    if (write(out, k.bytes()) && counts != null) {
                        counts[s]++;
                    }
                }
            }
        }
    }

    /**
     * The keys of each slice (written, or joined since); a keystore kept from before the start is
     * counted the first time.
     */
    long[] counts() throws IOException {
        lock.lock();
        try {
            if (counts == null) {
                long[] found = new long[SLICES];
                for (int s = 0; s < SLICES && Files.isDirectory(dir); s++) {
                    found[s] = entries(dir.resolve(name(s)));
                }
                counts = found;
            }
            return counts.clone();
        } finally {
            lock.unlock();
        }
    }

    /** The entries of a slice's file that read, up to the first that does not. */
    private static long entries(Path f) throws IOException {
        long n = 0;
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(f), BUFFER))) {
            while (true) {
                int length = in.readUnsignedShort();
                if (length == 0 || length > MAX_KEY) {
                    return n;
                }
                in.skipNBytes(length);
                n++;
            }
        } catch (EOFException | NoSuchFileException end) {
            return n;
        }
    }

    /** Receives the keys of a read, a batch at a time. */
    @FunctionalInterface
    interface Batches {
        void accept(List<Multihash> batch) throws InterruptedException;
    }

    /**
     * Reads the keys of slices {@code from} (inclusive) to {@code to} (exclusive), each once per
     * batch, in batches of at most {@code batch}; keys that join those slices afterwards wait for
     * the next cycle.
     *
     * @return how many keys were handed over
     */
    long read(int from, int to, int batch, BooleanSupplier stop, Batches batches)
            throws IOException, InterruptedException {
        lock.lock();
        try {
            taken = Math.max(taken, to);
        } finally {
            lock.unlock();
        }
        return peek(from, to, batch, stop, batches);
    }

    /**
     * Reads the keys of slices {@code from} to {@code to} as {@link #read} does, leaving them to
     * be read again: keys joining them still join.
     */
    long peek(int from, int to, int batch, BooleanSupplier stop, Batches batches)
            throws IOException, InterruptedException {
        long n = 0;
        Set<Multihash> pending = new LinkedHashSet<>();
        for (int s = from; s < to && !stop.getAsBoolean(); s++) {
            Path f = dir.resolve(name(s));
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(f), BUFFER))) {
                while (!stop.getAsBoolean()) {
                    int length;
                    try {
                        length = in.readUnsignedShort();
                    } catch (EOFException end) {
                        break;
                    }
                    if (length == 0 || length > MAX_KEY) {
                        damaged(f, "an entry of " + length + " bytes");
                        break;
                    }
                    byte[] bytes = new byte[length];
                    try {
                        in.readFully(bytes);
                    } catch (EOFException end) {
                        damaged(f, "an entry cut short");
                        break;
                    }
                    try {
                        pending.add(Multihash.decode(bytes));
                    } catch (IllegalArgumentException e) {
                        damaged(f, "an entry that is no multihash");
                        continue;
                    }
                    if (pending.size() == batch) {
                        n += pending.size();
                        batches.accept(List.copyOf(pending));
                        pending.clear();
                    }
                }
            } catch (NoSuchFileException e) {
                // no key fell in this slice
            }
        }
        if (!pending.isEmpty() && !stop.getAsBoolean()) {
            n += pending.size();
            batches.accept(List.copyOf(pending));
        }
        return n;
    }

    private static void damaged(Path f, String what) {
        LOG.log(System.Logger.Level.WARNING, () -> "reprovider: " + f + " holds " + what
                + "; the rest of that slice waits for the next cycle");
    }

    /** Writes one entry; false for a key no repository stores (empty, or longer than {@link #MAX_KEY}). */
    private static boolean write(OutputStream out, byte[] key) throws IOException {
        if (key.length == 0 || key.length > MAX_KEY) {
            return false;
        }
        out.write(key.length >>> 8);
        out.write(key.length);
        out.write(key);
        return true;
    }

    /** Closes every stream opened, even when one fails to close; the first failure is thrown. */
    private static void closeAll(OutputStream[] out) throws IOException {
        IOException first = null;
        for (OutputStream o : out) {
            if (o == null) {
                continue;
            }
            try {
                o.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private static String name(int slice) {
        return String.format("%02x", slice);
    }

}
