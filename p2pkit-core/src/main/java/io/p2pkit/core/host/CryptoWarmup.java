package io.p2pkit.core.host;

import org.bouncycastle.crypto.digests.SHA512Digest;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import java.security.GeneralSecurityException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Loads, on a thread of its own, what a fresh JVM's first key and first handshake would otherwise
 * load on their own thread: BouncyCastle's services registrar (its first digest starts
 * java.util.logging, which searches the class path for a logger finder) and the JDK's security
 * providers and crypto policy (the first {@code Cipher} or {@code Mac} lookup makes every
 * provider listed before SunJCE, SunEC with its table of named curves among them, and parses the
 * policy files). Together 15-30 ms that a node's first connection waited for (docs/PERFORMANCE.md,
 * "The first connection's provider lookup"). A lookup that arrives while this one runs waits for
 * the class initialisation it needs rather than doing it twice. Once per JVM.
 */
final class CryptoWarmup {
    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private CryptoWarmup() {
    }

    /** Starts the warm-up unless an earlier call did. */
    static void start() {
        if (STARTED.compareAndSet(false, true)) {
            Thread.ofPlatform().name("p2pkit-crypto-warmup").daemon().start(CryptoWarmup::run);
        }
    }

    private static void run() {
        try {
            new SHA512Digest(); // what Ed25519 keys hash with: the registrar, first needed
            Cipher.getInstance("ChaCha20-Poly1305"); // Noise
            Cipher.getInstance("AES/GCM/NoPadding"); // TLS
            Mac.getInstance("HmacSHA256");
        } catch (GeneralSecurityException | RuntimeException | LinkageError e) {
            // Nothing to do: the handshake's own lookup meets the same failure and reports it.
        }
    }
}
