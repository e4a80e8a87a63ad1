package io.p2pkit.node.rpc;

import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.node.cli.content.GoQuote;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/**
 * Kubo's log levels (go-log's, which are zap's) over the java.util.logging loggers p2pkit logs
 * through ({@code System.getLogger} goes to them). A subsystem is a logger's name, a class
 * ({@code io.p2pkit.kad.KadDht}) or any prefix of one ({@code io.p2pkit.kad}, which its classes
 * follow); the default level is the root logger's.
 *
 * <pre>
 * Kubo     java.util.logging
 * debug    FINE (FINER, FINEST read as debug)
 * info     INFO (CONFIG reads as info)
 * warn     WARNING
 * error    SEVERE
 * dpanic   1100, panic 1200, fatal 1300: above SEVERE, so nothing p2pkit logs gets through
 * </pre>
 */
final class LogLevels {
    /** Kubo's name of the default level in {@code log level all}. */
    static final String DEFAULT_KEY = "(default)";
    /** Loggers given a level here, held: java.util.logging forgets the level of a logger nobody holds. */
    private static final Map<String, Logger> HELD = new ConcurrentHashMap<>();
    /** At most this many subsystems are given levels (a client may name any). */
    private static final int MAX_HELD = 1024;
    private static final List<String> NAMES = List.of("debug", "info", "warn", "error", "dpanic", "panic", "fatal");
    private static final List<Level> LEVELS = List.of(Level.FINE, Level.INFO, Level.WARNING, Level.SEVERE,
            Level.parse("1100"), Level.parse("1200"), Level.parse("1300"));

    private LogLevels() {
    }

    /** go-log's {@code GetSubsystems}: the loggers that exist, sorted. */
    static List<String> subsystems() {
        LazyLogger.resolveAll(); // the loaded classes' loggers, also those that have not logged yet
        List<String> names = new ArrayList<>();
        for (String n : Collections.list(LogManager.getLogManager().getLoggerNames())) {
            if (!n.isEmpty()) {
                names.add(n);
            }
        }
        names.sort(null);
        return names;
    }

    /** The default level's name: the root logger's. */
    static String defaultLevel() {
        return name(effective(Logger.getLogger("")));
    }

    /**
     * @return one subsystem's level
     * @throws RpcError go-log's {@code error: No such logger} when no logger has that name
     */
    static String level(String subsystem) {
        LazyLogger.resolveAll();
        Logger l = LogManager.getLogManager().getLogger(subsystem);
        if (l == null) {
            throw RpcError.failed("error: No such logger");
        }
        return name(effective(l));
    }

    /** Every subsystem's level and the default's (as {@value #DEFAULT_KEY}), sorted. */
    static Map<String, String> all() {
        Map<String, String> out = new TreeMap<>();
        for (String n : subsystems()) {
            Logger l = LogManager.getLogManager().getLogger(n);
            if (l != null) {
                out.put(n, name(effective(l)));
            }
        }
        out.put(DEFAULT_KEY, defaultLevel());
        return out;
    }

    /**
     * go-log's {@code SetLogLevel}: {@code *} sets every logger and the default; any other name
     * sets that logger (made when it does not exist yet, as go-log makes an entry for it).
     *
     * @throws RpcError zap's {@code unrecognized level: "x"}
     */
    static void set(String subsystem, String kuboLevel) {
        Level level = parse(kuboLevel);
        if (subsystem.equals("*")) {
            Logger.getLogger("").setLevel(level); // loggers made later take it from the root
            for (String n : subsystems()) {
                Logger l = LogManager.getLogManager().getLogger(n);
                if (l != null) {
                    l.setLevel(level);
                }
            }
        } else {
            hold(subsystem).setLevel(level);
        }
        // the console handler has a level of its own (INFO): lowered, or debug lines would be dropped there
        for (Handler h : Logger.getLogger("").getHandlers()) {
            if (h.getLevel().intValue() > level.intValue()) {
                h.setLevel(level);
            }
        }
    }

    private static Logger hold(String name) {
        Logger held = HELD.get(name);
        if (held != null) {
            return held;
        }
        if (HELD.size() >= MAX_HELD) {
            throw RpcError.failed("levels are set on " + MAX_HELD + " subsystems already: set a common prefix instead");
        }
        return HELD.computeIfAbsent(name, Logger::getLogger);
    }

    /** zap's level names, in any case, as {@code Level.Set} reads them. */
    static Level parse(String text) {
        int i = NAMES.indexOf(text.toLowerCase(Locale.ROOT));
        if (i < 0) {
            throw RpcError.failed("unrecognized level: " + GoQuote.quote(text));
        }
        return LEVELS.get(i);
    }

    private static Level effective(Logger logger) {
        for (Logger l = logger; l != null; l = l.getParent()) {
            if (l.getLevel() != null) {
                return l.getLevel();
            }
        }
        return Level.INFO;
    }

    /** The rank of a level's Kubo name: 0 for debug up to 6 for fatal, zap's order. */
    static int rank(Level level) {
        return NAMES.indexOf(name(level));
    }

    /** The Kubo name of a java.util.logging level: the most verbose Kubo level that lets it through. */
    static String name(Level level) {
        int v = level.intValue();
        for (int i = 0; i < LEVELS.size(); i++) {
            if (v <= LEVELS.get(i).intValue()) {
                return NAMES.get(i);
            }
        }
        return "fatal";
    }
}
