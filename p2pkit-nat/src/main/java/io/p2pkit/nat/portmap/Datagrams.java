package io.p2pkit.nat.portmap;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.SocketTimeoutException;
import java.util.Optional;

/** Receiving with a deadline, for the request/response exchanges over UDP (NAT-PMP, SSDP). */
final class Datagrams {
    private Datagrams() {
    }

    /**
     * The next datagram into {@code buf}, or empty once {@code deadlineNanos} (a
     * {@link System#nanoTime()} value) has passed.
     */
    static Optional<DatagramPacket> receive(DatagramSocket socket, byte[] buf, long deadlineNanos) throws IOException {
        long left = (deadlineNanos - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
            return Optional.empty();
        }
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
        DatagramPacket in = new DatagramPacket(buf, buf.length);
        try {
            socket.receive(in);
            return Optional.of(in);
        } catch (SocketTimeoutException late) {
            return Optional.empty();
        }
    }
}
