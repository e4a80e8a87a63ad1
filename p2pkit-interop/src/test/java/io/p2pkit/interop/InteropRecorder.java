package io.p2pkit.interop;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

import java.util.Optional;

/** Records the outcome of every test of an {@link InteropArea} class in the shared matrix. */
final class InteropRecorder implements TestWatcher {
    @Override
    public void testSuccessful(ExtensionContext context) {
        record(context, InteropMatrix.Outcome.PASS, "");
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        record(context, InteropMatrix.Outcome.FAIL, String.valueOf(cause.getMessage()));
    }

    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
        if (cause instanceof KnownFailure known) {
            record(context, InteropMatrix.Outcome.KNOWN_FAILURE, known.getMessage());
        } else {
            record(context, InteropMatrix.Outcome.SKIP, String.valueOf(cause.getMessage()));
        }
    }

    @Override
    public void testDisabled(ExtensionContext context, Optional<String> reason) {
        record(context, InteropMatrix.Outcome.SKIP, reason.orElse("disabled"));
    }

    private static void record(ExtensionContext context, InteropMatrix.Outcome outcome, String reason) {
        String area = context.getRequiredTestClass().getAnnotation(InteropArea.class).value();
        InteropMatrix.shared().record(new InteropMatrix.Result(area, name(context), outcome, reason));
    }

    // The display name, without the quotes JUnit puts around text arguments; a test without a
    // @DisplayName by its method name, in words.
    private static String name(ExtensionContext context) {
        String display = context.getDisplayName();
        if (!display.endsWith("()")) {
            return display.replace("\"", "");
        }
        return context.getRequiredTestMethod().getName().replaceAll("([a-z0-9])([A-Z])", "$1 $2")
                .toLowerCase(java.util.Locale.ROOT);
    }
}
