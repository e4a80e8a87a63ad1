package io.p2pkit.core.security.tls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import java.io.IOException;

/**
 * Drives an {@link SSLEngine} through the TLS handshake over the blocking streams of a raw
 * connection, on the calling thread: wrap what the engine wants to send, send it whenever the
 * engine next needs the peer's answer, unwrap what arrives, run delegated tasks inline.
 */
final class TlsHandshake {
    private static final System.Logger LOG = System.getLogger(TlsHandshake.class.getName());

    private TlsHandshake() {
    }

    /**
     * Runs the handshake to its end, {@code secrets} capturing where its traffic secrets are;
     * throws what the engine or the streams throw.
     */
    static void run(SSLEngine engine, TlsRecordReader reader, TlsRecordWriter writer, TrafficSecrets secrets)
            throws IOException {
        secrets.begin();
        try {
            run(engine, reader, writer);
        } finally {
            secrets.end();
        }
    }

    private static void run(SSLEngine engine, TlsRecordReader reader, TlsRecordWriter writer) throws IOException {
        engine.beginHandshake();
        while (true) {
            SSLEngineResult.HandshakeStatus status = engine.getHandshakeStatus();
            switch (status) {
                case NEED_WRAP -> writer.wrapHandshake();
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    // the peer answers only what it has received: send our flight first
                    writer.sendPending();
                    reader.unwrapHandshake();
                }
                case NEED_TASK -> runDelegatedTasks(engine);
                case FINISHED, NOT_HANDSHAKING -> {
                    writer.sendPending();
                    return;
                }
            }
        }
    }

    /**
     * After a failed handshake, sends the alert the engine has prepared, so that the peer learns
     * why instead of waiting. Best effort: failures here are ignored.
     */
    static void sendAlert(SSLEngine engine, TlsRecordWriter writer) {
        try {
            engine.closeOutbound();
            for (int i = 0; i < 4 && engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP
                    && !engine.isOutboundDone(); i++) {
                writer.wrapHandshake();
            }
            writer.sendPending();
        } catch (IOException | RuntimeException e) {
            // the connection is being torn down anyway
            LOG.log(System.Logger.Level.DEBUG, () -> "closing a TLS connection being torn down: " + e);
        }
    }

    /** Runs the engine's delegated tasks on this thread: no extra threads per connection. */
    static void runDelegatedTasks(SSLEngine engine) {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }
}
