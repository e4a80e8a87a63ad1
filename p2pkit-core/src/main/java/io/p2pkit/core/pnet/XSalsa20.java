package io.p2pkit.core.pnet;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The XSalsa20 stream cipher (Bernstein, "Extending the Salsa20 nonce"): HSalsa20 turns the key
 * and the first 16 nonce bytes into a subkey, and Salsa20/20 under that subkey and the last 8
 * nonce bytes gives the key stream, block counter from 0.
 *
 * <p>Ours rather than BouncyCastle's {@code XSalsa20Engine}, which XORs byte by byte out of a
 * key stream it first copies to bytes: this one XORs whole blocks four bytes at a time straight
 * from the rounds' variables (about 1.5 times BouncyCastle's throughput; see docs/PNET.md), and the
 * private network layer XORs every byte of the connection. Tests check it against BouncyCastle's
 * and against go's output.
 *
 * <p>Not thread-safe: one per direction of a connection.
 */
final class XSalsa20 {
    private static final VarHandle LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    /** "expand 32-byte k", in the diagonal words. */
    private static final int C0 = 0x61707865;
    private static final int C1 = 0x3320646e;
    private static final int C2 = 0x79622d32;
    private static final int C3 = 0x6b206574;

    /** XORed with a block, gives the key stream itself. */
    private static final byte[] ZEROS = new byte[64];

    private final int[] state = new int[16];
    /** The key stream of the current block, for writes that end inside one. */
    private final byte[] block = new byte[64];
    /** How many bytes of {@link #block} are used. */
    private int used = 64;

    XSalsa20(byte[] key, byte[] nonce) {
        if (key.length != 32 || nonce.length != 24) {
            throw new IllegalArgumentException("XSalsa20 takes a 32-byte key and a 24-byte nonce");
        }
        // HSalsa20: the rounds over the key and the nonce's first 16 bytes, without Salsa20's
        // feed-forward (taken off again below), give the subkey
        int[] h = state;
        h[0] = C0;
        h[5] = C1;
        h[10] = C2;
        h[15] = C3;
        for (int i = 0; i < 4; i++) {
            h[1 + i] = word(key, 4 * i);
            h[11 + i] = word(key, 16 + 4 * i);
            h[6 + i] = word(nonce, 4 * i);
        }
        int[] input = h.clone();
        xorBlock(ZEROS, 0, block, 0);
        int[] z = new int[16];
        for (int i = 0; i < 16; i++) {
            z[i] = word(block, 4 * i) - input[i];
        }
        state[0] = C0;
        state[1] = z[0];
        state[2] = z[5];
        state[3] = z[10];
        state[4] = z[15];
        state[5] = C1;
        state[6] = word(nonce, 16);
        state[7] = word(nonce, 20);
        state[8] = 0;
        state[9] = 0;
        state[10] = C2;
        state[11] = z[6];
        state[12] = z[7];
        state[13] = z[8];
        state[14] = z[9];
        state[15] = C3;
    }

    /** XORs {@code len} bytes of {@code in} with the key stream into {@code out}; the two may be the same bytes. */
    void process(byte[] in, int inOff, int len, byte[] out, int outOff) {
        while (len > 0 && used < 64) {
            out[outOff++] = (byte) (in[inOff++] ^ block[used++]);
            len--;
        }
        while (len >= 64) {
            xorBlock(in, inOff, out, outOff);
            inOff += 64;
            outOff += 64;
            len -= 64;
        }
        if (len > 0) {
            xorBlock(ZEROS, 0, block, 0);
            used = 0;
            while (len > 0) {
                out[outOff++] = (byte) (in[inOff++] ^ block[used++]);
                len--;
            }
        }
    }

    /** One byte through the cipher. */
    byte process(byte b) {
        if (used == 64) {
            xorBlock(ZEROS, 0, block, 0);
            used = 0;
        }
        return (byte) (b ^ block[used++]);
    }

    private static int word(byte[] b, int off) {
        return (int) LE.get(b, off);
    }

