package io.p2pkit.nat.portmap;

import io.p2pkit.core.DecodeException;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;

/**
 * A NAT-PMP client (RFC 6886) talking to one gateway: its external address, and mapping a port.
 * Requests are retransmitted as §3.1 says (250 ms, doubling), for a bounded number of attempts.
 */
final class NatPmpClient {
    /** The port NAT-PMP servers listen on. */
    static final int PORT = 5351;
    static final String METHOD = "NAT-PMP";

    private final InetSocketAddress server;
    private final Duration firstTimeout;
    private final int attempts;

    NatPmpClient(InetSocketAddress server, Duration firstTimeout, int attempts) {
        this.server = server;
        this.firstTimeout = firstTimeout;
        this.attempts = attempts;
    }

    /** The gateway's external address. */
    InetAddress externalAddress() throws IOException {
        return call(NatPmpMessage.externalAddressRequest(), NatPmpMessage.OP_EXTERNAL_ADDRESS).external();
    }

    /**
     * Maps (lifetime > 0) or removes (lifetime 0, §3.4) a port.
     *
     * @return the gateway's response: the mapped external port and the granted lifetime
     */
    NatPmpMessage.Response map(Protocol protocol, int internalPort, int suggestedExternalPort, long lifetimeSeconds)
            throws IOException {
        int op = protocol == Protocol.UDP ? NatPmpMessage.OP_MAP_UDP : NatPmpMessage.OP_MAP_TCP;
        NatPmpMessage.Response r = call(NatPmpMessage.mapRequest(protocol, internalPort, suggestedExternalPort,
                lifetimeSeconds), op);
        if (r.internalPort() != internalPort) {
            throw new IOException("NAT-PMP answered for internal port " + r.internalPort() + ", not " + internalPort);
        }
        return r;
    }

    private NatPmpMessage.Response call(byte[] request, int op) throws IOException {
        // a connected socket takes datagrams from the gateway's port 5351 only (§3.1)
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.connect(server);
            byte[] buf = new byte[NatPmpMessage.MAX_PACKET];
            long timeout = firstTimeout.toMillis();
            for (int i = 0; i < attempts; i++, timeout *= 2) {
                socket.send(new DatagramPacket(request, request.length));
                long deadline = System.nanoTime() + Duration.ofMillis(timeout).toNanos();
                Optional<DatagramPacket> in;
                while ((in = Datagrams.receive(socket, buf, deadline)).isPresent()) {
                    NatPmpMessage.Response r;
                    try {
                        r = NatPmpMessage.decode(buf, in.get().getLength());
                    } catch (DecodeException malformed) {
                        continue; // not an answer; keep waiting for one
                    }
                    if (r.op() != op) {
                        continue;
                    }
                    if (r.result() != 0) {
                        throw new PortMapException(METHOD, r.result(), NatPmpMessage.resultName(r.result()));
                    }
                    return r;
                }
            }
        }
        throw new IOException("no NAT-PMP answer from " + server + " after " + attempts + " attempts");
    }
}
