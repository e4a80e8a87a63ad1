package io.p2pkit.nat.relay;

import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiaddr.Protocol;
import io.p2pkit.core.transport.Listener;
import io.p2pkit.core.transport.Transport;
import io.p2pkit.core.transport.TransportConnection;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * The {@code /p2p-circuit} transport of a host: dialing {@code <relay address>/p2p/<relay>/p2p-circuit}
 * for a peer asks the relay to CONNECT to it and hands the stream over as a raw connection, which
 * the host's upgrader secures and multiplexes as any other; listening on the same form reserves a
 * slot on the relay and keeps it ({@link RelayListener}). Added to the host by {@link RelayClient}.
 */
final class CircuitTransport implements Transport {
    private final RelayClient client;

    CircuitTransport(RelayClient client) {
        this.client = client;
    }

    /** A relayed address, but not {@code …/p2p-circuit/webrtc}: the {@code /webrtc} transport dials that one. */
    @Override
    public boolean canDial(Multiaddr address) {
        return address.hasProtocol(Protocol.P2P_CIRCUIT) && !address.hasProtocol(Protocol.WEBRTC);
    }

    /** {@code …/p2p/<relay>/p2p-circuit}: a relay to reserve on. */
    @Override
    public boolean canListen(Multiaddr address) {
        List<Protocol> p = address.protocols();
        return p.size() >= 2 && p.get(p.size() - 1) == Protocol.P2P_CIRCUIT && p.get(p.size() - 2) == Protocol.P2P
                && p.indexOf(Protocol.P2P_CIRCUIT) == p.size() - 1;
    }

    @Override
    public TransportConnection dial(Multiaddr address, Duration timeout) throws IOException {
        throw new IOException("a relayed address needs the target's peer ID: " + address + "/p2p/<target>");
    }

    @Override
    public TransportConnection dial(Multiaddr address, PeerId expectedRemote, Duration timeout) throws IOException {
        if (expectedRemote == null) {
            return dial(address, timeout);
        }
        return client.dialThrough(relayOf(address), expectedRemote, timeout);
    }

    @Override
    public Listener listen(Multiaddr address) throws IOException {
        if (!canListen(address)) {
            throw new IOException("not a relay to listen through (…/p2p/<relay>/p2p-circuit): " + address);
        }
        return client.listenThrough(relayOf(address), address);
    }

    /**
     * The relay of {@code <relay address>/p2p/<relay>/p2p-circuit[/…]}: its ID and the address
     * before it (none when only {@code /p2p/<relay>} is given).
     */
    static PeerInfo relayOf(Multiaddr address) throws IOException {
        List<Protocol> p = address.protocols();
        int circuit = p.indexOf(Protocol.P2P_CIRCUIT);
        if (circuit != p.lastIndexOf(Protocol.P2P_CIRCUIT)) {
            throw new IOException("relaying through several relays is not supported: " + address);
        }
        if (circuit < 1 || p.get(circuit - 1) != Protocol.P2P) {
            throw new IOException("no relay (…/p2p/<relay>) before /p2p-circuit in " + address);
        }
        return PeerInfo.fromMultiaddr(address.decapsulate(Protocol.P2P_CIRCUIT));
    }

    @Override
    public String toString() {
        return "CircuitTransport";
    }
}
