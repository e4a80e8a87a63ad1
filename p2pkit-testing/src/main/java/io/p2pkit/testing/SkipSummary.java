package io.p2pkit.testing;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

/**
 * Prints one line at the end of a test run naming what was skipped and why, so that a skip is
 * never silent. Registered through {@code META-INF/services}: every module whose tests depend on
 * this one gets it.
 */
public final class SkipSummary implements TestExecutionListener {
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Integer> reasons = new TreeMap<>();

    /** Creates the listener (called by the JUnit launcher). */
    public SkipSummary() {
    }

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        count(test.getDisplayName() + " disabled: " + reason);
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
            count(result.getThrowable().map(Throwable::getMessage).orElse("no reason given"));
        }
    }

    @Override
    public void testPlanExecutionFinished(TestPlan plan) {
        lock.lock();
        try {
            if (reasons.isEmpty()) {
                return;
            }
            int total = reasons.values().stream().mapToInt(Integer::intValue).sum();
            System.out.println("p2pkit: " + total + " skipped (" + reasons.entrySet().stream()
                    .map(e -> e.getKey() + " ×" + e.getValue()).collect(Collectors.joining("; "))
                    + ")" + (Prerequisites.inCi() ? "" : "; under CI=true these would fail"));
            reasons.clear();
        } finally {
            lock.unlock();
        }
    }

    private void count(String reason) {
        String key = reason == null ? "no reason given" : reason.lines().findFirst().orElse("");
        lock.lock();
        try {
            reasons.merge(key, 1, Integer::sum);
        } finally {
            lock.unlock();
        }
    }
}
