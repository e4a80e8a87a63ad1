package io.p2pkit.core.identify;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Our own addresses as other peers report seeing them (identify's {@code observedAddr}), with
 * how many distinct peers reported each. NAT detection and address advertisement build on this.
 * Bounded: at most {@link #MAX_ADDRESSES} addresses and {@link #MAX_OBSERVERS} observers each.
 */
public final class ObservedAddresses {
    /** Most distinct observed addresses kept (the least observed are dropped first). */
    public static final int MAX_ADDRESSES = 64;
    /** Most observers remembered per address. */
    public static final int MAX_OBSERVERS = 32;

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Multiaddr, Set<PeerId>> observed = new LinkedHashMap<>();

    /** Made by identify, one per host. */
    ObservedAddresses() {
    }

    /** Records that {@code observer} sees us at {@code address}. */
    public void record(Multiaddr address, PeerId observer) {
        lock.lock();
        try {
            Set<PeerId> who = observed.get(address);
            if (who == null) {
                if (observed.size() >= MAX_ADDRESSES) {
                    Multiaddr least = null;
                    for (Map.Entry<Multiaddr, Set<PeerId>> e : observed.entrySet()) {
                        if (least == null || e.getValue().size() < observed.get(least).size()) {
                            least = e.getKey();
                        }
                    }
                    observed.remove(least);
                }
                who = new LinkedHashSet<>();
                observed.put(address, who);
            }
            if (who.size() < MAX_OBSERVERS) {
                who.add(observer);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Addresses seen by at least {@code minObservers} distinct peers, most observed first. */
    public List<Multiaddr> addresses(int minObservers) {
        lock.lock();
        try {
            List<Map.Entry<Multiaddr, Set<PeerId>>> list = new ArrayList<>(observed.entrySet());
            list.sort((a, b) -> Integer.compare(b.getValue().size(), a.getValue().size()));
            return list.stream().filter(e -> e.getValue().size() >= minObservers).map(Map.Entry::getKey).toList();
        } finally {
            lock.unlock();
        }
    }

    /** How many distinct peers reported {@code address}. */
    public int observers(Multiaddr address) {
        lock.lock();
        try {
            Set<PeerId> who = observed.get(address);
            return who == null ? 0 : who.size();
        } finally {
            lock.unlock();
        }
    }
}
