package io.p2pkit.testing;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.engine.support.descriptor.AbstractTestDescriptor;
import org.junit.platform.launcher.TestIdentifier;
import org.opentest4j.TestAbortedException;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrerequisitesTest {
    private final String ciBefore = System.getProperty("p2pkit.ci");

    @AfterEach
    void restore() {
        if (ciBefore == null) {
            System.clearProperty("p2pkit.ci");
        } else {
            System.setProperty("p2pkit.ci", ciBefore);
        }
    }

    @Test
    void aMissingPrerequisiteSkipsOutsideCiAndFailsInCi() {
        Prerequisites.require(true, "never shown");
        boolean envCi = "true".equalsIgnoreCase(System.getenv("CI"));
        if (!envCi) {
            System.clearProperty("p2pkit.ci");
            TestAbortedException skip = assertThrows(TestAbortedException.class,
                    () -> Prerequisites.require(false, "frob is not installed"));
            assertEquals("frob is not installed", skip.getMessage());
        }
        System.setProperty("p2pkit.ci", "true");
        AssertionError fail = assertThrows(AssertionError.class, () -> Prerequisites.require(false, "frob is not installed"));
        assertEquals("required under CI=true, but frob is not installed", fail.getMessage());
    }

    @Test
    void programsAreFoundOnThePathAndInTheUsualFolders() {
        assertTrue(Prerequisites.findProgram("sh").isPresent(), "sh");
        assertTrue(Prerequisites.findProgram("no-such-program-p2pkit").isEmpty());
    }

    @Test
    void theSummaryNamesEverySkipOnce() {
        SkipSummary summary = new SkipSummary();
        TestIdentifier a = test("a");
        TestIdentifier b = test("b");
        summary.executionFinished(a, TestExecutionResult.aborted(new TestAbortedException("redis-server is not installed")));
        summary.executionFinished(b, TestExecutionResult.aborted(new TestAbortedException("redis-server is not installed")));
        summary.executionFinished(b, TestExecutionResult.successful());
        summary.executionSkipped(test("c"), "not on this platform");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream was = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            summary.testPlanExecutionFinished(null);
            summary.testPlanExecutionFinished(null); // printed once, then cleared
        } finally {
            System.setOut(was);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(1, printed.lines().count(), printed);
        assertTrue(printed.startsWith("p2pkit: 3 skipped (c disabled: not on this platform ×1; "
                + "redis-server is not installed ×2)"), printed);
    }

    private static TestIdentifier test(String name) {
        TestDescriptor d = new AbstractTestDescriptor(UniqueId.forEngine("e").append("test", name), name) {
            @Override
            public Type getType() {
                return Type.TEST;
            }
        };
        return TestIdentifier.from(d);
    }
}
