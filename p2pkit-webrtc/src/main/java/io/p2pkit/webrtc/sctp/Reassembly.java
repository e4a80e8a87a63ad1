package io.p2pkit.webrtc.sctp;

import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Puts received DATA fragments back into messages: ordered messages per stream in SSN order,
 * unordered ones as soon as all their fragments are in. TSNs here are unwrapped (64-bit). Owned
 * by the association's owner thread.
 */
final class Reassembly {
    /** A whole message. */
    record Message(int streamId, long ppid, byte[] data) {
    }

    private static final class StreamState {
        int nextSsn;
        final Map<Integer, TreeMap<Long, Chunk.Data>> ordered = new HashMap<>();
        final TreeMap<Long, Chunk.Data> unordered = new TreeMap<>();
    }

    private final Map<Integer, StreamState> streams = new HashMap<>();

    /** Adds a fragment with unwrapped TSN {@code tsn}; hands every message it completes to {@code out}. */
    void add(long tsn, Chunk.Data d, Consumer<Message> out) {
        StreamState s = streams.computeIfAbsent(d.streamId(), id -> new StreamState());
        if (d.unordered()) {
            s.unordered.put(tsn, d);
            completeUnordered(s, tsn, d.streamId(), out);
            return;
        }
        if (((d.ssn() - s.nextSsn) & 0xFFFF) >= 0x8000) {
            return; // an SSN already delivered (the TSN check let it in only after a stream reset)
        }
        s.ordered.computeIfAbsent(d.ssn(), k -> new TreeMap<>()).put(tsn, d);
        while (true) {
            TreeMap<Long, Chunk.Data> m = s.ordered.get(s.nextSsn);
            if (m == null || !complete(m)) {
                return;
            }
            s.ordered.remove(s.nextSsn);
            s.nextSsn = (s.nextSsn + 1) & 0xFFFF;
            out.accept(join(d.streamId(), m));
        }
    }

    /** The remote reset its outgoing stream: the next message there has SSN 0. */
    void reset(int streamId) {
        StreamState s = streams.remove(streamId);
        if (s != null && !s.ordered.isEmpty()) {
            // fragments past the reset point cannot exist; keep the state only if something is pending
            streams.put(streamId, s);
            s.nextSsn = 0;
        }
    }

    /** The streams that have been seen, for a reset of all streams. */
    Iterable<Integer> streamIds() {
        return streams.keySet();
    }

    private static boolean complete(TreeMap<Long, Chunk.Data> m) {
        return m.firstEntry().getValue().beginning() && m.lastEntry().getValue().ending()
                && m.lastKey() - m.firstKey() + 1 == m.size();
    }

    private static void completeUnordered(StreamState s, long tsn, int streamId, Consumer<Message> out) {
        long lo = tsn;
        while (!s.unordered.get(lo).beginning()) {
            Chunk.Data prev = s.unordered.get(lo - 1);
            if (prev == null || prev.ending()) {
                return;
            }
            lo--;
        }
        long hi = tsn;
        while (!s.unordered.get(hi).ending()) {
            Chunk.Data next = s.unordered.get(hi + 1);
            if (next == null || next.beginning()) {
                return;
            }
            hi++;
        }
        TreeMap<Long, Chunk.Data> m = new TreeMap<>(s.unordered.subMap(lo, true, hi, true));
        s.unordered.subMap(lo, true, hi, true).clear();
        out.accept(join(streamId, m));
    }

    private static Message join(int streamId, TreeMap<Long, Chunk.Data> m) {
        Chunk.Data first = m.firstEntry().getValue();
        if (m.size() == 1) {
            return new Message(streamId, first.ppid(), first.payload());
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (Chunk.Data d : m.values()) {
            b.writeBytes(d.payload());
        }
        return new Message(streamId, first.ppid(), b.toByteArray());
    }
}
