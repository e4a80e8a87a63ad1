package io.p2pkit.core.pnet;

import io.p2pkit.core.DecodeException;
import org.bouncycastle.crypto.digests.SHAKEDigest;
import org.bouncycastle.crypto.engines.Salsa20Engine;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

/**
 * The 32-byte key of a libp2p private network (PSK v1, the {@code swarm.key} of Kubo): every
 * connection is encrypted with it before anything else is said, so only peers holding the same key
 * can talk. Read one from its key file with {@link #read(Path)}; make one with {@link #generate()}
 * and {@link #encode()}:
 *
 * <pre>
 * /key/swarm/psk/1.0.0/
 * /base16/
 * 0123…(64 hex digits)
 * </pre>
 *
 * Besides {@code /base16/}, {@code /base64/} and {@code /bin/} (raw bytes) are read, as go-libp2p
 * reads them. {@link #toString()} shows the {@link #fingerprint()}, never the key.
 */
public final class PreSharedKey {
    /** The key's length in bytes. */
    public static final int KEY_BYTES = 32;
    /** The largest key file read: the longest valid one (base64 with CRLF line ends) is far below. */
    public static final int MAX_FILE_BYTES = 1024;
    /** The first line of a key file. */
    public static final String HEADER = "/key/swarm/psk/1.0.0/";
    /** The environment variable that, set to {@code 1}, forbids a host without a key (go-libp2p's and Kubo's). */
    public static final String FORCE_ENV = "LIBP2P_FORCE_PNET";

    private final byte[] key;

    private PreSharedKey(byte[] key) {
        this.key = key;
    }

