package io.p2pkit.testing;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertThrows;

/** Running a step of a test on a thread of its own, and waiting for it with a deadline. */
public final class Futures {
    /** How long {@link #await} and {@link #failure} wait. */
    public static final Duration TIMEOUT = Duration.ofSeconds(60);

    private Futures() {
    }

    /** Runs {@code call} on a virtual thread; the future holds its result or what it threw. */
    public static <T> CompletableFuture<T> async(Callable<T> call) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                f.complete(call.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    /** The result of {@code f}, rethrowing what it failed with (an exception as itself). */
    public static <T> T await(CompletableFuture<T> f) throws Exception {
        try {
            return f.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
    }

    /** What {@code f} failed with; the test fails if it succeeds or does not end in time. */
    public static Throwable failure(CompletableFuture<?> f) {
        return assertThrows(ExecutionException.class, () -> f.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).getCause();
    }
}
