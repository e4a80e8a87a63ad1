package io.p2pkit.core.security.tls;

import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SecurityParameters;
import org.bouncycastle.tls.crypto.TlsCrypto;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.TlsSecret;

import java.security.GeneralSecurityException;

/**
 * The application traffic secrets of one handshake, taken from BouncyCastle's TLS context so that
 * records can be protected without the engine ({@link RecordProtection}). BCJSSE's
 * {@code SSLEngine} does not expose its context; its crypto does see it each time it makes a
 * record cipher. The handshake runs on one thread ({@link TlsHandshake}), so the crypto reports
 * to the capture that thread has {@link #begin begun}.
 */
final class TrafficSecrets {
    private static final ThreadLocal<TrafficSecrets> CURRENT = new ThreadLocal<>();

    private volatile TlsCryptoParameters parameters;
    private volatile TlsCrypto crypto;

    /** Starts capturing on this thread; {@link #end} stops. */
    void begin() {
        CURRENT.set(this);
    }

    void end() {
        CURRENT.remove();
    }

    /** Called by the crypto whenever the handshake on this thread makes a record cipher. */
    static void cipherCreated(TlsCrypto crypto, TlsCryptoParameters parameters) {
        TrafficSecrets capture = CURRENT.get();
        if (capture != null) {
            capture.crypto = crypto;
            capture.parameters = parameters;
        }
    }

    /**
     * The two directions' protection after a completed TLS 1.3 handshake, as copies of the
     * engine's secrets (the engine keeps its own), or null when they are not available or the
     * suite is not one {@link RecordProtection} knows; the engine then keeps the records.
     */
    Pair protection(boolean dialer) throws GeneralSecurityException {
        TlsCryptoParameters params = parameters;
        if (params == null) {
            return null;
        }
        SecurityParameters security = params.getSecurityParametersConnection();
        if (security == null || !ProtocolVersion.TLSv13.equals(security.getNegotiatedVersion())) {
            return null;
        }
        RecordProtection.Suite suite = RecordProtection.Suite.of(security.getCipherSuite());
        TlsSecret client = security.getTrafficSecretClient();
        TlsSecret server = security.getTrafficSecretServer();
        if (suite == null || client == null || server == null) {
            return null;
        }
        byte[] clientSecret = crypto.adoptSecret(client).extract();
        byte[] serverSecret = crypto.adoptSecret(server).extract();
        return dialer
                ? new Pair(RecordProtection.sealing(suite, clientSecret), RecordProtection.opening(suite, serverSecret))
                : new Pair(RecordProtection.sealing(suite, serverSecret), RecordProtection.opening(suite, clientSecret));
    }

    /** What this side sends with and what it receives with. */
    record Pair(RecordProtection sending, RecordProtection receiving) {
    }
}
