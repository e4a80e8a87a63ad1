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
        byte[] nonce = new byte[12];
        // Decryption needs a genuine frame: every decryption opens this nonce-0 one (the JDK
        // refuses a repeated key and nonce only when encrypting).
        cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(nonce));
        cipher.doFinal(plain, 0, FRAME, sealed, 0);
        long counter = 1;
        long warmup = Math.min(bytes, 256L << 20);
        for (long done = 0; done < warmup; done += FRAME) {
            counter = open ? decrypt(cipher, key, sealed, plain, counter) : encrypt(cipher, key, nonce, counter, plain, sealed);
        }
        long start = System.nanoTime();
        for (long done = 0; done < bytes; done += FRAME) {
            counter = open ? decrypt(cipher, key, sealed, plain, counter) : encrypt(cipher, key, nonce, counter, plain, sealed);
        }
        return bytes / ((System.nanoTime() - start) / 1e9);
    }

    private static long encrypt(Cipher cipher, SecretKeySpec key, byte[] nonce, long counter, byte[] in, byte[] out)
            throws GeneralSecurityException {
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (counter >>> (8 * i));
        }
        cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(nonce));
        cipher.doFinal(in, 0, in.length, out, 0);
        return counter + 1;
    }

    private static long decrypt(Cipher cipher, SecretKeySpec key, byte[] in, byte[] out, long counter)
            throws GeneralSecurityException {
        cipher.init(Cipher.DECRYPT_MODE, key, new IvParameterSpec(new byte[12]));
        cipher.doFinal(in, 0, in.length, out, 0);
        return counter + 1;
    }
}
