package io.p2pkit.pubsub.simulation;

import io.p2pkit.pubsub.engine.PeerLink;
import io.p2pkit.pubsub.engine.SendLanes;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.pubsub.PubsubMessage;
import io.p2pkit.pubsub.Rpc;
import io.p2pkit.pubsub.RpcCodec;

/**
 * A node's outbound pubsub stream in virtual time: the same bounded {@link SendLanes} as a real
 * stream, drained by a writer that sends one RPC frame at a time at the link's bandwidth, each
 * arriving one link latency after it was sent. Like a writer thread woken by the router, the
 * writer starts after the current event, so that what the router queues in one go is batched.
 */
final class SimLink implements PeerLink {
    private final SimNode from;
    private final SimNode to;
    private final SimNetwork.Connection connection;
    private final SendLanes lanes;
    private boolean writing;
    private long sentBytes;

    SimLink(SimNode from, SimNode to, SimNetwork.Connection connection, SendLanes lanes) {
        this.from = from;
        this.to = to;
        this.connection = connection;
        this.lanes = lanes;
    }

    @Override
    public PeerId peer() {
        return to.peerId();
    }

    @Override
    public boolean offerControl(Rpc rpc) {
        if (!lanes.offerControl(rpc)) {
            return false;
        }
        wake();
        return true;
    }

    @Override
    public boolean offerMessage(PubsubMessage message) {
        if (!lanes.offerMessage(message)) {
            return false;
        }
        wake();
        return true;
    }

    private void wake() {
        if (!writing) {
            writing = true;
            from.time().after(0, this::writeNext);
        }
    }

    /** Sends the next RPC, or goes idle; the link is busy for the frame's transmission time. */
    private void writeNext() {
        Rpc rpc = lanes.poll();
        if (rpc == null) {
            writing = false;
            return;
        }
        byte[] frame = RpcCodec.encodedShared(rpc);
        sentBytes += frame.length;
        SimNetwork net = from.network();
        long transmit = net.transmitNanos(frame.length + varintLength(frame.length));
        long latency = net.latencyNanos(from, to);
        from.time().after(transmit + latency, () -> to.received(from, connection, frame));
        from.time().after(transmit, this::writeNext);
    }

    private static int varintLength(int n) {
        return n < 1 << 7 ? 1 : n < 1 << 14 ? 2 : n < 1 << 21 ? 3 : n < 1 << 28 ? 4 : 5;
    }

    @Override
    public long sentBytes() {
        return sentBytes;
    }

    @Override
    public long droppedMessages() {
        return lanes.droppedMessages();
    }

    @Override
    public long droppedControl() {
        return lanes.droppedControl();
    }

    @Override
    public void close() {
        lanes.close();
    }

    boolean isClosed() {
        return lanes.isClosed();
    }

    @Override
    public String toString() {
        return "SimLink[" + from.index() + " -> " + to.index() + (lanes.isClosed() ? ", closed" : "") + "]";
    }
}
