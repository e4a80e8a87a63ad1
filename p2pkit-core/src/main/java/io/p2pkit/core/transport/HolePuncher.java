package io.p2pkit.core.transport;

import io.p2pkit.core.multiaddr.Multiaddr;

import java.io.IOException;

/**
 * A transport that can open its NAT's mapping towards an address without dialing it, for DCUtR
 * over a datagram transport (libp2p/specs {@code relay/DCUtR.md}, QUIC): the side that is not
 * to dial sends a few packets of random bytes from the socket it listens on to the other side's
 * address, so that the other side's dial, coming in through the hole, reaches its listener. A
 * transport of byte streams (TCP) punches by a simultaneous open instead and does not implement
 * this.
 */
public interface HolePuncher {
    /** Whether {@link #punch} can send to {@code address}: its shape fits and a socket listens to send from. */
    boolean canPunch(Multiaddr address);

    /**
     * Sends one packet of random bytes to {@code address} from the listening socket that the
     * transport's dials to it leave from. It does not wait for an answer; none comes.
     *
     * @throws IOException when no listening socket can send to it
     */
    void punch(Multiaddr address) throws IOException;
}
