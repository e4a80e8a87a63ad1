package io.p2pkit.core.security.tls;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

/**
 * The TLS 1.3 key schedule of a full handshake without PSK (RFC 8446 §7.1): HKDF-Extract and
 * Derive-Secret over the suite's hash, from the (EC)DHE shared secret to the handshake and
 * application traffic secrets, and the Finished messages' verify_data (§4.4.4). The JDK's HMAC
 * and digests do the work.
 */
final class KeySchedule {
    private final RecordProtection.Suite suite;
    private byte[] handshakeSecret;
    private byte[] masterSecret;
    private byte[] clientHandshake;
    private byte[] serverHandshake;

    KeySchedule(RecordProtection.Suite suite) {
        this.suite = suite;
    }

    /** The JDK's name of the suite's hash. */
    static String hashAlgorithm(RecordProtection.Suite suite) {
        return suite.hashBytes == 48 ? "SHA-384" : "SHA-256";
    }

    /** HKDF-Extract(salt, ikm) (RFC 5869). */
    static byte[] extract(RecordProtection.Suite suite, byte[] salt, byte[] ikm) throws GeneralSecurityException {
        Mac mac = Mac.getInstance(suite.hmac);
        mac.init(new SecretKeySpec(salt, suite.hmac));
        return mac.doFinal(ikm);
    }

    /** Derive-Secret(secret, label, messages) with the messages' transcript hash given. */
    static byte[] deriveSecret(RecordProtection.Suite suite, byte[] secret, String label, byte[] transcriptHash)
            throws GeneralSecurityException {
        return RecordProtection.expandLabel(suite, secret, label, transcriptHash, suite.hashBytes);
    }

    /** The hash of no messages, for the "derived" steps. */
    static byte[] emptyHash(RecordProtection.Suite suite) throws GeneralSecurityException {
        return MessageDigest.getInstance(hashAlgorithm(suite)).digest();
    }

    /**
     * From the shared secret and the hash of ClientHello..ServerHello: the handshake traffic
     * secrets, and the master secret for later.
     */
    void handshake(byte[] sharedSecret, byte[] helloHash) throws GeneralSecurityException {
        byte[] zeros = new byte[suite.hashBytes];
        byte[] empty = emptyHash(suite);
        byte[] early = extract(suite, zeros, zeros);
        handshakeSecret = extract(suite, deriveSecret(suite, early, "derived", empty), sharedSecret);
        clientHandshake = deriveSecret(suite, handshakeSecret, "c hs traffic", helloHash);
        serverHandshake = deriveSecret(suite, handshakeSecret, "s hs traffic", helloHash);
        masterSecret = extract(suite, deriveSecret(suite, handshakeSecret, "derived", empty), zeros);
    }

    byte[] clientHandshakeSecret() {
        return clientHandshake.clone();
    }

    byte[] serverHandshakeSecret() {
        return serverHandshake.clone();
    }

    /** The client's application traffic secret, from the hash of ClientHello..server Finished. */
    byte[] clientApplicationSecret(byte[] serverFinishedHash) throws GeneralSecurityException {
        return deriveSecret(suite, masterSecret, "c ap traffic", serverFinishedHash);
    }

    /** The server's application traffic secret, from the hash of ClientHello..server Finished. */
    byte[] serverApplicationSecret(byte[] serverFinishedHash) throws GeneralSecurityException {
        return deriveSecret(suite, masterSecret, "s ap traffic", serverFinishedHash);
    }

    /** A Finished message's verify_data: HMAC(finished_key of {@code baseKey}, transcript hash). */
    static byte[] verifyData(RecordProtection.Suite suite, byte[] baseKey, byte[] transcriptHash)
            throws GeneralSecurityException {
        byte[] finishedKey = RecordProtection.expandLabel(suite, baseKey, "finished", new byte[0], suite.hashBytes);
        Mac mac = Mac.getInstance(suite.hmac);
        mac.init(new SecretKeySpec(finishedKey, suite.hmac));
        return mac.doFinal(transcriptHash);
    }

    /** Forgets the secrets this schedule holds. */
    void erase() {
        for (byte[] secret : new byte[][] {handshakeSecret, masterSecret, clientHandshake, serverHandshake}) {
            if (secret != null) {
                java.util.Arrays.fill(secret, (byte) 0);
            }
        }
    }
}
