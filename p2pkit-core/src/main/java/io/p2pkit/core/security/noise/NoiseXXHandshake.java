package io.p2pkit.core.security.noise;

import io.p2pkit.core.security.HandshakeException;
import org.bouncycastle.math.ec.rfc7748.X25519;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The Noise {@code HandshakeState} for {@code Noise_XX_25519_ChaChaPoly_SHA256}, without any
 * libp2p specifics: the three messages
 * <pre>
 *   -&gt; e
 *   &lt;- e, ee, s, es
 *   -&gt; s, se
 * </pre>
 * each carrying a payload. The initiator writes messages 1 and 3 and reads 2; the responder reads
 * 1 and 3 and writes 2. After the third message {@link #isComplete()} is true and
 * {@link #sendCipher()} and {@link #receiveCipher()} give the transport cipher states.
 *
 * <p>A malformed or unauthenticated message, or a Diffie-Hellman result of all zeros (the remote
 * sent a low-order point), is a {@link HandshakeException}. Not thread-safe.
 */
public final class NoiseXXHandshake {
    /** The Noise protocol name libp2p uses. */
    public static final String PROTOCOL_NAME = "Noise_XX_25519_ChaChaPoly_SHA256";
    /** The size of X25519 keys. */
    public static final int KEY_LENGTH = 32;
    /** The largest Noise message. */
    public static final int MAX_MESSAGE_LENGTH = 65535;

    private static final int ENCRYPTED_KEY_LENGTH = KEY_LENGTH + CipherState.TAG_LENGTH;

    private final boolean initiator;
    private final SymmetricState symmetric;
    private final byte[] staticPrivate;
    private final byte[] staticPublic;
    private final byte[] ephemeralPrivate;
    private final byte[] ephemeralPublic;
    private byte[] remoteStatic;
    private byte[] remoteEphemeral;
    /** How many of the three messages have been written or read. */
    private int messages;
    private CipherState sendCipher;
    private CipherState receiveCipher;

    /**
     * A handshake with the given keys, for tests with fixed vectors.
     *
     * @param initiator           whether this side sends the first message
     * @param prologue            data both sides must agree on (libp2p uses an empty prologue)
     * @param staticPrivateKey    this side's static X25519 private key, 32 bytes
     * @param ephemeralPrivateKey this side's ephemeral X25519 private key, 32 bytes
     */
    public NoiseXXHandshake(boolean initiator, byte[] prologue, byte[] staticPrivateKey, byte[] ephemeralPrivateKey) {
        this(initiator, prologue, staticPrivateKey, null, ephemeralPrivateKey);
    }

    /**
     * With the static public key already known, so that a transport making many handshakes with one
     * static key does not pay a scalar multiplication for it each time.
     */
    NoiseXXHandshake(boolean initiator, byte[] prologue, byte[] staticPrivateKey, byte[] staticPublicKey,
                     byte[] ephemeralPrivateKey) {
        if (staticPrivateKey.length != KEY_LENGTH || ephemeralPrivateKey.length != KEY_LENGTH) {
            throw new IllegalArgumentException("X25519 private keys are 32 bytes");
        }
        this.initiator = initiator;
        this.symmetric = new SymmetricState(PROTOCOL_NAME);
        this.staticPrivate = staticPrivateKey.clone();
        this.staticPublic = staticPublicKey == null ? publicKey(staticPrivate) : staticPublicKey.clone();
        this.ephemeralPrivate = ephemeralPrivateKey.clone();
        this.ephemeralPublic = publicKey(ephemeralPrivate);
        symmetric.mixHash(prologue);
    }

    /** A handshake with the given static key and a fresh ephemeral key from {@code random}. */
    public NoiseXXHandshake(boolean initiator, byte[] prologue, byte[] staticPrivateKey, SecureRandom random) {
        this(initiator, prologue, staticPrivateKey, generatePrivateKey(random));
    }

    /** A new X25519 private key. */
    public static byte[] generatePrivateKey(SecureRandom random) {
        byte[] k = new byte[KEY_LENGTH];
        X25519.generatePrivateKey(random, k);
        return k;
    }

    /** The X25519 public key of {@code privateKey}. */
    public static byte[] publicKey(byte[] privateKey) {
        byte[] pub = new byte[KEY_LENGTH];
        X25519.generatePublicKey(privateKey, 0, pub, 0);
        return pub;
    }

    /** Whether this side is the initiator. */
    public boolean isInitiator() {
        return initiator;
    }

    /** Whether it is this side's turn to write. */
    public boolean isMyTurnToWrite() {
        return !isComplete() && ((messages % 2 == 0) == initiator);
    }

    /** Whether all three messages have been exchanged. */
    public boolean isComplete() {
        return messages == 3;
    }

    /**
     * Writes the next message with {@code payload}.
     *
     * @throws IllegalStateException    if it is not this side's turn
     * @throws IllegalArgumentException if the message would exceed 65535 bytes
     */
    public byte[] writeMessage(byte[] payload) throws HandshakeException {
        if (!isMyTurnToWrite()) {
            throw new IllegalStateException("not this side's turn to write (message " + (messages + 1) + ")");
        }
        int overhead = switch (messages) {
            case 0 -> KEY_LENGTH;
            case 1 -> KEY_LENGTH + ENCRYPTED_KEY_LENGTH + CipherState.TAG_LENGTH;
            default -> ENCRYPTED_KEY_LENGTH + CipherState.TAG_LENGTH;
        };
        if (payload.length + overhead > MAX_MESSAGE_LENGTH) {
            throw new IllegalArgumentException("payload of " + payload.length + " bytes makes message "
                    + (messages + 1) + " longer than 65535 bytes");
        }
        try {
            byte[] message = new byte[payload.length + overhead];
            int pos = 0;
            switch (messages) {
                case 0 -> { // -> e
                    pos = put(message, pos, ephemeralPublic);
                    symmetric.mixHash(ephemeralPublic);
                }
                case 1 -> { // <- e, ee, s, es
                    pos = put(message, pos, ephemeralPublic);
                    symmetric.mixHash(ephemeralPublic);
                    symmetric.mixKey(dh(ephemeralPrivate, remoteEphemeral));
                    pos = put(message, pos, symmetric.encryptAndHash(staticPublic));
                    symmetric.mixKey(dh(staticPrivate, remoteEphemeral));
                }
                default -> { // -> s, se
                    pos = put(message, pos, symmetric.encryptAndHash(staticPublic));
                    symmetric.mixKey(dh(staticPrivate, remoteEphemeral));
                }
            }
            pos = put(message, pos, symmetric.encryptAndHash(payload));
            messages++;
            finishIfComplete();
            return pos == message.length ? message : Arrays.copyOf(message, pos);
        } catch (NonceExhaustedException e) {
            throw new IllegalStateException("impossible nonce exhaustion during the handshake", e);
        }
    }

    /**
     * Reads the next message from the remote and returns its decrypted payload.
     *
     * @throws HandshakeException   if the message is malformed, fails authentication or carries a bad key
     * @throws IllegalStateException if it is not the remote's turn
     */
    public byte[] readMessage(byte[] message) throws HandshakeException {
        if (isComplete() || isMyTurnToWrite()) {
            throw new IllegalStateException("not the remote's turn to write (message " + (messages + 1) + ")");
        }
        int number = messages + 1;
        if (message.length > MAX_MESSAGE_LENGTH) {
            throw new HandshakeException("handshake message " + number + " is " + message.length
                    + " bytes, over the Noise limit of 65535");
        }
        int minimum = switch (messages) {
            case 0 -> KEY_LENGTH;
            case 1 -> KEY_LENGTH + ENCRYPTED_KEY_LENGTH + CipherState.TAG_LENGTH;
            default -> ENCRYPTED_KEY_LENGTH + CipherState.TAG_LENGTH;
        };
        if (message.length < minimum) {
            throw new HandshakeException("handshake message " + number + " is " + message.length
                    + " bytes, shorter than the " + minimum + " it must have");
        }
        try {
            int pos = 0;
            switch (messages) {
                case 0 -> { // -> e
                    remoteEphemeral = Arrays.copyOfRange(message, 0, KEY_LENGTH);
                    pos = KEY_LENGTH;
                    symmetric.mixHash(remoteEphemeral);
                }
                case 1 -> { // <- e, ee, s, es
                    remoteEphemeral = Arrays.copyOfRange(message, 0, KEY_LENGTH);
                    pos = KEY_LENGTH;
                    symmetric.mixHash(remoteEphemeral);
                    symmetric.mixKey(dh(ephemeralPrivate, remoteEphemeral));
                    remoteStatic = symmetric.decryptAndHash(Arrays.copyOfRange(message, pos, pos + ENCRYPTED_KEY_LENGTH));
                    pos += ENCRYPTED_KEY_LENGTH;
                    symmetric.mixKey(dh(ephemeralPrivate, remoteStatic));
                }
                default -> { // -> s, se
                    remoteStatic = symmetric.decryptAndHash(Arrays.copyOfRange(message, 0, ENCRYPTED_KEY_LENGTH));
                    pos = ENCRYPTED_KEY_LENGTH;
                    symmetric.mixKey(dh(ephemeralPrivate, remoteStatic));
                }
            }
            byte[] payload = symmetric.decryptAndHash(Arrays.copyOfRange(message, pos, message.length));
            messages++;
            finishIfComplete();
            return payload;
        } catch (BadTagException e) {
            throw new HandshakeException("handshake message " + number + " failed authentication", e);
        } catch (NonceExhaustedException e) {
            throw new IllegalStateException("impossible nonce exhaustion during the handshake", e);
        }
    }

    /** This side's static public key. */
    public byte[] localStaticPublicKey() {
        return staticPublic.clone();
    }

    /** The remote's static public key, known after message 2 (initiator) or 3 (responder); null before. */
    public byte[] remoteStaticPublicKey() {
        return remoteStatic == null ? null : remoteStatic.clone();
    }

    /** The handshake hash so far; after completion it is unique to the session. */
    public byte[] handshakeHash() {
        return symmetric.handshakeHash();
    }

    /** The cipher state for messages this side sends, after completion. */
    public CipherState sendCipher() {
        requireComplete();
        return sendCipher;
    }

    /** The cipher state for messages this side receives, after completion. */
    public CipherState receiveCipher() {
        requireComplete();
        return receiveCipher;
    }

    private void requireComplete() {
        if (!isComplete()) {
            throw new IllegalStateException("the handshake is not complete");
        }
    }

    private void finishIfComplete() {
        if (isComplete()) {
            CipherState[] pair = symmetric.split();
            sendCipher = initiator ? pair[0] : pair[1];
            receiveCipher = initiator ? pair[1] : pair[0];
            Arrays.fill(ephemeralPrivate, (byte) 0);
        }
    }

    private static byte[] dh(byte[] privateKey, byte[] publicKey) throws HandshakeException {
        byte[] shared = new byte[KEY_LENGTH];
        if (!X25519.calculateAgreement(privateKey, 0, publicKey, 0, shared, 0)) {
            throw new HandshakeException("X25519 result is all zeros: the remote sent a low-order public key");
        }
        return shared;
    }

    private static int put(byte[] dst, int pos, byte[] src) {
        System.arraycopy(src, 0, dst, pos, src.length);
        return pos + src.length;
    }

    @Override
    public String toString() {
        return "NoiseXXHandshake[" + (initiator ? "initiator" : "responder") + ", messages=" + messages + "]";
    }
}
