package io.p2pkit.nat.relay;

import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.protobuf.ProtobufReader;
import io.p2pkit.core.protobuf.ProtobufWriter;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code Reservation}: when it expires (UNIX seconds, unsigned), the relay's addresses and the
 * signed voucher (null when the relay sends none, as rust-libp2p's). Addresses that do not parse
 * are dropped, as go-libp2p does.
 */
record ReservationMessage(long expire, List<Multiaddr> addresses, byte[] voucher) {
    ReservationMessage {
        addresses = List.copyOf(addresses);
    }

    ProtobufWriter writer() {
        ProtobufWriter w = new ProtobufWriter().varint(1, expire);
        for (Multiaddr a : addresses) {
            w.bytes(2, a.bytes());
        }
        if (voucher != null) {
            w.bytes(3, voucher);
        }
        return w;
    }

    static ReservationMessage read(ProtobufReader r) {
        long expire = 0;
        List<Multiaddr> addrs = new ArrayList<>();
        byte[] voucher = null;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> expire = r.varint();
                case 2 -> RelayWire.lenientAddress(r.bytes()).ifPresent(addrs::add);
                case 3 -> voucher = r.bytes();
                default -> r.skip();
            }
        }
        return new ReservationMessage(expire, addrs, voucher);
    }
}
