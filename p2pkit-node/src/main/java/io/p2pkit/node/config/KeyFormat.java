package io.p2pkit.node.config;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.crypto.KeyType;
import io.p2pkit.core.crypto.PrivateKey;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The files a key is exported to and imported from, named as Kubo's {@code ipfs key export|import
 * --format} names them.
 */
public enum KeyFormat {
    /** The libp2p protobuf encoding of the private key, as it sits in the keystore (Kubo's default). */
    LIBP2P_PROTOBUF_CLEARTEXT("libp2p-protobuf-cleartext", "key"),
    /** PKCS#8 in a PEM {@code PRIVATE KEY} block, readable by OpenSSL and go's x509. */
    PEM_PKCS8_CLEARTEXT("pem-pkcs8-cleartext", "pem");

    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\r?\\n(.*?)-----END \\1-----", Pattern.DOTALL);
    private static final int PEM_LINE = 64;

    private final String option;
    private final String extension;

    KeyFormat(String option, String extension) {
        this.option = option;
        this.extension = extension;
    }

    /** The name Kubo's {@code --format} takes. */
    public String option() {
        return option;
    }

    /** The file extension Kubo gives an export in this format, without the dot. */
    public String extension() {
        return extension;
    }

    /**
     * The format named {@code name} for an import, matched exactly as Kubo matches it.
     *
     * @throws IllegalArgumentException with Kubo's {@code unrecognized import format: X} for any other name
     */
    public static KeyFormat forImport(String name) {
        return named(name, "import");
    }

    /**
     * The format named {@code name} for an export, matched exactly as Kubo matches it.
     *
     * @throws IllegalArgumentException with Kubo's {@code unrecognized export format: X} for any other name
     */
    public static KeyFormat forExport(String name) {
        return named(name, "export");
    }

    private static KeyFormat named(String name, String direction) {
        for (KeyFormat f : values()) {
            if (f.option.equals(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unrecognized " + direction + " format: " + name);
    }

    /**
     * Refuses, as Kubo 0.39 does unless {@code anyType}, to import a key of a type Kubo does not
     * generate: only Ed25519 and RSA keys are taken without it.
     *
     * @throws IllegalArgumentException with Kubo's text, which names the Go type
     */
    public static void requireImportable(PrivateKey key, boolean anyType) {
        if (anyType || key.type() == KeyType.ED25519 || key.type() == KeyType.RSA) {
            return;
        }
        throw new IllegalArgumentException("key type " + goType(key.type()) + " is not allowed to be imported, only RSA "
                + "or Ed25519; use flag --allow-any-key-type if you are sure of what you're doing");
    }

    /** The go-libp2p type of a key, as Kubo's messages print it ({@code %T}). */
    private static String goType(KeyType type) {
        return switch (type) {
            case ED25519 -> "*crypto.Ed25519PrivateKey";
            case RSA -> "*crypto.RsaPrivateKey";
            case SECP256K1 -> "*crypto.Secp256k1PrivateKey";
            case ECDSA -> "*crypto.ECDSAPrivateKey";
        };
    }

    /**
     * The key in this format. A secp256k1 key in PKCS#8 is Kubo 0.43's shape (the EC algorithm
     * with the secp256k1 curve, RFC 5915's key without the curve inside), which Kubo 0.43 and
     * OpenSSL read; Kubo 0.39 refused to write one, and cannot read it.
     */
    public byte[] encode(PrivateKey key) {
        if (this == LIBP2P_PROTOBUF_CLEARTEXT) {
            return key.marshal();
        }
        String body = Base64.getMimeEncoder(PEM_LINE, new byte[] {'\n'}).encodeToString(key.toPkcs8());
        return ("-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Reads a key in this format.
     *
     * @throws IllegalArgumentException with a message that says what is wrong, and which format to
     *                                  try when the bytes are the other one
     */
    public PrivateKey decode(byte[] data) {
        if (data.length > 4 * PrivateKey.MAX_MARSHALLED_SIZE) {
            throw new IllegalArgumentException("a key file is at most " + 4 * PrivateKey.MAX_MARSHALLED_SIZE
                    + " bytes; this one is " + data.length);
        }
        if (this == LIBP2P_PROTOBUF_CLEARTEXT) {
            try {
                return PrivateKey.unmarshal(data);
            } catch (DecodeException e) {
                if (PEM.matcher(new String(data, StandardCharsets.US_ASCII)).find()) {
                    throw new IllegalArgumentException("unexpected PEM block for format=" + option
                            + ": try again with format=" + PEM_PKCS8_CLEARTEXT.option);
                }
                throw new IllegalArgumentException("unable to unmarshall format=" + option + ": " + e.getMessage());
            }
        }
        Matcher m = PEM.matcher(new String(data, StandardCharsets.US_ASCII));
        if (!m.find()) {
            // Kubo appends what it could not read
            throw new IllegalArgumentException("PEM block not found in input data:\n"
                    + new String(data, StandardCharsets.UTF_8));
        }
        if (!m.group(1).equals("PRIVATE KEY")) {
            throw new IllegalArgumentException("expected PRIVATE KEY type in PEM block but got: " + m.group(1));
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(m.group(2));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the PEM block is not base64: " + e.getMessage());
        }
        try {
            return PrivateKey.fromPkcs8(der);
        } catch (DecodeException e) {
            throw new IllegalArgumentException("parsing PKCS8 format: " + e.getMessage());
        }
    }
}
