package io.p2pkit.quic;

import io.netty.util.concurrent.Future;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for Netty futures from virtual threads. Netty's own {@code await} waits inside
 * {@code synchronized}, which pins a virtual thread's carrier on JDK 21; a listener completing a
 * {@link CompletableFuture} does not.
 */
final class NettyFutures {
    private NettyFutures() {
    }

    static <T> T await(Future<T> future, Duration timeout, String what) throws IOException {
        CompletableFuture<T> done = new CompletableFuture<>();
        future.addListener(f -> {
            if (f.isSuccess()) {
                @SuppressWarnings("unchecked")
                T value = (T) f.getNow();
                done.complete(value);
            } else {
                done.completeExceptionally(f.cause() != null ? f.cause() : new IOException(what + " cancelled"));
            }
        });
        try {
            return done.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            future.cancel(false);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted: " + what);
        } catch (TimeoutException e) {
            future.cancel(false);
            throw new IOException(what + " timed out after " + timeout);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException(what + " failed: " + cause, cause);
        }
    }
}
