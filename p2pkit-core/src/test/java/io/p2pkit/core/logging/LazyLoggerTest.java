package io.p2pkit.core.logging;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LazyLoggerTest {
    /** A JUL handler that keeps what reaches it. */
    private static final class Kept extends Handler {
        final List<LogRecord> records = new ArrayList<>();

        @Override
        public void publish(LogRecord r) {
            r.getSourceClassName(); // the caller is inferred now, while the logging frames are on the stack
            records.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void recordsReachTheNamedLoggerAndNameTheClassThatLogged() {
        System.Logger log = LazyLogger.of(LazyLoggerTest.class);
        assertEquals(LazyLoggerTest.class.getName(), log.getName());
        Logger jul = Logger.getLogger(LazyLoggerTest.class.getName());
        Kept kept = new Kept();
        Level before = jul.getLevel();
        jul.addHandler(kept);
        jul.setUseParentHandlers(false); // the console need not print the test's error
        jul.setLevel(Level.FINE);
        try {
            RuntimeException thrown = new RuntimeException("boom");
            log.log(System.Logger.Level.DEBUG, "plain");
            log.log(System.Logger.Level.WARNING, "with {0} and {1}", "a", 7);
            log.log(System.Logger.Level.ERROR, "failed", thrown);
            log.log(System.Logger.Level.TRACE, "below the level");

            assertEquals(3, kept.records.size());
            assertEquals(Level.FINE, kept.records.get(0).getLevel());
            assertEquals("plain", kept.records.get(0).getMessage());
            assertEquals(Level.WARNING, kept.records.get(1).getLevel());
            assertEquals(List.of("a", 7), List.of(kept.records.get(1).getParameters()));
            assertSame(thrown, kept.records.get(2).getThrown());
            for (LogRecord r : kept.records) {
                assertEquals(LazyLoggerTest.class.getName(), r.getSourceClassName());
                assertEquals("recordsReachTheNamedLoggerAndNameTheClassThatLogged", r.getSourceMethodName());
            }
        } finally {
            jul.removeHandler(kept);
            jul.setUseParentHandlers(true);
            jul.setLevel(before);
        }
    }

    @Test
    void levelsAreTheUnderlyingLoggers() {
        System.Logger log = LazyLogger.of(Kept.class);
        Logger jul = Logger.getLogger(Kept.class.getName());
        Level before = jul.getLevel();
        try {
            jul.setLevel(Level.WARNING);
            assertFalse(log.isLoggable(System.Logger.Level.INFO));
            assertTrue(log.isLoggable(System.Logger.Level.ERROR));
            jul.setLevel(Level.ALL);
            assertTrue(log.isLoggable(System.Logger.Level.TRACE));
        } finally {
            jul.setLevel(before);
        }
    }

    /** A class whose logger never logs. */
    private static final class Quiet {
        static final System.Logger LOG = LazyLogger.of(Quiet.class);
    }

    @Test
    void aLoggerExistsInTheBackendOnlyOnceUsedOrResolved() {
        assertEquals(Quiet.class.getName(), Quiet.LOG.getName());
        assertNull(LogManager.getLogManager().getLogger(Quiet.class.getName()), "made before it was used");
        LazyLogger.resolveAll();
        assertNotNull(LogManager.getLogManager().getLogger(Quiet.class.getName()));
    }
}
