package io.p2pkit.core.security.tls;

import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Keeps BouncyCastle's JSSE provider off the application's console. BCJSSE logs through
 * java.util.logging: at INFO, the security properties it reads and every connection it accepts;
 * at WARNING, each entry of the JDK's {@code jdk.tls.disabledAlgorithms} and
 * {@code jdk.certpath.disabledAlgorithms} it does not understand (for example {@code SHA1 usage
 * SignedJAR & denyAfter 2019-01-01}). With the JDK's default logging configuration all of that
 * lands on stderr of any program that makes a TLS connection through p2pkit.
 *
 * <p>These records are routed to p2pkit's own logger {@value #ROUTED_NAME} at DEBUG (TRACE for
 * FINE and below), where they are invisible by default and available to whoever enables that
 * logger. Only BouncyCastle's {@value #BC_JSSE} logger is touched, never the root logger or the
 * LogManager; and not even that one when the application configured it (a level or handlers, in
 * code or in its logging properties): then its configuration stands.
 */
final class BouncyCastleLogging {
    /** The parent of BCJSSE's loggers (they are named after its classes). */
    static final String BC_JSSE = "org.bouncycastle.jsse";
    /** Where the records go. */
    static final String ROUTED_NAME = "io.p2pkit.core.security.tls.bouncycastle";

    private static final System.Logger ROUTED = System.getLogger(ROUTED_NAME);
    /** Held so that java.util.logging does not forget the handler of a logger nobody references. */
    private static volatile Logger routedFrom;

    private BouncyCastleLogging() {
    }

    /** Routes BCJSSE's records, unless the application configured its logger. Idempotent. */
    static void install() {
        if (routedFrom != null) {
            return;
        }
        Logger bc = Logger.getLogger(BC_JSSE);
        if (configuredByApplication(bc)) {
            return;
        }
        bc.setUseParentHandlers(false);
        bc.addHandler(new Router());
        routedFrom = bc;
    }

    private static boolean configuredByApplication(Logger bc) {
        LogManager manager = LogManager.getLogManager();
        return bc.getLevel() != null || bc.getHandlers().length > 0 || !bc.getUseParentHandlers()
                || manager.getProperty(BC_JSSE + ".level") != null || manager.getProperty(BC_JSSE + ".handlers") != null;
    }

    /** Hands each record to p2pkit's logger, lowered to DEBUG: they are notes, not problems of the application's. */
    private static final class Router extends Handler {
        private final Formatter formatter = new Formatter() {
            @Override
            public String format(LogRecord r) {
                return formatMessage(r);
            }
        };

        @Override
        public void publish(LogRecord r) {
            System.Logger.Level level = r.getLevel().intValue() >= Level.INFO.intValue()
                    ? System.Logger.Level.DEBUG : System.Logger.Level.TRACE;
            if (!ROUTED.isLoggable(level)) {
                return;
            }
            String text = r.getLoggerName() + ": " + formatter.format(r);
            if (r.getThrown() != null) {
                ROUTED.log(level, text, r.getThrown());
            } else {
                ROUTED.log(level, text);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
