package io.p2pkit.interop;

import org.opentest4j.TestAbortedException;

/**
 * A case that fails for a known, documented reason. It still runs on every build and must still
 * fail ({@link #expect}); the matrix lists it as a known failure, not a pass and not a skip.
 */
final class KnownFailure extends TestAbortedException {
    private static final long serialVersionUID = 1L;

    private KnownFailure(String reason, Throwable failure) {
        super(reason, failure);
    }

    /** One step of a case. */
    interface Step {
        void run() throws Exception;
    }

    /**
     * Runs a case that may be listed as a known failure.
     *
     * @param reason why the case is expected to fail, or {@code null} when it must pass
     * @param step   the case
     * @throws Exception what the case threw, when it was not expected to fail
     */
    static void expect(String reason, Step step) throws Exception {
        try {
            step.run();
        } catch (Exception | AssertionError e) {
            if (reason != null) {
                throw new KnownFailure(reason, e);
            }
            throw e;
        }
        if (reason != null) {
            throw new AssertionError("this case works now: remove it from the known failures (" + reason + ")");
        }
    }
}
