package io.p2pkit.core.swarm;

/** Receives each stream a remote opens, on a virtual thread of its own (the host negotiates its protocol). */
@FunctionalInterface
public interface InboundStreamHandler {
    /** Handles a new inbound stream; the handler owns it and must reset or release it. */
    void handle(SwarmStream stream);
}
