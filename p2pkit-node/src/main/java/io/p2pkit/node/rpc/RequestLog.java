package io.p2pkit.node.rpc;

import io.p2pkit.node.cli.content.GoTime;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Kubo's request log, which {@code diag/cmds} reports: the requests running now and those that
 * finished less than the keep time ago ({@code diag/cmds/set-time}, none by default), each with
 * the command's path, its options and its string arguments, as Kubo records them. Headers (an
 * {@code Authorization}) and bodies are never recorded.
 *
 * <p>Bounded: at most {@value #MAX_FINISHED} finished requests are kept, the oldest dropped first;
 * running ones are bounded by the API's connection limit. Every operation is constant time but
 * for the report, which copies what is kept.
 */
final class RequestLog {
    /** The most finished requests kept, whatever the keep time. */
    static final int MAX_FINISHED = 512;

    /** One request: what it asked, when it started and, once it is over, when it ended. */
    static final class Entry {
        private final int id;
        private final String command;
        private final Map<String, Object> options;
        private final List<String> arguments;
        private final Instant start;
        private Instant end; // guarded by the log's lock

        private Entry(int id, String command, Map<String, Object> options, List<String> arguments, Instant start) {
            this.id = id;
            this.command = command;
            this.options = options;
            this.arguments = arguments;
            this.start = start;
        }

        /** Its ID, Kubo's: the requests counted from 0. */
        int id() {
            return id;
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Clock clock;
    /** What is kept, by ID (the order Kubo lists them in). */
    private final Map<Integer, Entry> entries = new LinkedHashMap<>();
    /** The finished ones, in the order they ended: the head is the first to expire. */
    private final ArrayDeque<Entry> finished = new ArrayDeque<>();
    private int nextId;
    private Duration keep = Duration.ZERO;

    RequestLog(Clock clock) {
        this.clock = clock;
    }

    /**
     * Records a request that starts now.
     *
     * @param command   its command's path ({@code diag/cmds})
     * @param options   its options, typed, defaults filled in (copied)
     * @param arguments its string arguments (copied)
     * @return the entry to {@link #finish} when the request is over
     */
    Entry start(String command, Map<String, Object> options, List<String> arguments) {
        lock.lock();
        try {
            Entry e = new Entry(nextId++, command, new TreeMap<>(options), List.copyOf(arguments), clock.instant());
            entries.put(e.id, e);
            expire();
            return e;
        } finally {
            lock.unlock();
        }
    }

    /** Marks a request as over; it is kept for the keep time, within the cap. */
    void finish(Entry e) {
        lock.lock();
        try {
            if (e.end != null || !entries.containsKey(e.id)) {
                return;
            }
            e.end = clock.instant();
            finished.addLast(e);
            while (finished.size() > MAX_FINISHED) {
                entries.remove(finished.removeFirst().id);
            }
            expire();
        } finally {
            lock.unlock();
        }
    }

    /** Kubo's {@code diag/cmds/clear}: drops every finished request. */
    void clearFinished() {
        lock.lock();
        try {
            finished.forEach(e -> entries.remove(e.id));
            finished.clear();
        } finally {
            lock.unlock();
        }
    }

    /** Kubo's {@code diag/cmds/set-time}: how long a finished request is kept (a negative time keeps none). */
    void keep(Duration time) {
        lock.lock();
        try {
            keep = time.isNegative() ? Duration.ZERO : time;
            expire();
        } finally {
            lock.unlock();
        }
    }

    /** How long a finished request is kept. */
    Duration keep() {
        lock.lock();
        try {
            return keep;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Kubo's report: one {@code {"StartTime","EndTime","Active","Command","Options","Args","ID"}}
     * per request kept, by ID; a running request's {@code EndTime} is Go's zero time.
     */
    List<Map<String, Object>> report() {
        lock.lock();
        try {
            expire();
            List<Map<String, Object>> out = new ArrayList<>(entries.size());
            for (Entry e : entries.values()) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("StartTime", GoTime.rfc3339(e.start));
                o.put("EndTime", e.end == null ? GoTime.ZERO : GoTime.rfc3339(e.end));
                o.put("Active", e.end == null);
                o.put("Command", e.command);
                o.put("Options", e.options);
                o.put("Args", e.arguments);
                o.put("ID", e.id);
                out.add(o);
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** Drops the finished requests whose keep time is over: they ended in order, so only the head is looked at. */
    private void expire() {
        Instant now = clock.instant();
        for (Iterator<Entry> it = finished.iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (e.end.plus(keep).isAfter(now)) {
                break;
            }
            it.remove();
            entries.remove(e.id);
        }
    }
}
