package io.p2pkit.discovery.rendezvous;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.protobuf.ProtobufReader;
import io.p2pkit.core.protobuf.ProtobufWriter;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The registrations of a rendezvous point, in an H2 MVStore: in a file, where they survive a
 * restart, or in memory. Each registration has a sequence number, growing with every register
 * (a refresh gets a new one); discover pages walk the registrations in that order, so a cookie
 * only has to remember the last number it covered.
 *
 * <p>Each change is committed before the request is answered, without an fsync: registrations
 * are soft state that clients refresh, so a power loss may cost the latest ones.
 */
public final class RendezvousStore implements Closeable {
    private final MVStore store;
    // sequence number -> the registration (see encode)
    private final MVMap<Long, byte[]> registrations;
    // "<peer> <namespace>" -> sequence number; peer IDs hold no space
    private final MVMap<String, Long> byPeer;
    private final MVMap<String, Long> meta;
    // counts, rebuilt at open
    private final Map<String, Integer> perNamespace = new HashMap<>();
    private final Map<String, Integer> perPeer = new HashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final long cookieMask;

    /** One stored registration: the raw signed record and its expiry in epoch milliseconds. */
    record Stored(long seq, String namespace, PeerId peer, byte[] envelope, long expiresAtMillis) {
        long secondsLeft(Instant now) {
            return Math.max(1, (expiresAtMillis - now.toEpochMilli() + 999) / 1000);
        }
    }

    /** A page of discover: the registrations and the last sequence number it covered. */
    record Page(List<Stored> registrations, long lastSeq) {
    }

    private RendezvousStore(MVStore store) {
        this.store = store;
        this.registrations = store.openMap("rendezvous.registrations");
        this.byPeer = store.openMap("rendezvous.byPeer");
        this.meta = store.openMap("rendezvous.meta");
        meta.putIfAbsent("nextSeq", 1L);
        meta.putIfAbsent("cookieMask", new SecureRandom().nextLong());
        store.commit();
        this.cookieMask = meta.get("cookieMask");
        for (byte[] v : registrations.values()) {
            Stored s = decode(0, v);
            perNamespace.merge(s.namespace(), 1, Integer::sum);
            perPeer.merge(s.peer().toString(), 1, Integer::sum);
        }
    }

    /**
     * Opens (or creates) a store in {@code file}.
     *
     * @throws IOException if the file cannot be opened: locked by another process, damaged or not an MVStore file
     */
    public static RendezvousStore open(Path file) throws IOException {
        Path abs = file.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        MVStore s;
        try {
            s = new MVStore.Builder().fileName(abs.toString()).autoCommitDisabled().open();
        } catch (MVStoreException | IllegalStateException e) {
            throw new IOException("rendezvous store " + abs + " cannot be opened: " + e.getMessage(), e);
        }
        try {
            return new RendezvousStore(s);
        } catch (MVStoreException | IllegalStateException | ClassCastException e) {
            s.closeImmediately();
            throw new IOException("rendezvous store " + abs + " is damaged: " + e.getMessage(), e);
        }
    }

    /** A store in memory, gone when closed. */
    public static RendezvousStore inMemory() {
        return new RendezvousStore(new MVStore.Builder().autoCommitDisabled().open());
    }

