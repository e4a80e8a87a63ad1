package io.p2pkit.webrtc.mux;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * A way from a {@link UdpMux}'s socket to remote addresses through a relay instead of straight:
 * a TURN allocation, whose relayed address is an ICE relay candidate. What peers send to that
 * address comes back through {@link UdpMux#deliver}, as if it had come from them.
 */
public interface UdpRelay {
    /** The address the relay sends from and receives on for us: the relay candidate. */
    InetSocketAddress relayedAddress();

    /**
     * Lets datagrams from {@code peer}'s IP address in (a TURN permission). It returns at once;
     * the relay may need a round trip to its server before they are let in.
     */
    void permit(InetAddress peer);

    /**
     * Sends one datagram to {@code peer} through the relay. A relay that cannot carry it yet (no
     * permission for that peer, asked for now) drops it, as the network may: ICE, DTLS and SCTP
     * retransmit.
     *
     * @throws IOException if the relay or the socket under it is closed
     */
    void send(byte[] data, int offset, int length, InetSocketAddress peer) throws IOException;
}
