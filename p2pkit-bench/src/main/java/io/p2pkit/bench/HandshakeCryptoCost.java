package io.p2pkit.bench;

import org.bouncycastle.jce.provider.BouncyCastleProvider;

import javax.crypto.KeyAgreement;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Locale;

/**
 * The public-key operations of a TLS 1.3 handshake as p2pkit does it (ECDSA P-256 certificate
 * signatures, X25519 key shares), with the JDK's providers and with BouncyCastle's, in CPU time of
 * the measuring thread per operation after a warm-up, so that the figures hold on a machine
 * shared with other work. Each operation gets its {@code Signature} or {@code KeyAgreement} anew,
 * as the TLS engine does per handshake.
 *
 * <pre>java -cp … io.p2pkit.bench.HandshakeCryptoCost [operations]</pre>
 */
public final class HandshakeCryptoCost {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final byte[] MESSAGE = new byte[130]; // a TLS 1.3 CertificateVerify input is about this long

    private HandshakeCryptoCost() {
    }

    private interface Operation {
        void run() throws GeneralSecurityException;
    }

    /** Runs the comparison. */
    public static void main(String[] args) throws Exception {
        int operations = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        Provider bc = new BouncyCastleProvider();
        KeyPairGenerator p256 = KeyPairGenerator.getInstance("EC");
        p256.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair jdkEc = p256.generateKeyPair();
        PublicKey bcEcPublic = KeyFactory.getInstance("EC", bc)
                .generatePublic(new X509EncodedKeySpec(jdkEc.getPublic().getEncoded()));
        PrivateKey bcEcPrivate = KeyFactory.getInstance("EC", bc)
                .generatePrivate(new PKCS8EncodedKeySpec(jdkEc.getPrivate().getEncoded()));
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(jdkEc.getPrivate());
        signer.update(MESSAGE);
        byte[] signature = signer.sign();

        System.out.printf(Locale.ROOT, "µs of thread CPU per operation, median of 5 rounds of %d after a warm-up%n",
                operations);
        measure("ECDSA P-256 verify", operations,
                () -> verify(Signature.getInstance("SHA256withECDSA"), jdkEc.getPublic(), signature),
                () -> verify(Signature.getInstance("SHA256withECDSA", bc), bcEcPublic, signature));
        measure("ECDSA P-256 sign", operations,
                () -> sign(Signature.getInstance("SHA256withECDSA"), jdkEc.getPrivate()),
                () -> sign(Signature.getInstance("SHA256withECDSA", bc), bcEcPrivate));
        KeyPairGenerator jdkX = KeyPairGenerator.getInstance("X25519");
        KeyPairGenerator bcX = KeyPairGenerator.getInstance("X25519", bc);
        KeyPair jdkA = jdkX.generateKeyPair();
        KeyPair jdkB = jdkX.generateKeyPair();
        KeyPair bcA = bcX.generateKeyPair();
        KeyPair bcB = bcX.generateKeyPair();
        measure("X25519 key generation", operations, jdkX::generateKeyPair, bcX::generateKeyPair);
        measure("X25519 agreement", operations,
                () -> agree(KeyAgreement.getInstance("X25519"), jdkA, jdkB),
                () -> agree(KeyAgreement.getInstance("X25519", bc), bcA, bcB));
    }

    private static void verify(Signature s, PublicKey key, byte[] signature) throws GeneralSecurityException {
        s.initVerify(key);
        s.update(MESSAGE);
        if (!s.verify(signature)) {
            throw new IllegalStateException("signature does not verify");
        }
    }

    private static void sign(Signature s, PrivateKey key) throws GeneralSecurityException {
        s.initSign(key);
        s.update(MESSAGE);
        s.sign();
    }

    private static void agree(KeyAgreement agreement, KeyPair own, KeyPair remote) throws GeneralSecurityException {
        agreement.init(own.getPrivate());
        agreement.doPhase(remote.getPublic(), true);
        agreement.generateSecret();
    }

    private static void measure(String name, int operations, Operation jdk, Operation bouncyCastle)
            throws GeneralSecurityException {
        for (int i = 0; i < 4 * operations; i++) { // warm both up before timing either
            jdk.run();
            bouncyCastle.run();
        }
        double[] jdkMicros = new double[5];
        double[] bcMicros = new double[5];
        for (int round = 0; round < 5; round++) { // rounds alternate, so a busy spell hits both
            jdkMicros[round] = micros(jdk, operations);
            bcMicros[round] = micros(bouncyCastle, operations);
        }
        java.util.Arrays.sort(jdkMicros);
        java.util.Arrays.sort(bcMicros);
        System.out.printf(Locale.ROOT, "  %-22s JDK %6.1f   BouncyCastle %6.1f%n", name, jdkMicros[2], bcMicros[2]);
    }

    private static double micros(Operation operation, int operations) throws GeneralSecurityException {
        long start = THREADS.getCurrentThreadCpuTime();
        for (int i = 0; i < operations; i++) {
            operation.run();
        }
        return (THREADS.getCurrentThreadCpuTime() - start) / 1e3 / operations;
    }
}
