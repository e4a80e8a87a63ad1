package io.p2pkit.pubsub.gossip;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.pubsub.MessageId;
import io.p2pkit.pubsub.PubsubMessage;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Recent messages in {@code historyLength} heartbeat windows, for answering IWANT; the newest
 * {@code historyGossip} windows are advertised in IHAVE. Counts how often each peer asked for
 * each message, so that a peer cannot make us retransmit without end. Owner-thread only.
 */
final class MessageCache {
    private record Entry(MessageId id, String topic) {
    }

    private final int historyGossip;
    private final int capacity;
    private final ArrayDeque<List<Entry>> windows = new ArrayDeque<>();
    private final Map<MessageId, PubsubMessage> messages = new HashMap<>();
    private final Map<MessageId, Map<PeerId, Integer>> transmissions = new HashMap<>();

    MessageCache(int historyLength, int historyGossip, int capacity) {
        this.historyGossip = historyGossip;
        this.capacity = capacity;
        for (int i = 0; i < historyLength; i++) {
            windows.add(new ArrayList<>());
        }
    }

    /** Caches a message in the current window; false if full or already there. */
    boolean put(MessageId id, PubsubMessage m) {
        if (messages.size() >= capacity || messages.putIfAbsent(id, m) != null) {
            return false;
        }
        windows.peekFirst().add(new Entry(id, m.topic()));
        return true;
    }

    PubsubMessage get(MessageId id) {
        return messages.get(id);
    }

    /** The message and how many times {@code peer} has now asked for it, or null if not cached. */
    PubsubMessage getForPeer(MessageId id, PeerId peer, int maxTransmissions) {
        PubsubMessage m = messages.get(id);
        if (m == null) {
            return null;
        }
        Map<PeerId, Integer> counts = transmissions.computeIfAbsent(id, k -> new HashMap<>());
        int n = counts.merge(peer, 1, Integer::sum);
        return n > maxTransmissions ? null : m;
    }

    /** IDs of {@code topic} in the gossip windows, newest first. */
    List<MessageId> gossipIds(String topic) {
        List<MessageId> out = new ArrayList<>();
        Iterator<List<Entry>> it = windows.iterator();
        for (int i = 0; i < historyGossip && it.hasNext(); i++) {
            for (Entry e : it.next()) {
                if (e.topic().equals(topic)) {
                    out.add(e.id());
                }
            }
        }
        return out;
    }

    /** Starts a new window, dropping the oldest one's messages. */
    void shift() {
        for (Entry e : windows.pollLast()) {
            messages.remove(e.id());
            transmissions.remove(e.id());
        }
        windows.addFirst(new ArrayList<>());
    }

    int size() {
        return messages.size();
    }
}