    /**
     * The key made of {@code key}'s 32 bytes (copied).
     *
     * @throws IllegalArgumentException when it is not 32 bytes long
     */
    public static PreSharedKey of(byte[] key) {
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("a private network key is " + KEY_BYTES + " bytes, not " + key.length);
        }
        return new PreSharedKey(key.clone());
    }

    /** A new random key. */
    public static PreSharedKey generate() {
        byte[] k = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(k);
        return new PreSharedKey(k);
    }

    /**
     * Reads a key file.
     *
     * @throws IOException     when the file cannot be read
     * @throws DecodeException when it is larger than {@link #MAX_FILE_BYTES} or not a valid key file
     */
    public static PreSharedKey read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            try {
                return parse(bytes);
            } catch (DecodeException e) {
                throw new DecodeException(e.field(), file + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Parses a key file's content: the header line, the encoding line, then the key in that
     * encoding. As in go-libp2p, lines may end in {@code \n} or {@code \r\n} and what follows the
     * key's 32 bytes is ignored (usually a final newline).
     *
     * @throws DecodeException for a file too large, a wrong header, an unknown encoding, or a key
     *                         that is short or not in its encoding
     */
    public static PreSharedKey parse(byte[] file) {
        if (file.length > MAX_FILE_BYTES) {
            throw new DecodeException("swarm key", "the key file is larger than " + MAX_FILE_BYTES + " bytes");
        }
        int headerEnd = lineEnd(file, 0, "header");
        String header = line(file, 0, headerEnd);
        if (!header.equals(HEADER)) {
            throw new DecodeException("swarm key header", "expected " + HEADER + " as the first line, got '"
                    + printable(header) + "'");
        }
        int encodingEnd = lineEnd(file, headerEnd + 1, "encoding");
        String encoding = line(file, headerEnd + 1, encodingEnd);
        byte[] rest = Arrays.copyOfRange(file, encodingEnd + 1, file.length);
        byte[] key = switch (encoding) {
            case "/base16/" -> base16(rest);
            case "/base64/" -> base64(rest);
            case "/bin/" -> bin(rest);
            default -> throw new DecodeException("swarm key encoding", "unknown encoding '" + printable(encoding)
                    + "' (expected /base16/, /base64/ or /bin/)");
        };
        return new PreSharedKey(key);
    }

    /** Whether {@code environment} forbids a host without a key: {@value #FORCE_ENV} is {@code 1}. */
    public static boolean forcedBy(Map<String, String> environment) {
        return "1".equals(environment.get(FORCE_ENV));
    }

    /** The key file of this key, in base16: {@link #HEADER}, {@code /base16/}, 64 lower-case hex digits, each line ending in a newline. */
    public byte[] encode() {
        return (HEADER + "\n/base16/\n" + HexFormat.of().formatHex(key) + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The key's 32 bytes (a copy). */
    public byte[] bytes() {
        return key.clone();
    }

    /**
     * A 16-byte fingerprint that names the key without revealing it: Kubo's, which it prints at
     * start as {@code Swarm key fingerprint: <hex>} (SHAKE-128 of 64 bytes of Salsa20 key stream
     * under the key, nonce {@code "finprint"}).
     */
    public byte[] fingerprint() {
        Salsa20Engine salsa = new Salsa20Engine();
        salsa.init(true, new ParametersWithIV(new KeyParameter(key), "finprint".getBytes(StandardCharsets.US_ASCII)));
        byte[] stream = new byte[64];
        salsa.processBytes(new byte[64], 0, 64, stream, 0);
        SHAKEDigest shake = new SHAKEDigest(128);
        shake.update(stream, 0, stream.length);
        byte[] out = new byte[16];
        shake.doFinal(out, 0, out.length);
        return out;
    }

    /** {@link #fingerprint()} in lower-case hex, as Kubo prints it. */
    public String fingerprintHex() {
        return HexFormat.of().formatHex(fingerprint());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PreSharedKey p && MessageDigest.isEqual(key, p.key);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key);
    }

    /** The fingerprint only: keys end up in logs. */
    @Override
    public String toString() {
        return "PreSharedKey[fingerprint " + fingerprintHex() + "]";
    }

    private static int lineEnd(byte[] file, int from, String what) {
        for (int i = from; i < file.length; i++) {
            if (file[i] == '\n') {
                return i;
            }
        }
        throw new DecodeException("swarm key " + what, "the key file ends before its " + what + " line ends");
    }

    /** The line's text without its {@code \r} (go trims any run of CR and LF at the end). */
    private static String line(byte[] file, int from, int newline) {
        int end = newline;
        while (end > from && file[end - 1] == '\r') {
            end--;
        }
        return new String(file, from, end - from, StandardCharsets.ISO_8859_1);
    }

    private static byte[] base16(byte[] rest) {
        if (rest.length < 2 * KEY_BYTES) {
            throw new DecodeException("swarm key", "the base16 key has " + rest.length + " digits, not " + 2 * KEY_BYTES);
        }
        byte[] key = new byte[KEY_BYTES];
        for (int i = 0; i < KEY_BYTES; i++) {
            int hi = Character.digit(rest[2 * i], 16);
            int lo = Character.digit(rest[2 * i + 1], 16);
            if (hi < 0 || lo < 0) {
                throw new DecodeException("swarm key", "the base16 key has a character that is not a hex digit at offset "
                        + (hi < 0 ? 2 * i : 2 * i + 1));
            }
            key[i] = (byte) (hi << 4 | lo);
        }
        return key;
    }

    /** Standard base64, padded, line breaks ignored (Go's decoder drops CR and LF); what follows the key's quantum is not read. */
    private static byte[] base64(byte[] rest) {
        // 32 bytes are 44 characters (the last quantum padded with one '=')
        StringBuilder chars = new StringBuilder(44);
        for (int i = 0; i < rest.length && chars.length() < 44; i++) {
            if (rest[i] != '\r' && rest[i] != '\n') {
                chars.append((char) (rest[i] & 0xFF));
            }
        }
        if (chars.length() < 44) {
            throw new DecodeException("swarm key", "the base64 key is shorter than 32 bytes");
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(chars.toString());
        } catch (IllegalArgumentException e) {
            throw new DecodeException("swarm key", "the base64 key is not valid base64: " + e.getMessage(), e);
        }
        if (key.length != KEY_BYTES) {
            throw new DecodeException("swarm key", "the base64 key is " + key.length + " bytes, not " + KEY_BYTES);
        }
        return key;
    }

    private static byte[] bin(byte[] rest) {
        if (rest.length < KEY_BYTES) {
            throw new DecodeException("swarm key", "the binary key is " + rest.length + " bytes, not " + KEY_BYTES);
        }
        return Arrays.copyOf(rest, KEY_BYTES);
    }

    private static String printable(String s) {
        String cut = s.length() > 40 ? s.substring(0, 40) + "…" : s;
        StringBuilder b = new StringBuilder(cut.length());
        cut.codePoints().forEach(c -> b.append(c >= 0x20 && c < 0x7F ? Character.toString(c) : "?"));
        return b.toString();
    }
}
