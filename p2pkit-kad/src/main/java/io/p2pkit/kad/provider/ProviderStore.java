package io.p2pkit.kad.provider;

import io.p2pkit.core.identity.PeerId;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Who provides which key (keys are multihash bytes), and which keys this node provides itself.
 *
 * <p>Provider records expire {@code expiry} after they were received (48 h by default). With a
 * file, every change is appended to a {@link ProviderLog} before it is applied in memory, so a
 * restart keeps both the records and the node's own provides; when most frames of the log are
 * dead (expired or superseded) it is compacted. Limits stop one peer or a flood of keys from
 * exhausting memory: at most {@code maxPerPeer} records per provider, {@code maxPerKey}
 * providers per key and {@code maxRecords} records in all.
 */
public final class ProviderStore implements Closeable {
    private static final byte OP_ADD = 1;
    private static final byte OP_LOCAL_ADD = 2;
    private static final byte OP_LOCAL_REMOVE = 3;
    private static final int MAX_KEY = 512;
    private static final int COMPACT_MIN_FRAMES = 1024;

    /** Limits and expiry of a store. */
    public record Limits(Duration expiry, int maxRecords, int maxPerPeer, int maxPerKey) {
        /** 48 h expiry, 1 000 000 records, 10 000 per peer, 100 per key. */
        public static Limits defaults() {
            return new Limits(Duration.ofHours(48), 1_000_000, 10_000, 100);
        }
    }

    private final Clock clock;
    private final Limits limits;
    private final ProviderLog log;
    private final Map<Key, LinkedHashMap<PeerId, Instant>> providers = new HashMap<>();
    private final Map<PeerId, Integer> perPeer = new HashMap<>();
    private final Map<Key, Instant> local = new LinkedHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private int records;

    private ProviderStore(Clock clock, Limits limits, ProviderLog log) {
        this.clock = clock;
        this.limits = limits;
        this.log = log;
    }

    /** A store kept in memory only (for simulations). */
    public static ProviderStore inMemory(Clock clock, Limits limits) {
        return new ProviderStore(clock, limits, null);
    }

    /** A store persisted in {@code file}, replaying what it holds. */
    public static ProviderStore open(Path file, Clock clock, Limits limits) throws IOException {
        ProviderLog.Opened opened = ProviderLog.open(file);
        ProviderStore s = new ProviderStore(clock, limits, opened.log());
        for (byte[] p : opened.payloads()) {
            s.replay(p);
        }
        return s;
    }

    private void replay(byte[] payload) {
        Entry e = Entry.decode(payload);
        if (e == null) {
            return; // a frame with a good CRC but an unknown layout: written by a newer version
        }
        switch (e.op) {
            case OP_ADD -> {
                if (e.peer != null && !expired(e.time)) {
                    putInMemory(e.key, e.peer, e.time);
                }
            }
            case OP_LOCAL_ADD -> local.put(e.key, e.time);
            case OP_LOCAL_REMOVE -> local.remove(e.key);
            default -> {
            }
        }
    }

