package io.p2pkit.core.transport.memory;

import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiaddr.Protocol;
import io.p2pkit.core.transport.Listener;
import io.p2pkit.core.transport.Transport;
import io.p2pkit.core.transport.ByteStreamConnection;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The in-memory transport: dials and listens on {@code /memory/<n>} addresses of one
 * {@link MemoryNetwork}. Get one from {@link MemoryNetwork#transport()}; listening on
 * {@code /memory/0} picks a free number.
 *
 * <p>Outgoing connections leave from this transport's first listening address (like TCP port
 * reuse), so the remote sees an address it can dial back and link latency can be set per pair of
 * hosts; a transport that does not listen dials from a number of its own.
 */
public final class MemoryTransport implements Transport {
    private final MemoryNetwork network;
    private final CopyOnWriteArrayList<MemoryListener> listeners = new CopyOnWriteArrayList<>();
    private volatile long ownNumber;

    MemoryTransport(MemoryNetwork network) {
        this.network = Objects.requireNonNull(network, "network");
    }

    /** The multiaddr {@code /memory/<number>}. */
    public static Multiaddr address(long number) {
        return Multiaddr.parse("/memory/" + Long.toUnsignedString(number));
    }

    private static boolean isMemory(Multiaddr address) {
        return address.size() == 1 && address.component(0).protocol() == Protocol.MEMORY;
    }

    private static long number(Multiaddr address) {
        return Long.parseUnsignedLong(address.component(0).valueString());
    }

    @Override
    public boolean canDial(Multiaddr address) {
        return isMemory(address.withoutPeerId());
    }

    @Override
    public boolean canListen(Multiaddr address) {
        return isMemory(address);
    }

    @Override
    public ByteStreamConnection dial(Multiaddr address, Duration timeout) throws IOException {
        if (!canDial(address)) {
            throw new IOException("the memory transport cannot dial " + address);
        }
        return network.connect(localNumber(), number(address.withoutPeerId()), timeout);
    }

    private long localNumber() {
        for (MemoryListener listener : listeners) {
            return listener.number();
        }
        long own = ownNumber;
        if (own == 0) {
            // Benign race: two first dials may each draw a number; either is a valid source address.
            own = network.freshNumber();
            ownNumber = own;
        }
        return own;
    }

    @Override
    public Listener listen(Multiaddr address) throws IOException {
        if (!canListen(address)) {
            throw new IOException("the memory transport cannot listen on " + address);
        }
        long requested = number(address);
        long chosen = requested == 0 ? network.freshNumber() : requested;
        MemoryListener listener = new MemoryListener(network, chosen, this);
        network.register(listener);
        listeners.add(listener);
        return listener;
    }

    /** A listener closed: dials stop leaving from its number. */
    void listenerClosed(MemoryListener listener) {
        listeners.remove(listener);
    }

    @Override
    public String toString() {
        return "memory transport";
    }
}