    /**
     * XORs one whole block of key stream into {@code out} from {@code in} and moves the counter on:
     * the rounds, the feed-forward and the XOR in one pass over local variables, the hot loop.
     */
    private void xorBlock(byte[] in, int inOff, byte[] out, int outOff) {
        // the state is read again after the rounds: 16 live words fit the registers better than 32
        int[] s = state;
        int x0 = s[0], x1 = s[1], x2 = s[2], x3 = s[3], x4 = s[4], x5 = s[5], x6 = s[6], x7 = s[7];
        int x8 = s[8], x9 = s[9], x10 = s[10], x11 = s[11], x12 = s[12], x13 = s[13], x14 = s[14], x15 = s[15];
        for (int i = 0; i < 10; i++) {
            x4 ^= Integer.rotateLeft(x0 + x12, 7);
            x8 ^= Integer.rotateLeft(x4 + x0, 9);
            x12 ^= Integer.rotateLeft(x8 + x4, 13);
            x0 ^= Integer.rotateLeft(x12 + x8, 18);
            x9 ^= Integer.rotateLeft(x5 + x1, 7);
            x13 ^= Integer.rotateLeft(x9 + x5, 9);
            x1 ^= Integer.rotateLeft(x13 + x9, 13);
            x5 ^= Integer.rotateLeft(x1 + x13, 18);
            x14 ^= Integer.rotateLeft(x10 + x6, 7);
            x2 ^= Integer.rotateLeft(x14 + x10, 9);
            x6 ^= Integer.rotateLeft(x2 + x14, 13);
            x10 ^= Integer.rotateLeft(x6 + x2, 18);
            x3 ^= Integer.rotateLeft(x15 + x11, 7);
            x7 ^= Integer.rotateLeft(x3 + x15, 9);
            x11 ^= Integer.rotateLeft(x7 + x3, 13);
            x15 ^= Integer.rotateLeft(x11 + x7, 18);

            x1 ^= Integer.rotateLeft(x0 + x3, 7);
            x2 ^= Integer.rotateLeft(x1 + x0, 9);
            x3 ^= Integer.rotateLeft(x2 + x1, 13);
            x0 ^= Integer.rotateLeft(x3 + x2, 18);
            x6 ^= Integer.rotateLeft(x5 + x4, 7);
            x7 ^= Integer.rotateLeft(x6 + x5, 9);
            x4 ^= Integer.rotateLeft(x7 + x6, 13);
            x5 ^= Integer.rotateLeft(x4 + x7, 18);
            x11 ^= Integer.rotateLeft(x10 + x9, 7);
            x8 ^= Integer.rotateLeft(x11 + x10, 9);
            x9 ^= Integer.rotateLeft(x8 + x11, 13);
            x10 ^= Integer.rotateLeft(x9 + x8, 18);
            x12 ^= Integer.rotateLeft(x15 + x14, 7);
            x13 ^= Integer.rotateLeft(x12 + x15, 9);
            x14 ^= Integer.rotateLeft(x13 + x12, 13);
            x15 ^= Integer.rotateLeft(x14 + x13, 18);
        }
        LE.set(out, outOff, (int) LE.get(in, inOff) ^ (x0 + s[0]));
        LE.set(out, outOff + 4, (int) LE.get(in, inOff + 4) ^ (x1 + s[1]));
        LE.set(out, outOff + 8, (int) LE.get(in, inOff + 8) ^ (x2 + s[2]));
        LE.set(out, outOff + 12, (int) LE.get(in, inOff + 12) ^ (x3 + s[3]));
        LE.set(out, outOff + 16, (int) LE.get(in, inOff + 16) ^ (x4 + s[4]));
        LE.set(out, outOff + 20, (int) LE.get(in, inOff + 20) ^ (x5 + s[5]));
        LE.set(out, outOff + 24, (int) LE.get(in, inOff + 24) ^ (x6 + s[6]));
        LE.set(out, outOff + 28, (int) LE.get(in, inOff + 28) ^ (x7 + s[7]));
        LE.set(out, outOff + 32, (int) LE.get(in, inOff + 32) ^ (x8 + s[8]));
        LE.set(out, outOff + 36, (int) LE.get(in, inOff + 36) ^ (x9 + s[9]));
        LE.set(out, outOff + 40, (int) LE.get(in, inOff + 40) ^ (x10 + s[10]));
        LE.set(out, outOff + 44, (int) LE.get(in, inOff + 44) ^ (x11 + s[11]));
        LE.set(out, outOff + 48, (int) LE.get(in, inOff + 48) ^ (x12 + s[12]));
        LE.set(out, outOff + 52, (int) LE.get(in, inOff + 52) ^ (x13 + s[13]));
        LE.set(out, outOff + 56, (int) LE.get(in, inOff + 56) ^ (x14 + s[14]));
        LE.set(out, outOff + 60, (int) LE.get(in, inOff + 60) ^ (x15 + s[15]));
        if (++s[8] == 0) {
            s[9]++;
        }
    }
}
