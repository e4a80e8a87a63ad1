package io.p2pkit.core.multiformats;

import io.p2pkit.core.DecodeException;

import java.util.Objects;

/**
 * Base58 with the Bitcoin alphabet and no multibase prefix, the form of peer IDs and CIDv0.
 * Leading zero bytes become leading {@code '1'}s. Inputs are capped like multibase's
 * base58 ({@link Multibase#MAX_BASE_X_BYTES} bytes, {@link Multibase#MAX_BASE_X_LENGTH} chars).
 */
public final class Base58 {
    private static final BaseX CODEC = new BaseX("base58", Multibase.BASE58BTC, false);

    private Base58() {
    }

    /**
     * Encodes {@code data}.
     *
     * @throws IllegalArgumentException if {@code data} is longer than {@link Multibase#MAX_BASE_X_BYTES}
     */
    public static String encode(byte[] data) {
        Objects.requireNonNull(data, "data");
        if (data.length > Multibase.MAX_BASE_X_BYTES) {
            throw new IllegalArgumentException("base58 encodes at most " + Multibase.MAX_BASE_X_BYTES
                    + " bytes, got " + data.length);
        }
        return CODEC.encode(data);
    }

    /**
     * Decodes base58btc text.
     *
     * @throws DecodeException (field {@code "base58"}) on a character outside the alphabet or
     *         text longer than {@link Multibase#MAX_BASE_X_LENGTH}
     */
    public static byte[] decode(String text) {
        Objects.requireNonNull(text, "text");
        if (text.length() > Multibase.MAX_BASE_X_LENGTH) {
            throw new DecodeException("base58", "longer than " + Multibase.MAX_BASE_X_LENGTH + " chars");
        }
        return CODEC.decode(text, 0);
    }
}
