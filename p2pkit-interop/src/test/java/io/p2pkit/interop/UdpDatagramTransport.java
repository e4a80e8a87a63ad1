package io.p2pkit.interop;

import org.bouncycastle.tls.DatagramTransport;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.SocketTimeoutException;

/**
 * A {@link DatagramTransport} over a connected UDP socket on loopback, so that p2pkit's SCTP runs
 * over plain UDP against pion's (which takes any {@code net.Conn}) without DTLS in between.
 */
final class UdpDatagramTransport implements DatagramTransport {
    private final DatagramSocket socket;

    UdpDatagramTransport(DatagramSocket socket) {
        this.socket = socket;
    }

    @Override
    public int getReceiveLimit() {
        return 1500;
    }

    @Override
    public int getSendLimit() {
        return 1200;
    }

    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
        socket.setSoTimeout(Math.max(1, waitMillis));
        DatagramPacket p = new DatagramPacket(buf, off, len);
        try {
            socket.receive(p);
            return p.getLength();
        } catch (SocketTimeoutException e) {
            return -1;
        }
    }

    @Override
    public void send(byte[] buf, int off, int len) throws IOException {
        socket.send(new DatagramPacket(buf, off, len));
    }

    @Override
    public void close() {
        socket.close();
    }
}
