package io.p2pkit.nat.relay;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.protobuf.ProtobufReader;
import io.p2pkit.core.protobuf.ProtobufWriter;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code Peer}: the target of a CONNECT, or the initiator in a STOP CONNECT. Addresses (for the
 * deprecated active relaying) that do not parse are dropped, as go-libp2p does.
 */
record PeerMessage(PeerId id, List<Multiaddr> addresses) {
    PeerMessage {
        addresses = List.copyOf(addresses);
    }

    static PeerMessage of(PeerId id) {
        return new PeerMessage(id, List.of());
    }

    ProtobufWriter writer() {
        ProtobufWriter w = new ProtobufWriter().bytes(1, id.bytes());
        for (Multiaddr a : addresses) {
            w.bytes(2, a.bytes());
        }
        return w;
    }

    static PeerMessage read(ProtobufReader r) {
        PeerId id = null;
        List<Multiaddr> addrs = new ArrayList<>();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> id = PeerId.decode(r.bytes());
                case 2 -> RelayWire.lenientAddress(r.bytes()).ifPresent(addrs::add);
                default -> r.skip();
            }
        }
        if (id == null) {
            throw new DecodeException("Peer", "missing id");
        }
        return new PeerMessage(id, addrs);
    }
}
