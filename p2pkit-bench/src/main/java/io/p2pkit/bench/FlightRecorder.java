package io.p2pkit.bench;

import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.transport.Listener;
import io.p2pkit.core.transport.Transport;
import io.p2pkit.core.transport.ByteStreamConnection;
import io.p2pkit.core.transport.TransportConnection;
import io.p2pkit.core.transport.tcp.TcpTransport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Counts the one-way flights of connections between two transports of one JVM. Both sides wrap
 * their transport with {@link #wrap}; a connection's two ends meet by their port pair.
 *
 * <p>Every write is tagged with a flight number, Lamport-style: one more than the highest flight
 * this side has read so far (1 if it has read nothing). A byte that can only be sent after an
 * answer arrived so gets the next flight; bytes sent without waiting share the flight of what came
 * before. The flight on which the dialer reads its answer, plus the TCP handshake's round trip,
 * is the cost of the exchange in network latencies. Tags are an upper bound: a side that happened
 * to read an unrelated later flight (a keep-alive pong, say) before answering tags its answer
 * later than it needed.
 */
final class FlightRecorder {
    private final Map<String, Wire> wires = new ConcurrentHashMap<>();
    private final long origin = System.nanoTime();

    /** One logged write or read. */
    record Event(long micros, String side, String op, int bytes, int flight) {
        @Override
        public String toString() {
            return String.format("%8d µs  %-8s %-5s %6d B  flight %d", micros, side, op, bytes, flight);
        }
    }

    /** Both directions of one connection, with the event log. */
    final class Wire {
        private final ReentrantLock lock = new ReentrantLock();
        private final Direction toListener = new Direction();
        private final Direction toDialer = new Direction();
        private final List<Event> events = new ArrayList<>();
        private int dialerRead;
        private int listenerRead;

        /** The events so far, in order. */
        List<Event> events() {
            lock.lock();
            try {
                return List.copyOf(events);
            } finally {
                lock.unlock();
            }
        }

        /** The highest flight the dialer has read. */
        int dialerFlight() {
            lock.lock();
            try {
                return dialerRead;
            } finally {
                lock.unlock();
            }
        }

        private int beforeWrite(boolean dialer, int n) {
            lock.lock();
            try {
                int flight = (dialer ? dialerRead : listenerRead) + 1;
                (dialer ? toListener : toDialer).append(n, flight);
                events.add(new Event((System.nanoTime() - origin) / 1000, dialer ? "dialer" : "listener", "write", n, flight));
                return flight;
            } finally {
                lock.unlock();
            }
        }

        private void afterRead(boolean dialer, int n) {
            lock.lock();
            try {
                int flight = (dialer ? toDialer : toListener).consume(n);
                if (dialer) {
                    dialerRead = Math.max(dialerRead, flight);
                } else {
                    listenerRead = Math.max(listenerRead, flight);
                }
                events.add(new Event((System.nanoTime() - origin) / 1000, dialer ? "dialer" : "listener", "read", n, flight));
            } finally {
                lock.unlock();
            }
        }
    }

    /** The written byte ranges of one direction and their flights; guarded by the wire's lock. */
    private static final class Direction {
        private final List<long[]> ranges = new ArrayList<>();
        private long written;
        private long consumed;
        private int next;

        void append(int n, int flight) {
            written += n;
            ranges.add(new long[] {written, flight});
        }

        /** Consumes {@code n} bytes; returns the flight of the last of them. */
        int consume(int n) {
            consumed += n;
            while (next < ranges.size() - 1 && ranges.get(next)[0] < consumed) {
                next++;
            }
            return (int) ranges.get(next)[1];
        }
    }

    /** The wire of the connection the dialer made from {@code dialerAddress}, created on first use. */
    Wire wire(Multiaddr dialerAddress) {
        return wires.computeIfAbsent(dialerAddress.toString(), k -> new Wire());
    }

    /** {@code transport} (TCP: byte streams) with its connections recorded; {@code dialer} says which side it is. */
    Transport wrap(TcpTransport transport, boolean dialer) {
        return new Transport() {
            @Override
            public boolean canDial(Multiaddr address) {
                return transport.canDial(address);
            }

            @Override
            public boolean canListen(Multiaddr address) {
                return transport.canListen(address);
            }

            @Override
            public TransportConnection dial(Multiaddr address, Duration timeout) throws IOException {
                ByteStreamConnection c = transport.dial(address, timeout);
                return new Recorded(c, wire(c.localAddress()), true);
            }

            @Override
            public Listener listen(Multiaddr address) throws IOException {
                Listener l = transport.listen(address);
                return new Listener() {
                    @Override
                    public Multiaddr address() {
                        return l.address();
                    }

                    @Override
                    public TransportConnection accept() throws IOException {
                        ByteStreamConnection c = (ByteStreamConnection) l.accept(); // TCP hands over byte streams
                        return new Recorded(c, wire(c.remoteAddress()), false);
                    }

                    @Override
                    public void close() throws IOException {
                        l.close();
                    }
                };
            }
        };
    }

    /** A connection whose reads and writes are logged on its wire. */
    private static final class Recorded implements ByteStreamConnection {
        private final ByteStreamConnection c;
        private final InputStream in;
        private final OutputStream out;

        Recorded(ByteStreamConnection c, Wire wire, boolean dialer) {
            this.c = c;
            InputStream rawIn = c.in();
            OutputStream rawOut = c.out();
            this.in = new InputStream() {
                @Override
                public int read() throws IOException {
                    int b = rawIn.read();
                    if (b >= 0) {
                        wire.afterRead(dialer, 1);
                    }
                    return b;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = rawIn.read(b, off, len);
                    if (n > 0) {
                        wire.afterRead(dialer, n);
                    }
                    return n;
                }

                @Override
                public int available() throws IOException {
                    return rawIn.available();
                }

                @Override
                public void close() throws IOException {
                    rawIn.close();
                }
            };
            this.out = new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    wire.beforeWrite(dialer, 1);
                    rawOut.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    if (len > 0) {
                        wire.beforeWrite(dialer, len);
                    }
                    rawOut.write(b, off, len);
                }

                @Override
                public void flush() throws IOException {
                    rawOut.flush();
                }

                @Override
                public void close() throws IOException {
                    rawOut.close();
                }
            };
        }

        @Override
        public InputStream in() {
            return in;
        }

        @Override
        public OutputStream out() {
            return out;
        }

        @Override
        public void closeWrite() throws IOException {
            c.closeWrite();
        }

        @Override
        public void close() throws IOException {
            c.close();
        }

        @Override
        public Multiaddr localAddress() {
            return c.localAddress();
        }

        @Override
        public Multiaddr remoteAddress() {
            return c.remoteAddress();
        }
    }
}
