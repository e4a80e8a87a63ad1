package io.p2pkit.bench.perf;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.GeneralSecurityException;

/** What bounds any libp2p stack on this machine: the loopback TCP path and the AEAD cipher. */
final class Ceilings {
    static final int FRAME = 64 * 1024;

    private Ceilings() {
    }

    /** Bytes per second through one loopback TCP connection, Java sockets, 64 KiB writes and reads. */
    static double loopbackTcp(long bytes) throws IOException, InterruptedException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread sender = Thread.ofPlatform().start(() -> {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                    s.setTcpNoDelay(true);
                    OutputStream out = s.getOutputStream();
                    byte[] buf = new byte[FRAME];
                    for (long left = bytes; left > 0; left -= FRAME) {
                        out.write(buf, 0, (int) Math.min(FRAME, left));
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            long start;
            long got = 0;
            try (Socket s = server.accept()) {
                InputStream in = s.getInputStream();
                byte[] buf = new byte[FRAME];
                start = System.nanoTime();
                int n;
                while ((n = in.read(buf)) > 0) {
                    got += n;
                }
            }
            long elapsed = System.nanoTime() - start;
            sender.join();
            if (got != bytes) {
                throw new IOException("loopback moved " + got + " of " + bytes + " bytes");
            }
            return bytes / (elapsed / 1e9);
        }
    }

    /**
     * Bytes per second of ChaCha20-Poly1305 encryption on one thread with the JDK's provider, in
     * 64 KiB frames with a fresh nonce each (as Noise transport messages do), after a warm-up.
     */
    static double chacha20Poly1305(long bytes) throws GeneralSecurityException {
        return aead(bytes, false);
    }

    /**
     * Like {@link #chacha20Poly1305(long)} for decryption (tag check included): with both, every
     * byte moved costs one of each, so together they give the CPU an encrypted byte needs at least.
     */
    static double chacha20Poly1305Open(long bytes) throws GeneralSecurityException {
        return aead(bytes, true);
    }

    private static double aead(long bytes, boolean open) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("ChaCha20-Poly1305");
        SecretKeySpec key = new SecretKeySpec(new byte[32], "ChaCha20");
        byte[] plain = new byte[FRAME];
        byte[] sealed = new byte[FRAME + 16];
        // Decryption needs a genuine frame: every decryption opens this nonce-0 one (the JDK
        // refuses a repeated key and nonce only when encrypting, so encryption counts nonces up).
        cipher.init(Cipher.ENCRYPT_MODE, key, nonce(0));
        cipher.doFinal(plain, 0, FRAME, sealed, 0);
        long next = frames(cipher, key, open, plain, sealed, Math.min(bytes, 256L << 20), 1); // warm-up
        long start = System.nanoTime();
        frames(cipher, key, open, plain, sealed, bytes, next);
        return bytes / ((System.nanoTime() - start) / 1e9);
    }

    /** Encrypts {@code plain} or decrypts {@code sealed} until {@code bytes} went through; returns the next nonce. */
    private static long frames(Cipher cipher, SecretKeySpec key, boolean open, byte[] plain, byte[] sealed,
                               long bytes, long counter) throws GeneralSecurityException {
        for (long done = 0; done < bytes; done += FRAME) {
            if (open) {
                cipher.init(Cipher.DECRYPT_MODE, key, nonce(0));
                cipher.doFinal(sealed, 0, sealed.length, plain, 0);
            } else {
                cipher.init(Cipher.ENCRYPT_MODE, key, nonce(counter++));
                cipher.doFinal(plain, 0, plain.length, sealed, 0);
            }
        }
        return counter;
    }

    /** The Noise nonce for {@code counter}: 4 zero bytes, then the counter in little-endian order. */
    private static IvParameterSpec nonce(long counter) {
        byte[] n = new byte[12];
        for (int i = 0; i < 8; i++) {
            n[4 + i] = (byte) (counter >>> (8 * i));
        }
        return new IvParameterSpec(n);
    }
}
