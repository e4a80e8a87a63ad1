package io.p2pkit.core.upgrader;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.muxer.Muxer;
import io.p2pkit.core.muxer.yamux.Yamux;
import io.p2pkit.core.pnet.PreSharedKey;
import io.p2pkit.core.security.noise.NoiseTransport;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.transport.ByteStreamConnection;
import io.p2pkit.core.transport.RawConnection;
import io.p2pkit.core.transport.ReadyConnection;
import io.p2pkit.core.transport.memory.MemoryConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * How often each side of a connection upgrade has to wait for the other, counted from the
 * writes and reads of the upgrading threads (not from time). With the lazy security proposal and
 * the muxer agreed inside the Noise handshake, the dialer waits once (for Noise message 2): the
 * upgrade costs one and a half round trips on top of TCP's, and the first stream's data can ride
 * with Noise message 3, so dial + upgrade + a request and its answer take three round trips, as in
 * rust-libp2p. Each negotiation done the slow way adds a wait, which the last tests show.
 */
class UpgradeFlightsTest {
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    /**
     * A raw connection that logs the operations of one thread: 'W' for a write, 'R' for a read
     * that returned bytes, with repeats of the same letter merged (a message may take several).
     */
    private static final class Turns implements ByteStreamConnection {
        private final RawConnection raw;
        private final StringBuilder log = new StringBuilder();
        private volatile Thread owner;
        private final InputStream in;
        private final OutputStream out;

        Turns(RawConnection raw) {
            this.raw = raw;
            this.in = new InputStream() {
                @Override
                public int read() throws IOException {
                    int b = raw.in().read();
                    if (b >= 0) {
                        note('R');
                    }
                    return b;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = raw.in().read(b, off, len);
                    if (n > 0) {
                        note('R');
                    }
                    return n;
                }
            };
            this.out = new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    note('W');
                    raw.out().write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    if (len > 0) {
                        note('W');
                    }
                    raw.out().write(b, off, len);
                }

                @Override
                public void flush() throws IOException {
                    raw.out().flush();
                }
            };
        }

        /** Logs only the calling thread from now on. */
        Turns ownedByCaller() {
            owner = Thread.currentThread();
            return this;
        }

        private void note(char op) {
            if (Thread.currentThread() != owner) {
                return; // the muxer's own threads (read loop, control-frame flusher)
            }
            // Only the owner appends; the test reads the log after joining it.
            if (log.isEmpty() || log.charAt(log.length() - 1) != op) {
                log.append(op);
            }
        }

        String turns() {
            return log.toString();
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
            raw.closeWrite();
        }

        @Override
        public void close() throws IOException {
            raw.close();
        }

        @Override
        public Multiaddr localAddress() {
            return Multiaddr.parse("/memory/1");
        }

        @Override
        public Multiaddr remoteAddress() {
            return Multiaddr.parse("/memory/2");
        }
    }

    /** The dialer's and the listener's turns. */
    private record Result(String dialer, String listener) {
    }

    private Result upgrade(boolean earlyMuxer, boolean lazy) throws Exception {
        return upgrade(earlyMuxer, lazy, null);
    }

    private Result upgrade(boolean earlyMuxer, boolean lazy, PreSharedKey privateNetwork) throws Exception {
        List<Muxer> muxers = List.of(new Yamux());
        List<String> offered = earlyMuxer ? List.of(Yamux.PROTOCOL_ID) : List.of();
        NoiseTransport dialerNoise = new NoiseTransport(PrivateKey.generateEd25519(), offered);
        NoiseTransport listenerNoise = new NoiseTransport(PrivateKey.generateEd25519(), offered);
        Duration timeout = Duration.ofSeconds(30);
        Upgrader dialer = new Upgrader(List.of(dialerNoise), muxers, scheduler, timeout, timeout, privateNetwork);
        Upgrader listener = new Upgrader(List.of(listenerNoise), muxers, scheduler, timeout, timeout, privateNetwork);
        MemoryConnection.Pair pair = MemoryConnection.pair();
        Turns dialerSide = new Turns(pair.initiator());
        Turns listenerSide = new Turns(pair.responder());
        CompletableFuture<ReadyConnection> inbound = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                inbound.complete(listener.upgradeInbound(listenerSide.ownedByCaller()));
            } catch (Throwable t) {
                inbound.completeExceptionally(t);
            }
        });
        ReadyConnection out = dialer.upgradeOutbound(dialerSide.ownedByCaller(), listenerNoise.localPeer(), lazy);
        ReadyConnection in = inbound.get(30, TimeUnit.SECONDS);
        assertEquals(earlyMuxer, out.earlyMuxerNegotiation());
        assertEquals(listenerNoise.localPeer(), out.remotePeer());
        assertEquals(dialerNoise.localPeer(), in.remotePeer());
        out.close();
        in.close();
        return new Result(dialerSide.turns(), listenerSide.turns());
    }

    @Test
    void lazyProposalAndEarlyMuxerLeaveTheDialerOneWait() throws Exception {
        Result r = upgrade(true, true);
        // header + /noise + Noise message 1 | wait for message 2 | message 3, and yamux can start
        assertEquals("WRW", r.dialer());
        // The listener reads message by message, so it turns more often than the wire does:
        // header (sent at once) | dialer's header and /noise | echo | message 1 (same flight as
        // the proposal) | message 2 | message 3, and yamux can start. Its last act is a read: it
        // sends nothing that the dialer must wait for before using the connection.
        assertEquals("WRWRWR", r.listener());
    }

    @Test
    void aPrivateNetworkCostsNoWait() throws Exception {
        // the dialer's nonce leaves with its first write, the listener's with its multistream header
        Result r = upgrade(true, true, PreSharedKey.generate());
        assertEquals("WRW", r.dialer());
        assertEquals("WRWRWR", r.listener());
    }

    @Test
    void negotiatingTheMuxerSeparatelyCostsTheDialerAnotherWait() throws Exception {
        Result r = upgrade(false, true);
        assertEquals("WRWR", r.dialer());
    }

    @Test
    void eagerSecurityNegotiationCostsTheDialerAnotherWait() throws Exception {
        Result r = upgrade(true, false);
        assertEquals("WRWRW", r.dialer());
    }
}
