package io.p2pkit.core.security.tls;

import io.p2pkit.core.crypto.PublicKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.security.SecureConnection;
import io.p2pkit.core.transport.RawConnection;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A connection secured with libp2p TLS: application bytes go in TLS records over the raw
 * connection, protected with the JDK's AEAD ciphers under the handshake's traffic keys
 * ({@link RecordProtection}).
 * One thread may read while another writes. {@link #closeWrite()} sends what is buffered and
 * half-closes the raw connection (the remote reads end of stream) while this side keeps reading;
 * {@link #close()} sends close_notify when no writer is busy and closes the raw connection. A
 * received close_notify ends the input (reads return end of stream); writing goes on until this
 * side closes, as TLS 1.3 allows (RFC 8446 §6.1).
 */
final class TlsConnection implements SecureConnection {
    private final RawConnection raw;
    private final TlsRecordReader reader;
    private final TlsRecordWriter writer;
    private final PeerId localPeer;
    private final PeerCertificate remote;
    private final Optional<String> earlyMuxer;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final InputStream in = new In();
    private final OutputStream out = new Out();

    TlsConnection(RawConnection raw, TlsRecordReader reader, TlsRecordWriter writer, PeerId localPeer,
                  PeerCertificate remote, Optional<String> earlyMuxer) {
        this.raw = raw;
        this.reader = reader;
        this.writer = writer;
        this.localPeer = localPeer;
        this.remote = remote;
        this.earlyMuxer = earlyMuxer;
    }

    @Override
    public PeerId localPeer() {
        return localPeer;
    }

    @Override
    public PeerId remotePeer() {
        return remote.peerId();
    }

    @Override
    public PublicKey remotePublicKey() {
        return remote.publicKey();
    }

    @Override
    public String securityProtocol() {
        return TlsTransport.PROTOCOL_ID;
    }

    @Override
    public Optional<String> earlyMuxer() {
        return earlyMuxer;
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
        if (writer.finishWriting()) {
            raw.closeWrite();
        }
    }

    @Override
    public void close() throws IOException {
        if (closed.compareAndSet(false, true)) {
            try {
                writer.abort();
            } finally {
                raw.close();
            }
        }
    }

    /** Whether both directions' records are protected by {@link RecordProtection}; for tests. */
    boolean recordsProtectedByJdk() {
        return reader.protectedByJdk() && writer.protectedByJdk();
    }

    /** The negotiated cipher suite's IANA code; for tests. */
    int suite() {
        return reader.suite();
    }

    @Override
    public String toString() {
        return "TlsConnection[" + localPeer + " <-> " + remote.peerId() + earlyMuxer.map(m -> ", " + m).orElse("")
                + "]";
    }

    private final class In extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            // a closed connection must not report a clean end of stream
            if (closed.get()) {
                throw new IOException("TLS connection closed");
            }
            return reader.read(b, off, len);
        }

        @Override
        public int available() {
            return reader.available();
        }

        /** Stops reading, as closing the raw connection's input does. */
        @Override
        public void close() throws IOException {
            raw.in().close();
        }
    }

    private final class Out extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            writer.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len > 0) {
                writer.write(b, off, len);
            }
        }

        @Override
        public void flush() throws IOException {
            writer.flush();
        }

        /** Half-closes, like {@link TlsConnection#closeWrite()}. */
        @Override
        public void close() throws IOException {
            TlsConnection.this.closeWrite();
        }
    }
}