    /** How many registrations are stored, expired ones not yet removed included. */
    public int size() {
        lock.lock();
        try {
            return registrations.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Adds or refreshes the registration of {@code peer} in {@code namespace}.
     *
     * @return {@link Status#OK}, or {@link Status#E_UNAVAILABLE} when a cap is reached
     */
    Status register(String namespace, PeerId peer, byte[] envelope, long expiresAtMillis, RendezvousConfig config,
            Instant now) {
        lock.lock();
        try {
            String key = peer.toString() + " " + namespace;
            Long old = byPeer.get(key);
            if (old == null && !fits(namespace, peer, config)) {
                expire(now);
                if (!fits(namespace, peer, config)) {
                    return Status.E_UNAVAILABLE;
                }
            }
            if (old != null) {
                registrations.remove(old);
            } else {
                perNamespace.merge(namespace, 1, Integer::sum);
                perPeer.merge(peer.toString(), 1, Integer::sum);
            }
            long seq = meta.get("nextSeq");
            meta.put("nextSeq", seq + 1);
            registrations.put(seq, encode(namespace, peer, envelope, expiresAtMillis));
            byPeer.put(key, seq);
            store.commit();
            return Status.OK;
        } finally {
            lock.unlock();
        }
    }

    private boolean fits(String namespace, PeerId peer, RendezvousConfig config) {
        return registrations.size() < config.maxRegistrations()
                && perNamespace.getOrDefault(namespace, 0) < config.maxRegistrationsPerNamespace()
                && perPeer.getOrDefault(peer.toString(), 0) < config.maxRegistrationsPerPeer();
    }

    /** Removes the registration of {@code peer} in {@code namespace}, if there is one. */
    void unregister(String namespace, PeerId peer) {
        lock.lock();
        try {
            Long seq = byPeer.get(peer.toString() + " " + namespace);
            if (seq != null) {
                remove(decode(seq, registrations.get(seq)));
                store.commit();
            }
        } finally {
            lock.unlock();
        }
    }

    private void remove(Stored s) {
        registrations.remove(s.seq());
        byPeer.remove(s.peer().toString() + " " + s.namespace());
        perNamespace.computeIfPresent(s.namespace(), (k, n) -> n == 1 ? null : n - 1);
        perPeer.computeIfPresent(s.peer().toString(), (k, n) -> n == 1 ? null : n - 1);
    }

    /**
     * Up to {@code limit} live registrations in {@code namespace} (all namespaces when null) with
     * a sequence number above {@code after}, in order, their namespaces and records together
     * within {@code maxBytes}.
     */
    Page discover(String namespace, long after, int limit, int maxBytes, Instant now) {
        lock.lock();
        try {
            List<Stored> page = new ArrayList<>();
            long last = after;
            long bytes = 0;
            Cursor<Long, byte[]> c = registrations.cursor(after + 1);
            while (c.hasNext()) {
                long seq = c.next();
                Stored s = decode(seq, c.getValue());
                if (s.expiresAtMillis() <= now.toEpochMilli()
                        || (namespace != null && !namespace.equals(s.namespace()))) {
                    last = seq;
                    continue;
                }
                // each registration costs its namespace, record, TTL and some protobuf framing
                long size = s.namespace().length() * 3L + s.envelope().length + 32;
                if (page.size() == limit || bytes + size > maxBytes) {
                    break;
                }
                bytes += size;
                page.add(s);
                last = seq;
            }
            return new Page(page, last);
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@code seq} is a number this store could have put in a cookie. */
    boolean issued(long seq) {
        lock.lock();
        try {
            return seq >= 0 && seq < meta.get("nextSeq");
        } finally {
            lock.unlock();
        }
    }

    /** The cookie id for {@code seq}: masked, so that other points' cookies fail {@link #issued}. */
    long cookieId(long seq) {
        return seq ^ cookieMask;
    }

    /** The sequence number in a cookie id. */
    long seqOfCookie(long id) {
        return id ^ cookieMask;
    }

    /** Removes the registrations expired at {@code now}; returns how many. */
    int expire(Instant now) {
        lock.lock();
        try {
            List<Stored> dead = new ArrayList<>();
            Cursor<Long, byte[]> c = registrations.cursor(null);
            while (c.hasNext()) {
                long seq = c.next();
                Stored s = decode(seq, c.getValue());
                if (s.expiresAtMillis() <= now.toEpochMilli()) {
                    dead.add(s);
                }
            }
            dead.forEach(this::remove);
            if (!dead.isEmpty()) {
                store.commit();
            }
            return dead.size();
        } finally {
            lock.unlock();
        }
    }

    private static byte[] encode(String namespace, PeerId peer, byte[] envelope, long expiresAtMillis) {
        return new ProtobufWriter(envelope.length + namespace.length() + 64)
                .string(1, namespace)
                .bytes(2, peer.bytes())
                .bytes(3, envelope)
                .varint(4, expiresAtMillis)
                .toByteArray();
    }

    private static Stored decode(long seq, byte[] value) {
        ProtobufReader r = new ProtobufReader(value, "rendezvous.Stored");
        String ns = null;
        PeerId peer = null;
        byte[] envelope = null;
        long expires = 0;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> ns = r.string();
                case 2 -> peer = PeerId.decode(r.bytes());
                case 3 -> envelope = r.bytes();
                case 4 -> expires = r.varint();
                default -> r.skip();
            }
        }
        if (ns == null || peer == null || envelope == null) {
            throw new IllegalStateException("stored registration " + seq + " is incomplete");
        }
        return new Stored(seq, ns, peer, envelope, expires);
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (!store.isClosed()) {
                store.close();
            }
        } finally {
            lock.unlock();
        }
    }
}
