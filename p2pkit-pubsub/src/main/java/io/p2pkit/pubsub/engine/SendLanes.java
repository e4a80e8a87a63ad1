package io.p2pkit.pubsub.engine;

import io.p2pkit.pubsub.PubsubConfig;
import io.p2pkit.pubsub.PubsubMessage;
import io.p2pkit.pubsub.Rpc;
import io.p2pkit.pubsub.RpcCodec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The bounded send queue of one peer: a priority lane for control RPCs and a dropping lane for
 * messages, drained control first, with queued messages batched into one RPC of at most a given
 * size. Not thread-safe: {@link PeerSender} guards it with its lock, a simulation runs it on one thread.
 */
public final class SendLanes {
    private final ArrayDeque<Rpc> control = new ArrayDeque<>();
    private final ArrayDeque<PubsubMessage> messages = new ArrayDeque<>();
    private final int controlCapacity;
    private final int messageCapacity;
    private final int maxBatchBytes;
    private long droppedControl;
    private long droppedMessages;
    private boolean closed;

    /**
     * Lanes of the given capacities (in RPCs and in messages); a batch of messages stops before
     * going over {@code maxBatchBytes}, but always holds at least one.
     */
    public SendLanes(int controlCapacity, int messageCapacity, int maxBatchBytes) {
        this.controlCapacity = controlCapacity;
        this.messageCapacity = messageCapacity;
        this.maxBatchBytes = maxBatchBytes;
    }

    /** The lanes a {@link PubsubConfig} asks for: batches of up to half the RPC size cap. */
    public static SendLanes of(PubsubConfig config) {
        return new SendLanes(config.controlQueueCapacity(), config.messageQueueCapacity(),
                Math.max(1024, config.rpcLimits().maxRpcBytes() / 2));
    }

    /** Queues a control RPC; false (and counted) if its lane is full or the lanes are closed. */
    public boolean offerControl(Rpc rpc) {
        if (closed || control.size() >= controlCapacity) {
            droppedControl++;
            return false;
        }
        control.add(rpc);
        return true;
    }

    /** Queues a message; false (and counted) if its lane is full or the lanes are closed. */
    public boolean offerMessage(PubsubMessage message) {
        if (closed || messages.size() >= messageCapacity) {
            droppedMessages++;
            return false;
        }
        messages.add(message);
        return true;
    }

    /** Whether both lanes are empty. */
    public boolean isEmpty() {
        return control.isEmpty() && messages.isEmpty();
    }

    /** The next RPC to send: the oldest control RPC, else a batch of the oldest messages; null if empty. */
    public Rpc poll() {
        Rpc c = control.poll();
        if (c != null) {
            return c;
        }
        if (messages.isEmpty()) {
            return null;
        }
        List<PubsubMessage> batch = new ArrayList<>();
        int bytes = 0;
        while (!messages.isEmpty()) {
            int size = RpcCodec.encodedSize(messages.peek());
            if (!batch.isEmpty() && bytes + size > maxBatchBytes) {
                break;
            }
            batch.add(messages.poll());
            bytes += size;
        }
        return Rpc.ofMessages(batch);
    }

    /**
     * Drops everything queued (not counted as dropped: the link is going away); later offers are
     * refused and counted. Idempotent.
     */
    public void close() {
        closed = true;
        control.clear();
        messages.clear();
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    /** Messages dropped because the message lane was full. */
    public long droppedMessages() {
        return droppedMessages;
    }

    /** Control RPCs dropped because the priority lane was full. */
    public long droppedControl() {
        return droppedControl;
    }
}
