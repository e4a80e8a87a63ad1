package io.p2pkit.core.network;

import io.p2pkit.core.muxer.MuxedStream;
import io.p2pkit.core.resource.StreamSpan;

/** Receives each stream a remote opens, on a virtual thread of its own. */
@FunctionalInterface
public interface InboundStreamHandler {
    /**
     * Handles a new inbound stream. The handler owns the stream and its span and must close both.
     */
    void handle(MuxedStream stream, StreamSpan span, Connection connection);
}
