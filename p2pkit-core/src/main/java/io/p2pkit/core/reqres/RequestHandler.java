package io.p2pkit.core.reqres;

import io.p2pkit.core.network.Connection;

/**
 * Answers one request. Called on the inbound stream's own virtual thread, so it may block; it
 * runs under the request timeout, after which the stream is reset. Throwing resets the stream:
 * the requester sees a {@link RequestResponseException.RemoteReset}.
 *
 * @param <Q> the request type
 * @param <R> the response type
 */
@FunctionalInterface
public interface RequestHandler<Q, R> {
    /** The response to {@code request}, which came over {@code from}. */
    R handle(Connection from, Q request) throws Exception;
}
