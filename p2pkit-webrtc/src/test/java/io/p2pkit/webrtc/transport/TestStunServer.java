package io.p2pkit.webrtc.transport;

import io.p2pkit.core.DecodeException;
import io.p2pkit.webrtc.stun.StunMessage;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A STUN server for tests on loopback: a UDP socket read by a virtual thread that hands each
 * Binding request to an {@link Answer} and sends back what it returns (nothing when null).
 */
final class TestStunServer implements AutoCloseable {
    /** What to send back for the {@code n}th request (from 1); null sends nothing. */
    @FunctionalInterface
    interface Answer {
        byte[] answer(StunMessage request, InetSocketAddress from, int n);
    }

    private final DatagramChannel channel;
    private final AtomicInteger requests = new AtomicInteger();
    private final Thread reader;

    private TestStunServer(DatagramChannel channel, Answer answer) {
        this.channel = channel;
        this.reader = Thread.ofVirtual().name("test-stun-server").start(() -> serve(answer));
    }

    /** A server answering on a fresh loopback port. */
    static TestStunServer start(Answer answer) throws IOException {
        return new TestStunServer(DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)),
                answer);
    }

    /** A server that reports {@code mapped} as every sender's address, as a STUN server behind no NAT would not. */
    static TestStunServer reporting(InetSocketAddress mapped) throws IOException {
        return start((request, from, n) -> success(request, mapped));
    }

    /** A Binding success response to {@code request} carrying {@code mapped}. */
    static byte[] success(StunMessage request, InetSocketAddress mapped) {
        return StunMessage.builder(StunMessage.BINDING_SUCCESS, request.transactionId())
                .xorMappedAddress(mapped).encode(null, true);
    }

    InetSocketAddress address() throws IOException {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    /** Binding requests received so far. */
    int requests() {
        return requests.get();
    }

    /** Sends {@code datagram} to {@code to} from this server's socket. */
    void send(byte[] datagram, InetSocketAddress to) throws IOException {
        channel.send(ByteBuffer.wrap(datagram), to);
    }

    private void serve(Answer answer) {
        ByteBuffer buf = ByteBuffer.allocate(2048);
        while (channel.isOpen()) {
            try {
                buf.clear();
                InetSocketAddress from = (InetSocketAddress) channel.receive(buf);
                byte[] datagram = Arrays.copyOf(buf.array(), buf.position());
                StunMessage request;
                try {
                    request = StunMessage.decode(datagram, datagram.length);
                } catch (DecodeException e) {
                    continue;
                }
                if (request.type() != StunMessage.BINDING_REQUEST) {
                    continue;
                }
                byte[] reply = answer.answer(request, from, requests.incrementAndGet());
                if (reply != null) {
                    send(reply, from);
                }
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        channel.close();
        reader.join(10_000);
    }
}
