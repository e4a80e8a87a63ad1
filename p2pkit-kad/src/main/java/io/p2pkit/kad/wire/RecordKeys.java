package io.p2pkit.kad.wire;

import java.nio.charset.StandardCharsets;

/** Turns DHT keys (often {@code /ns/<binary>}) into text fit for logs and error messages. */
public final class RecordKeys {
    private RecordKeys() {
    }

    /** {@code /ns/} followed by the hex of the rest when the key has a namespace, else hex. */
    public static String printable(byte[] key) {
        if (key.length > 1 && key[0] == '/') {
            for (int i = 1; i < key.length && i < 32; i++) {
                if (key[i] == '/') {
                    String ns = new String(key, 0, i + 1, StandardCharsets.US_ASCII);
                    byte[] rest = java.util.Arrays.copyOfRange(key, i + 1, key.length);
                    return ns + KadRecord.hexPrefix(rest);
                }
                if (key[i] < 0x21 || key[i] > 0x7e) {
                    break;
                }
            }
        }
        return KadRecord.hexPrefix(key);
    }
}
