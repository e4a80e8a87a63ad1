package io.p2pkit.node.http;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * At most so many requests served at once; one more is answered at once with 429, {@code
 * Retry-After: 60} and {@code Cache-Control: no-store}, as boxo's concurrent request limiter
 * (Kubo's {@code Gateway.MaxConcurrentRequests}), instead of queueing until memory runs out.
 */
final class RequestLimit extends Handler.Wrapper {
    /** boxo's wait before a retry. */
    static final int RETRY_AFTER_SECONDS = 60;

    private final Semaphore slots;

    RequestLimit(int max, Handler handler) {
        super(handler);
        this.slots = new Semaphore(max);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (!slots.tryAcquire()) {
            response.getHeaders().put("Cache-Control", "no-store");
            response.getHeaders().put("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
            Response.writeError(request, response, callback, 429,
                    "Too many requests. Please retry after " + RETRY_AFTER_SECONDS + " seconds.");
            return true;
        }
        // the slot is given back once, whichever comes first: the response's end, a throw, or no handler
        AtomicBoolean held = new AtomicBoolean(true);
        Runnable release = () -> {
            if (held.getAndSet(false)) {
                slots.release();
            }
        };
        boolean handled;
        try {
            handled = super.handle(request, response, Callback.from(release, callback));
        } catch (Exception | Error e) {
            release.run();
            throw e;
        }
        if (!handled) {
            release.run();
        }
        return handled;
    }
}
