package io.p2pkit.core.security.tls;

import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The handshake's ECDSA, done with BouncyCastle's own API, against the JDK's implementation of the
 * same schemes: signatures either makes verify with the other, and tampered or malformed ones do not.
 */
class HandshakeCryptoTest {
    private static final byte[] CONTENT = HandshakeCrypto.signedContent(true, new byte[32]);

    private static KeyPair keyPair(String curve) throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec(curve), new SecureRandom());
        return g.generateKeyPair();
    }

    @ParameterizedTest
    @CsvSource({"secp256r1, ECDSA_SECP256R1_SHA256", "secp384r1, ECDSA_SECP384R1_SHA384",
            "secp521r1, ECDSA_SECP521R1_SHA512"})
    void verifiesWhatTheJdkSignsAndRefusesTamperedSignatures(String curve, SignatureScheme scheme) throws Exception {
        KeyPair pair = keyPair(curve);
        Signature jdk = Signature.getInstance(scheme.signatureAlgorithm());
        jdk.initSign(pair.getPrivate());
        jdk.update(CONTENT);
        byte[] signature = jdk.sign();
        ECPublicKeyParameters key = HandshakeCrypto.ecdsaPublicKey(pair.getPublic().getEncoded());
        assertTrue(HandshakeCrypto.verifyEcdsa(scheme, key, CONTENT, signature));

        byte[] otherContent = CONTENT.clone();
        otherContent[otherContent.length - 1] ^= 1;
        assertFalse(HandshakeCrypto.verifyEcdsa(scheme, key, otherContent, signature), "another transcript");
        byte[] tampered = signature.clone();
        tampered[tampered.length - 1] ^= 1;
        assertFalse(HandshakeCrypto.verifyEcdsa(scheme, key, CONTENT, tampered), "a changed s");
        assertFalse(HandshakeCrypto.verifyEcdsa(scheme, key, CONTENT, Arrays.copyOf(signature, signature.length - 1)),
                "a truncated signature");
        assertFalse(HandshakeCrypto.verifyEcdsa(scheme, key, CONTENT, new byte[0]), "no signature");
        assertFalse(HandshakeCrypto.verifyEcdsa(scheme, key, CONTENT, "garbage".getBytes(StandardCharsets.US_ASCII)));
        // the same numbers, not in strict DER (a long-form length): refused, as the JDK refuses it
        byte[] loose = new byte[signature.length + 1];
        if ((signature[1] & 0x80) == 0) {
            loose[0] = 0x30;
            loose[1] = (byte) 0x81;
            loose[2] = signature[1];
            System.arraycopy(signature, 2, loose, 3, signature.length - 2);
            assertFalse(HandshakeCrypto.verifyEcdsa(scheme, key, CONTENT, loose), "non-canonical DER");
        }
    }

    @Test
    void whatWeSignVerifiesWithTheJdkAndWithOurselves() throws Exception {
        KeyPair pair = keyPair("secp256r1");
        HandshakeCrypto.SigningKey signing = HandshakeCrypto.signingKey(pair.getPrivate());
        assertNull(signing.jdk(), "a P-256 key is taken by BouncyCastle's ECDSA");
        byte[] signature = HandshakeCrypto.sign(signing, CONTENT);
        Signature jdk = Signature.getInstance("SHA256withECDSA");
        jdk.initVerify(pair.getPublic());
        jdk.update(CONTENT);
        assertTrue(jdk.verify(signature));
        ECPublicKeyParameters key = HandshakeCrypto.ecdsaPublicKey(pair.getPublic().getEncoded());
        assertTrue(HandshakeCrypto.verifyEcdsa(SignatureScheme.ECDSA_SECP256R1_SHA256, key, CONTENT, signature));
        assertArrayEquals(signature, HandshakeCrypto.sign(signing, CONTENT), "deterministic nonces (RFC 6979)");
    }

    @Test
    void aKeyOfAnotherCurveIsSignedWithByTheJdk() throws Exception {
        KeyPair pair = keyPair("secp384r1");
        HandshakeCrypto.SigningKey signing = HandshakeCrypto.signingKey(pair.getPrivate());
        assertNull(signing.ecdsa());
        byte[] signature = HandshakeCrypto.sign(signing, CONTENT); // SHA256withECDSA, as the JDK does it
        Signature jdk = Signature.getInstance("SHA256withECDSA");
        jdk.initVerify(pair.getPublic());
        jdk.update(CONTENT);
        assertTrue(jdk.verify(signature));
    }

    @Test
    void keysThatAreNotUsableEcKeysAreRefusedWithAReason() throws Exception {
        byte[] spki = keyPair("secp256r1").getPublic().getEncoded();
        byte[] offCurve = spki.clone();
        offCurve[offCurve.length - 1] ^= 1; // y no longer fits x
        assertThrows(GeneralSecurityException.class, () -> HandshakeCrypto.ecdsaPublicKey(offCurve));
        assertThrows(GeneralSecurityException.class, () -> HandshakeCrypto.ecdsaPublicKey(new byte[] {0x30, 0x03, 1, 2, 3}));
        KeyPairGenerator ed = KeyPairGenerator.getInstance("Ed25519");
        assertThrows(GeneralSecurityException.class,
                () -> HandshakeCrypto.ecdsaPublicKey(ed.generateKeyPair().getPublic().getEncoded()));
    }
}
