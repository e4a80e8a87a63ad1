package io.p2pkit.node.rpc;

import io.p2pkit.node.cli.content.GoTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The request log behind {@code diag/cmds}: Kubo's entries, the keep time, {@code clear} and the cap. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RequestLogTest {
    /** A clock the test moves. */
    private static final class StepClock extends Clock {
        private Instant now = Instant.parse("2026-01-02T03:04:05.123456789Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    private static List<Object> ids(RequestLog log) {
        return log.report().stream().map(m -> m.get("ID")).toList();
    }

    @Test
    void entriesHaveKubosFieldsAndARunningOneHasGosZeroEndTime() {
        StepClock clock = new StepClock();
        RequestLog log = new RequestLog(clock);
        RequestLog.Entry e = log.start("id", Map.of("format", "x", "encoding", "json"), List.of("foo"));
        Map<String, Object> running = log.report().getFirst();
        assertEquals(List.of("StartTime", "EndTime", "Active", "Command", "Options", "Args", "ID"), List.copyOf(running.keySet()));
        assertEquals(GoTime.rfc3339(clock.instant()), running.get("StartTime"));
        assertEquals("0001-01-01T00:00:00Z", running.get("EndTime"));
        assertEquals(true, running.get("Active"));
        assertEquals("id", running.get("Command"));
        assertEquals(List.of("encoding", "format"), List.copyOf(((Map<?, ?>) running.get("Options")).keySet()),
                "sorted, as Go writes a map");
        assertEquals(List.of("foo"), running.get("Args"));
        assertEquals(0, running.get("ID"));

        log.keep(Duration.ofMinutes(1));
        clock.advance(Duration.ofMillis(5));
        log.finish(e);
        Map<String, Object> done = log.report().getFirst();
        assertEquals(false, done.get("Active"));
        assertEquals(GoTime.rfc3339(clock.instant()), done.get("EndTime"));
        assertEquals(1, log.start("version", Map.of(), List.of()).id(), "IDs go on");
    }

    @Test
    void finishedRequestsStayForTheKeepTimeAndClearDropsThem() {
        StepClock clock = new StepClock();
        RequestLog log = new RequestLog(clock);
        log.finish(log.start("a", Map.of(), List.of()));
        RequestLog.Entry running = log.start("b", Map.of(), List.of());
        assertEquals(List.of(1), ids(log), "Kubo's default keep time is none: a finished request goes");

        log.keep(Duration.ofSeconds(10));
        log.finish(log.start("c", Map.of(), List.of()));
        clock.advance(Duration.ofSeconds(5));
        log.finish(log.start("d", Map.of(), List.of()));
        assertEquals(List.of(1, 2, 3), ids(log));
        clock.advance(Duration.ofSeconds(5));
        assertEquals(List.of(1, 3), ids(log), "c's ten seconds are over, d's are not");
        assertEquals(List.of(1, 3), ids(log));

        log.clearFinished();
        assertEquals(List.of(1), ids(log), "clear leaves the running ones");
        log.finish(running);
        assertEquals(List.of(1), ids(log));
        log.keep(Duration.ofSeconds(-1));
        assertEquals(Duration.ZERO, log.keep(), "a negative time keeps nothing");
        assertEquals(List.of(), ids(log));
    }

    @Test
    void atMostTheCapOfFinishedRequestsIsKeptTheOldestDroppedFirst() {
        StepClock clock = new StepClock();
        RequestLog log = new RequestLog(clock);
        log.keep(Duration.ofHours(1));
        RequestLog.Entry running = log.start("long", Map.of(), List.of());
        int total = RequestLog.MAX_FINISHED + 100;
        for (int i = 0; i < total; i++) {
            log.finish(log.start("c", Map.of(), List.of(Integer.toString(i))));
        }
        List<Map<String, Object>> report = log.report();
        assertEquals(RequestLog.MAX_FINISHED + 1, report.size(), "the cap, and the running request");
        assertEquals(running.id(), report.getFirst().get("ID"), "a running request is never dropped");
        assertEquals(List.of("100"), report.get(1).get("Args"), "the oldest finished ones went");
        assertEquals(List.of(Integer.toString(total - 1)), report.getLast().get("Args"));
    }
}
