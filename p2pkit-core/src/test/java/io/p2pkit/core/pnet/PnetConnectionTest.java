package io.p2pkit.core.pnet;

import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.transport.ByteStreamConnection;
import io.p2pkit.core.transport.RawConnection;
import io.p2pkit.core.transport.memory.MemoryConnection;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PnetConnectionTest {
    private static final PreSharedKey KEY = PreSharedKey.of(sequence(32, 0, 1));
    /** Nonce 100, 101, … 123; message 0, 7, 14, … (100 bytes). */
    private static final byte[] NONCE = sequence(24, 100, 1);
    private static final byte[] MESSAGE = sequence(100, 0, 7);
    /** The message encrypted by golang.org/x/crypto's salsa20.XORKeyStream with the 24-byte nonce (XSalsa20), as go-libp2p does. */
    private static final String GO_CIPHERTEXT = "687af1f436d975de4630ad540937bbfb84e20c5395d11b4260d00df3e5cd41f5e25e773cc6b5c4f8"
            + "a8e205b903bfe1516efd66c288d5319a2e83d409ae207b3168a83acd93d471150de9116f1408ff4cf1a7905d5ed5633e6b8e25"
            + "795f390cfde32ce2d8";

    private static byte[] sequence(int n, int first, int step) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (first + i * step);
        }
        return b;
    }

    /** A memory connection as a transport's byte stream. */
    record Bytes(RawConnection raw) implements ByteStreamConnection {
        @Override
        public InputStream in() {
            return raw.in();
        }

        @Override
        public OutputStream out() {
            return raw.out();
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

    @Test
    void sendsTheNonceThenXSalsa20AsGoLibp2pDoes() throws IOException {
        MemoryConnection.Pair p = MemoryConnection.pair();
        PnetConnection sender = PnetConnection.protect(new Bytes(p.initiator()), KEY, NONCE);
        // written in two parts and a single byte: one key stream across writes
        sender.out().write(MESSAGE, 0, 40);
        sender.out().write(MESSAGE[40]);
        sender.out().write(MESSAGE, 41, 59);
        sender.out().flush();
        byte[] wire = p.responder().in().readNBytes(24 + 100);
        assertArrayEquals(NONCE, Arrays.copyOf(wire, 24));
        assertEquals(GO_CIPHERTEXT, HexFormat.of().formatHex(wire, 24, wire.length));

        // and the other way: go's bytes decrypt, whatever the read sizes
        MemoryConnection.Pair q = MemoryConnection.pair();
        q.initiator().out().write(wire);
        q.initiator().closeWrite();
        PnetConnection receiver = PnetConnection.protect(new Bytes(q.responder()), KEY);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        got.write(receiver.in().read());
        byte[] buf = new byte[33];
        int n;
        while ((n = receiver.in().read(buf, 0, buf.length)) > 0) {
            got.write(buf, 0, n);
        }
        assertArrayEquals(MESSAGE, got.toByteArray());
        p.closeBoth();
        q.closeBoth();
    }

    @Test
    void carriesLargeWritesBothWaysAndLeavesTheCallersArrayAlone() throws Exception {
        MemoryConnection.Pair p = MemoryConnection.pair(1 << 20);
        PnetConnection a = PnetConnection.protect(new Bytes(p.initiator()), KEY);
        PnetConnection b = PnetConnection.protect(new Bytes(p.responder()), KEY);
        byte[] data = new byte[3 * PnetConnection.CHUNK_BYTES + 12345];
        new SplittableRandom(7).nextBytes(data);
        byte[] copy = data.clone();
        CompletableFuture<byte[]> atB = CompletableFuture.supplyAsync(() -> readAll(b, data.length));
        CompletableFuture<byte[]> atA = CompletableFuture.supplyAsync(() -> readAll(a, data.length));
        a.out().write(data);
        a.out().flush();
        b.out().write(data);
        b.out().flush();
        assertArrayEquals(copy, data);
        assertArrayEquals(data, atB.get(30, TimeUnit.SECONDS));
        assertArrayEquals(data, atA.get(30, TimeUnit.SECONDS));
        p.closeBoth();
    }

    private static byte[] readAll(PnetConnection c, int n) {
        try {
            return c.in().readNBytes(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aSideThatReadsFirstSendsItsNonceSoTwoReadersDoNotWaitForEachOther() throws Exception {
        MemoryConnection.Pair p = MemoryConnection.pair();
        PnetConnection a = PnetConnection.protect(new Bytes(p.initiator()), KEY);
        PnetConnection b = PnetConnection.protect(new Bytes(p.responder()), KEY);
        CompletableFuture<Integer> readA = CompletableFuture.supplyAsync(() -> readOne(a));
        CompletableFuture<Integer> readB = CompletableFuture.supplyAsync(() -> readOne(b));
        Await.until("both nonces arrived", () -> a.remoteNonceRead() && b.remoteNonceRead(),
                Duration.ofSeconds(20));
        a.out().write(42);
        b.out().write(43);
        assertEquals(43, readA.get(20, TimeUnit.SECONDS));
        assertEquals(42, readB.get(20, TimeUnit.SECONDS));
        p.closeBoth();
    }

    private static int readOne(PnetConnection c) {
        try {
            return c.in().read();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aRemoteThatClosesBeforeItsNonceIsAClearError() throws IOException {
        MemoryConnection.Pair p = MemoryConnection.pair();
        p.initiator().out().write(new byte[10]);
        p.initiator().closeWrite();
        PnetConnection b = PnetConnection.protect(new Bytes(p.responder()), KEY);
        PrivateNetworkException e = assertThrows(PrivateNetworkException.class, () -> b.in().read());
        assertTrue(e.getMessage().contains("after 10 of the 24 bytes"), e.getMessage());
        assertFalse(b.remoteNonceRead());
        p.closeBoth();
    }

    @Test
    void aRemoteWithoutAPrivateNetworkIsToldAtOnceNotAtTheDeadline() throws IOException {
        MemoryConnection.Pair p = MemoryConnection.pair();
        // a peer without pnet sends multistream-select's header in the clear and waits: 20 bytes, not 24
        p.initiator().out().write("\u0013/multistream/1.0.0\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        p.initiator().out().flush();
        PnetConnection b = PnetConnection.protect(new Bytes(p.responder()), KEY);
        PrivateNetworkException e = assertThrows(PrivateNetworkException.class, () -> b.in().read());
        assertTrue(e.getMessage().contains("in the clear"), e.getMessage());
        p.closeBoth();
    }

    @Test
    void anotherKeyGivesGarbage() throws IOException {
        MemoryConnection.Pair p = MemoryConnection.pair();
        PnetConnection a = PnetConnection.protect(new Bytes(p.initiator()), KEY);
        PnetConnection b = PnetConnection.protect(new Bytes(p.responder()), PreSharedKey.generate());
        a.out().write(MESSAGE);
        assertFalse(Arrays.equals(MESSAGE, b.in().readNBytes(MESSAGE.length)));
        p.closeBoth();
    }
}