    /**
     * Records that {@code provider} provides {@code key} as of now.
     *
     * @return false if a limit refused it
     */
    public boolean addProvider(byte[] key, PeerId provider) {
        if (key.length == 0 || key.length > MAX_KEY) {
            return false;
        }
        Key k = new Key(key.clone());
        Instant now = clock.instant();
        lock.lock();
        try {
            LinkedHashMap<PeerId, Instant> m = providers.get(k);
            boolean present = m != null && m.containsKey(provider);
            if (!present) {
                if (records >= limits.maxRecords() || perPeer.getOrDefault(provider, 0) >= limits.maxPerPeer()
                        || (m != null && m.size() >= limits.maxPerKey())) {
                    return false;
                }
            }
            persist(List.of(new Entry(OP_ADD, k, provider, now).encode()));
            putInMemory(k, provider, now);
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void putInMemory(Key k, PeerId provider, Instant time) {
        LinkedHashMap<PeerId, Instant> m = providers.computeIfAbsent(k, x -> new LinkedHashMap<>());
        if (m.put(provider, time) == null) {
            perPeer.merge(provider, 1, Integer::sum);
            records++;
        }
    }

    /** The unexpired providers of {@code key}, most recently announced last. */
    public List<PeerId> providers(byte[] key) {
        lock.lock();
        try {
            LinkedHashMap<PeerId, Instant> m = providers.get(new Key(key));
            if (m == null) {
                return List.of();
            }
            List<PeerId> out = new ArrayList<>();
            for (Map.Entry<PeerId, Instant> e : m.entrySet()) {
                if (!expired(e.getValue())) {
                    out.add(e.getKey());
                }
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** Remembers that this node provides {@code key} (so a restart republishes it). */
    public void addLocal(byte[] key) {
        Key k = new Key(key.clone());
        lock.lock();
        try {
            if (!local.containsKey(k)) {
                Instant now = clock.instant();
                persist(List.of(new Entry(OP_LOCAL_ADD, k, null, now).encode()));
                local.put(k, now);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Stops providing {@code key}. */
    public void removeLocal(byte[] key) {
        Key k = new Key(key.clone());
        lock.lock();
        try {
            if (local.containsKey(k)) {
                persist(List.of(new Entry(OP_LOCAL_REMOVE, k, null, clock.instant()).encode()));
                local.remove(k);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Forgets every key this node provides, in memory and in the file (rewritten once, when it
     * held any): for an owner that reprovides by itself, keys an older build kept there.
     *
     * @return how many were forgotten
     */
    public int forgetLocal() {
        lock.lock();
        try {
            int n = local.size();
            if (n > 0) {
                local.clear();
                compact();
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** The keys this node provides. */
    public List<byte[]> localKeys() {
        lock.lock();
        try {
            List<byte[]> out = new ArrayList<>();
            for (Key k : local.keySet()) {
                out.add(k.bytes.clone());
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** The number of provider records held (expired ones until the next {@link #collectGarbage}). */
    public int size() {
        lock.lock();
        try {
            return records;
        } finally {
            lock.unlock();
        }
    }

    /** Drops expired records and compacts the file when most of it is dead. */
    public void collectGarbage() {
        lock.lock();
        try {
            for (Iterator<Map.Entry<Key, LinkedHashMap<PeerId, Instant>>> it = providers.entrySet().iterator(); it.hasNext(); ) {
                LinkedHashMap<PeerId, Instant> m = it.next().getValue();
                for (Iterator<Map.Entry<PeerId, Instant>> pi = m.entrySet().iterator(); pi.hasNext(); ) {
                    Map.Entry<PeerId, Instant> e = pi.next();
                    if (expired(e.getValue())) {
                        pi.remove();
                        records--;
                        perPeer.computeIfPresent(e.getKey(), (p, n) -> n <= 1 ? null : n - 1);
                    }
                }
                if (m.isEmpty()) {
                    it.remove();
                }
            }
            if (log != null && log.frames() >= COMPACT_MIN_FRAMES && log.frames() > 2L * (records + local.size())) {
                compact();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Rewrites the file with the live records only. */
    public void compact() {
        lock.lock();
        try {
            if (log == null) {
                return;
            }
            List<byte[]> live = new ArrayList<>();
            for (Map.Entry<Key, LinkedHashMap<PeerId, Instant>> e : providers.entrySet()) {
                for (Map.Entry<PeerId, Instant> p : e.getValue().entrySet()) {
                    live.add(new Entry(OP_ADD, e.getKey(), p.getKey(), p.getValue()).encode());
                }
            }
            for (Map.Entry<Key, Instant> e : local.entrySet()) {
                live.add(new Entry(OP_LOCAL_ADD, e.getKey(), null, e.getValue()).encode());
            }
            log.rewrite(live);
        } catch (IOException e) {
            throw new UncheckedIOException("compacting the provider store", e);
        } finally {
            lock.unlock();
        }
    }

    /** Frames in the file, live and dead (0 in memory). */
    public long logFrames() {
        return log == null ? 0 : log.frames();
    }

    private void persist(List<byte[]> payloads) {
        if (log == null) {
            return;
        }
        try {
            log.append(payloads);
        } catch (IOException e) {
            throw new UncheckedIOException("writing the provider store", e);
        }
    }

    private boolean expired(Instant received) {
        return !clock.instant().isBefore(received.plus(limits.expiry()));
    }

    @Override
    public void close() throws IOException {
        if (log != null) {
            lock.lock();
            try {
                log.close();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Key bytes with value equality. */
    private record Key(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && java.util.Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return HexFormat.of().formatHex(bytes);
        }
    }

    /** One change: {@code op, u16 key length, key, u16 peer length, peer, i64 epoch millis}. */
    private record Entry(byte op, Key key, PeerId peer, Instant time) {
        byte[] encode() {
            byte[] p = peer == null ? new byte[0] : peer.bytes();
            ByteBuffer b = ByteBuffer.allocate(1 + 2 + key.bytes.length + 2 + p.length + 8);
            b.put(op).putShort((short) key.bytes.length).put(key.bytes).putShort((short) p.length).put(p)
                    .putLong(time.toEpochMilli());
            return b.array();
        }

        static Entry decode(byte[] payload) {
            try {
                ByteBuffer b = ByteBuffer.wrap(payload);
                byte op = b.get();
                byte[] key = new byte[Short.toUnsignedInt(b.getShort())];
                b.get(key);
                byte[] peer = new byte[Short.toUnsignedInt(b.getShort())];
                b.get(peer);
                long millis = b.getLong();
                if (b.hasRemaining() || key.length == 0 || key.length > MAX_KEY) {
                    return null;
                }
                return new Entry(op, new Key(key), peer.length == 0 ? null : PeerId.decode(peer),
                        Instant.ofEpochMilli(millis));
            } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
                return null;
            }
        }
    }

    @Override
    public String toString() {
        return "ProviderStore[" + size() + " records, " + local.size() + " provided locally]";
    }
}
