package io.p2pkit.core.multiaddr;

import io.p2pkit.core.DecodeException;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 for textual values (DNS names, zones, paths): malformed bytes or unpaired
 * surrogates are rejected rather than replaced, so that text and bytes always round-trip.
 * ASCII, the common case, takes a fast path.
 */
final class Utf8 {
    private Utf8() {
    }

    static String decode(byte[] src, int offset, int length, String field) {
        boolean ascii = true;
        for (int i = offset; i < offset + length; i++) {
            if (src[i] < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return new String(src, offset, length, StandardCharsets.ISO_8859_1);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(src, offset, length))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new DecodeException(field, "value is not valid UTF-8");
        }
    }

    static void validate(byte[] src, int offset, int length, String field) {
        decode(src, offset, length, field);
    }

    static byte[] encode(String s, String field) {
        int n = s.length();
        boolean ascii = true;
        for (int i = 0; i < n; i++) {
            if (s.charAt(i) >= 0x80) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return s.getBytes(StandardCharsets.ISO_8859_1);
        }
        try {
            ByteBuffer b = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(s));
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        } catch (CharacterCodingException e) {
            throw new DecodeException(field, "value is not valid Unicode text");
        }
    }
}
