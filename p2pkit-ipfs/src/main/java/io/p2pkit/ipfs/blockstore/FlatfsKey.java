package io.p2pkit.ipfs.blockstore;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Multibase;
import io.p2pkit.core.multiformats.Multihash;

/**
 * The name Kubo gives a block in flatfs: the multihash in RFC 4648 base32, upper case, without
 * padding (Go's {@code base32.RawStdEncoding}, which is what {@code dshelp.MultihashToDsKey}
 * uses), so a sha2-256 block is {@code CIQ…}. The file is that name plus {@code .data}.
 */
final class FlatfsKey {
    static final String EXTENSION = ".data";
    /** The longest name a multihash within {@link Multihash#MAX_DIGEST_LENGTH} can have (plus varints). */
    static final int MAX_NAME_LENGTH = (Multihash.MAX_DIGEST_LENGTH + 20) * 8 / 5 + 1;

    private FlatfsKey() {
    }

    static String encode(Multihash key) {
        // drop the multibase prefix 'B'
        return Multibase.encode(Multibase.Encoding.BASE32_UPPER, key.bytes()).substring(1);
    }

    /**
     * The multihash a name stands for. Strict: only the upper-case base32 alphabet, a whole
     * multihash and nothing after it, and the one spelling {@link #encode} gives.
     *
     * @throws DecodeException (field {@code "flatfs key"}) for anything else
     */
    static Multihash decode(String name) {
        if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            throw new DecodeException("flatfs key", "a name of " + name.length() + " characters is not a block key");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'A' && c <= 'Z') && !(c >= '2' && c <= '7')) {
                throw new DecodeException("flatfs key", "character '" + printable(c) + "' at " + i
                        + " is not upper-case base32");
            }
        }
        Multihash key;
        try {
            key = Multihash.decode(Multibase.decode("B" + name));
        } catch (DecodeException e) {
            throw new DecodeException("flatfs key", name + " is not a multihash: " + e.getMessage(), e);
        }
        if (!encode(key).equals(name)) {
            throw new DecodeException("flatfs key", name + " is not the canonical spelling of " + key);
        }
        return key;
    }

    /** The key in a file name, or null when the name is not {@code <key>.data}. */
    static Multihash fromFileName(String fileName) {
        if (!fileName.endsWith(EXTENSION)) {
            return null;
        }
        try {
            return decode(fileName.substring(0, fileName.length() - EXTENSION.length()));
        } catch (DecodeException e) {
            return null;
        }
    }

    private static String printable(char c) {
        return c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c);
    }
}
