package io.p2pkit.node.rpc;

import io.p2pkit.node.json.Json;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * The node's log records as they are written, for Kubo's {@code log/tail}: each a JSON line
 * as go-log's pipe writes it (zap's production encoder: {@code level}, {@code ts}, {@code logger},
 * {@code caller}, {@code msg}, then {@code error} for a record with an exception).
 *
 * <p>A handler on the root logger sees every record the loggers' levels let through (what
 * {@code log/level} sets), as go-log's pipe sees what its levels enable. It is there only while
 * someone tails. Each tail has a bounded queue: a record that does not fit (a client that reads too
 * slowly) is dropped and counted, and the logging thread never waits for a client.
 */
final class LogTail {
    /** The most lines a tail holds for its client. */
    static final int MAX_QUEUED_LINES = 1024;
    /** The most bytes of lines a tail holds for its client. */
    static final long MAX_QUEUED_BYTES = 4L << 20;

    /** zap's ISO8601TimeEncoder: milliseconds, {@code Z} or {@code +0100}, in the daemon's time zone. */
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXX");
    private static final SimpleFormatter MESSAGES = new SimpleFormatter();
    private static final Set<Tail> TAILS = ConcurrentHashMap.newKeySet();
    private static final Handler TAP = new Tap();
    /** Guards adding and removing the handler with the set of tails. */
    private static final ReentrantLock ATTACH = new ReentrantLock();

    private LogTail() {
    }

    /** One client's tail: the lines at or above its level, as they come. */
    static final class Tail implements AutoCloseable {
        private final int minRank;
        private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(MAX_QUEUED_LINES);
        private final AtomicLong queuedBytes = new AtomicLong();
        private final AtomicLong dropped = new AtomicLong();

        private Tail(int minRank) {
            this.minRank = minRank;
        }

        private void offer(int rank, String line) {
            if (rank < minRank) {
                return;
            }
            if (queuedBytes.addAndGet(line.length()) > MAX_QUEUED_BYTES || !lines.offer(line)) {
                queuedBytes.addAndGet(-line.length());
                dropped.incrementAndGet();
            }
        }

        /** The next line, waiting at most {@code wait}; null when none came. */
        String poll(Duration wait) throws InterruptedException {
            return taken(lines.poll(wait.toNanos(), TimeUnit.NANOSECONDS));
        }

        /** The next line if one is there, else null. */
        String poll() {
            return taken(lines.poll());
        }

        private String taken(String line) {
            if (line != null) {
                queuedBytes.addAndGet(-line.length());
            }
            return line;
        }

        /** How many lines were dropped since the last call. */
        long takeDropped() {
            return dropped.getAndSet(0);
        }

        @Override
        public void close() {
            ATTACH.lock();
            try {
                TAILS.remove(this);
                if (TAILS.isEmpty()) {
                    Logger.getLogger("").removeHandler(TAP);
                }
            } finally {
                ATTACH.unlock();
            }
        }
    }

    /**
     * Starts a tail of the records at {@code minimum} or above (a rank of {@link LogLevels#rank}).
     *
     * @return the tail, to be closed when its client has gone
     */
    static Tail open(int minimum) {
        Tail tail = new Tail(minimum);
        ATTACH.lock();
        try {
            TAILS.add(tail);
            Logger root = Logger.getLogger("");
            if (!List.of(root.getHandlers()).contains(TAP)) {
                root.addHandler(TAP);
            }
        } finally {
            ATTACH.unlock();
        }
        return tail;
    }

    /** How many tails are open (their clients not gone yet). */
    static int openTails() {
        return TAILS.size();
    }

    /**
     * The line a tail writes about the records it dropped, in the records' shape.
     *
     * @param count how many were dropped
     */
    static String droppedLine(long count) {
        return line("warn", Instant.now(), LogTail.class.getName(),
                caller(LogTail.class.getName(), "droppedLine"),
                "log tail dropped " + count + " records: the client read more slowly than they were written", null);
    }

    /** Hands each record to the tails that want it; formats it once, and only when one does. */
    private static final class Tap extends Handler {
        Tap() {
            setLevel(Level.ALL);
        }

        @Override
        public void publish(LogRecord record) {
            int rank = LogLevels.rank(record.getLevel());
            String line = null;
            for (Tail t : TAILS) {
                if (rank < t.minRank) {
                    continue;
                }
                if (line == null) {
                    line = format(record);
                }
                t.offer(rank, line);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    private static String format(LogRecord record) {
        String logger = record.getLoggerName() == null ? "" : record.getLoggerName();
        String message;
        try {
            message = MESSAGES.formatMessage(record);
        } catch (RuntimeException e) {
            message = String.valueOf(record.getMessage()); // a pattern that does not format is written as it is
        }
        Throwable thrown = record.getThrown();
        return line(LogLevels.name(record.getLevel()), record.getInstant(), logger,
                caller(record.getSourceClassName(), record.getSourceMethodName()), message,
                thrown == null ? null : thrown.toString());
    }

    private static String line(String level, Instant at, String logger, Optional<String> caller, String message,
                               String error) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("level", level);
        o.put("ts", TS.format(at.atZone(ZoneId.systemDefault())));
        o.put("logger", logger);
        caller.ifPresent(c -> o.put("caller", c)); // zap leaves out a caller it does not know
        o.put("msg", message);
        if (error != null) {
            o.put("error", error);
        }
        return Json.write(o) + "\n";
    }

    /**
     * zap's short caller, {@code package/file.go:line}, for the frame of this thread that is the
     * record's source: here {@code rpc/LogCommands.java:57} (the package's last name, the file, the line).
     */
    private static Optional<String> caller(String className, String methodName) {
        if (className == null || methodName == null) {
            return Optional.empty();
        }
        return StackWalker.getInstance().walk(frames -> frames
                .filter(f -> f.getClassName().equals(className) && f.getMethodName().equals(methodName))
                .findFirst()
                .map(f -> {
                    String pkg = className.lastIndexOf('.') < 0 ? "" : className.substring(0, className.lastIndexOf('.'));
                    String last = pkg.substring(pkg.lastIndexOf('.') + 1);
                    String file = f.getFileName() == null ? className.substring(pkg.length() + 1) : f.getFileName();
                    return (last.isEmpty() ? "" : last + "/") + file + ":" + f.getLineNumber();
                }));
    }
}
