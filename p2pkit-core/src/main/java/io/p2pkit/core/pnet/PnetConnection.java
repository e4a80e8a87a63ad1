package io.p2pkit.core.pnet;

import io.p2pkit.core.buffer.BufferPool;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.resource.MemoryCharged;
import io.p2pkit.core.resource.MemoryScope;
import io.p2pkit.core.transport.ByteStreamConnection;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A raw connection inside a private network (libp2p PSK v1): each side sends a random 24-byte
 * nonce, then every byte each way is XORed with the XSalsa20 key stream of the shared key and the
 * sender's nonce. There is no MAC, as the spec says: the security handshake that follows
 * authenticates, and fails on the garbage a peer with another key (or none) produces.
 *
 * <p>Our nonce leaves with the first write (one packet with the dialer's first proposal), or
 * before the first read if this side reads first, so that a peer that waits for our nonce before
 * writing (rust-libp2p) is not kept waiting. Writes are encrypted into a pooled buffer (the
 * caller's array is left as it was); reads are decrypted in place in the caller's array.
 */
public final class PnetConnection implements ByteStreamConnection {
    /** How multistream-select's header looks on the wire, from a peer without a private network. */
    private static final byte[] CLEAR_HEADER = "\u0013/multistream/1.0.0\n".getBytes(StandardCharsets.US_ASCII);

    /** The length of each side's nonce. */
    public static final int NONCE_BYTES = 24;
    /** Writes are encrypted and sent in chunks of at most this many bytes. */
    static final int CHUNK_BYTES = 64 * 1024;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ByteStreamConnection raw;
    private final Out out;
    private final In in;

    private PnetConnection(ByteStreamConnection raw, PreSharedKey key, byte[] nonce) {
        this.raw = raw;
        this.out = new Out(raw.out(), key, nonce);
        this.in = new In(raw.in(), key, out);
    }

    /** {@code raw} in the private network of {@code key}: nothing is sent or read until it is used. */
    public static PnetConnection protect(ByteStreamConnection raw, PreSharedKey key) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        return protect(raw, key, nonce);
    }

    /** With a nonce of the caller's: for test vectors. */
    static PnetConnection protect(ByteStreamConnection raw, PreSharedKey key, byte[] nonce) {
        if (nonce.length != NONCE_BYTES) {
            throw new IllegalArgumentException("a nonce is " + NONCE_BYTES + " bytes");
        }
        return new PnetConnection(Objects.requireNonNull(raw, "raw"), Objects.requireNonNull(key, "key"), nonce.clone());
    }

    /**
     * Makes the remote's first bytes, decrypted, have to be {@code prefix} (the multistream-select
     * header every libp2p connection starts with): a remote with another key, or none, then fails at
     * its first bytes with a {@link PrivateNetworkException}, rather than with whatever the garbage
     * looks like to the next layer, or with a wait for bytes that will never come. Call it before
     * the first read.
     *
     * @return this connection
     */
    public PnetConnection expectingFirst(byte[] prefix) {
        in.expected = prefix.clone();
        return this;
    }

    /** Whether the remote's nonce has arrived: if not, nothing it sent was read yet. */
    public boolean remoteNonceRead() {
        return in.cipher != null;
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
        return raw.localAddress();
    }

    @Override
    public Multiaddr remoteAddress() {
        return raw.remoteAddress();
    }

    @Override
    public String toString() {
        return "pnet " + raw;
    }

    private static XSalsa20 cipher(PreSharedKey key, byte[] nonce) {
        return new XSalsa20(key.bytes(), nonce);
    }

    /** Encrypts into a pooled buffer; the first write carries the nonce in front. */
    private static final class Out extends OutputStream implements MemoryCharged {
        private final OutputStream raw;
        private final XSalsa20 cipher;
        private final ReentrantLock lock = new ReentrantLock();
        private final byte[] single = new byte[1];
        /** Our nonce until it is sent, then null. */
        private byte[] pendingNonce;

        Out(OutputStream raw, PreSharedKey key, byte[] nonce) {
            this.raw = raw;
            this.cipher = cipher(key, nonce);
            this.pendingNonce = nonce;
        }

        @Override
        public void write(int b) throws IOException {
            lock.lock();
            try {
                single[0] = (byte) b;
                write(single, 0, 1);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            lock.lock();
            byte[] buf = BufferPool.take(CHUNK_BYTES);
            try {
                int pos = 0;
                if (pendingNonce != null) {
                    System.arraycopy(pendingNonce, 0, buf, 0, NONCE_BYTES);
                    pendingNonce = null;
                    pos = NONCE_BYTES;
                }
                do {
                    int n = Math.min(len, CHUNK_BYTES - pos);
                    cipher.process(b, off, n, buf, pos);
                    raw.write(buf, 0, pos + n);
                    off += n;
                    len -= n;
                    pos = 0;
                } while (len > 0);
            } finally {
                BufferPool.give(buf);
                lock.unlock();
            }
        }

        /** Sends our nonce now if no write has yet. */
        void sendNonce() throws IOException {
            lock.lock();
            try {
                if (pendingNonce != null) {
                    byte[] nonce = pendingNonce;
                    pendingNonce = null;
                    raw.write(nonce);
                    raw.flush();
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void flush() throws IOException {
            raw.flush();
        }

        @Override
        public void close() throws IOException {
            raw.close();
        }

        @Override
        public void chargeTo(MemoryScope memory) {
            MemoryCharged.charge(raw, memory);
        }
    }

    /** Reads the remote's nonce first, then decrypts in place. */
    private static final class In extends InputStream implements MemoryCharged {
        private final InputStream raw;
        private final PreSharedKey key;
        private final Out out;
        private final byte[] single = new byte[1];
        /** Null until the remote's nonce is read; only the reader touches it after. */
        private volatile XSalsa20 cipher;
        /** What the first bytes must decrypt to, and how many have; only the reader touches them. */
        private byte[] expected = new byte[0];
        private int matched;

        In(InputStream raw, PreSharedKey key, Out out) {
            this.raw = raw;
            this.key = key;
            this.out = out;
        }

        @Override
        public int read() throws IOException {
            XSalsa20 c = started();
            int b = raw.read();
            if (b < 0) {
                return -1;
            }
            single[0] = c.process((byte) b);
            check(single, 0, 1);
            return single[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            XSalsa20 c = started();
            int n = raw.read(b, off, len);
            if (n > 0) {
                c.process(b, off, n, b, off);
                check(b, off, n);
            }
            return n;
        }

        private void check(byte[] b, int off, int n) throws PrivateNetworkException {
            for (int i = 0; i < n && matched < expected.length; i++, matched++) {
                if (b[off + i] != expected[matched]) {
                    throw new PrivateNetworkException("the remote's bytes do not decrypt to a multistream-select header"
                            + " under this private network's key (" + key + "): the remote has another key, or none");
                }
            }
        }

        private XSalsa20 started() throws IOException {
            XSalsa20 c = cipher;
            if (c != null) {
                return c;
            }
            out.sendNonce();
            byte[] nonce = new byte[NONCE_BYTES];
            int got = 0;
            while (got < NONCE_BYTES) {
                int n = raw.read(nonce, got, NONCE_BYTES - got);
                if (n < 0) {
                    throw new PrivateNetworkException("the remote closed the connection after " + got + " of the "
                            + NONCE_BYTES + " bytes of its private network nonce: it is not in this private network ("
                            + key + ")");
                }
                got += n;
                // A peer outside any private network starts with multistream-select's header in the
                // clear (20 bytes) and then waits for ours: waiting for 24 would stall until the deadline.
                if (got >= CLEAR_HEADER.length && Arrays.equals(nonce, 0, CLEAR_HEADER.length, CLEAR_HEADER, 0, CLEAR_HEADER.length)) {
                    throw new PrivateNetworkException("the remote speaks multistream-select in the clear: it is not in a "
                            + "private network, and this node is (" + key + ")");
                }
            }
            c = cipher(key, nonce);
            cipher = c;
            return c;
        }

        @Override
        public int available() throws IOException {
            return cipher == null ? 0 : raw.available();
        }

        @Override
        public void close() throws IOException {
            raw.close();
        }

        @Override
        public void chargeTo(MemoryScope memory) {
            MemoryCharged.charge(raw, memory);
        }
    }
}
