package io.p2pkit.core.protobuf;

import io.p2pkit.core.DecodeException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProtobufStreamReaderTest {
    @Test
    void readsFieldsNestedMessagesAndSkipsWhatItIsNotAskedFor() throws IOException {
        byte[] big = new byte[100_000];
        Arrays.fill(big, (byte) 7);
        ProtobufWriter inner = new ProtobufWriter().bytes(1, new byte[]{1, 2}).varint(9, 5).bytes(2, big);
        byte[] enc = new ProtobufWriter().varint(1, 150).fixed64(3, 1).fixed32(4, 2).message(5, inner)
                .message(6, inner).string(7, "tail").toByteArray();
        ByteArrayInputStream in = new ByteArrayInputStream(concat(enc, new byte[]{42}));
        ProtobufStreamReader r = new ProtobufStreamReader(in, enc.length, "Test");
        int seen = 0;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> assertEquals(150, r.varint());
                case 5 -> {
                    ProtobufStreamReader n = r.nested("Inner");
                    assertTrue(n.next());
                    assertArrayEquals(new byte[]{1, 2}, n.bytes(2));
                    assertTrue(n.next());
                    assertEquals(9, n.field()); // not read: skipped by the next call
                    assertTrue(n.next());
                    assertArrayEquals(big, n.bytes(big.length));
                    assertFalse(n.next());
                }
                case 6 -> {
                    ProtobufStreamReader n = r.nested("Inner");
                    assertTrue(n.next()); // left half read: the parent skips the rest
                }
                case 7 -> assertEquals("tail", new String(r.bytes(10), StandardCharsets.UTF_8));
                default -> r.skip();
            }
            seen++;
        }
        assertEquals(6, seen);
        assertEquals(0, r.remaining());
        assertEquals(42, in.read(), "nothing past the message was read");
    }

    @Test
    void aBytesFieldOverItsLimitIsADecodeException() throws IOException {
        byte[] enc = new ProtobufWriter().bytes(2, new byte[1000]).toByteArray();
        ProtobufStreamReader r = new ProtobufStreamReader(new ByteArrayInputStream(enc), enc.length, "Test");
        assertTrue(r.next());
        DecodeException e = assertThrows(DecodeException.class, () -> r.bytes(999));
        assertTrue(e.getMessage().contains("over the limit of 999"), e.getMessage());
    }

    @Test
    void aFieldLongerThanTheMessageIsRefusedBeforeAnythingIsAllocated() throws IOException {
        byte[] enc = new ProtobufWriter().bytes(2, new byte[10]).toByteArray();
        ProtobufStreamReader r = new ProtobufStreamReader(new ByteArrayInputStream(enc), enc.length - 1, "Test");
        assertTrue(r.next());
        DecodeException e = assertThrows(DecodeException.class, () -> r.bytes(Integer.MAX_VALUE));
        assertTrue(e.getMessage().contains("claims 10 bytes but 9 remain"), e.getMessage());
    }

    @Test
    void aStreamThatEndsInsideTheMessageIsAnEofException() throws IOException {
        byte[] enc = new ProtobufWriter().varint(1, 1).bytes(2, new byte[1000]).toByteArray();
        byte[] cut = Arrays.copyOf(enc, enc.length - 10);
        ProtobufStreamReader r = new ProtobufStreamReader(new ByteArrayInputStream(cut), enc.length, "Test");
        assertTrue(r.next());
        r.skip();
        assertTrue(r.next());
        assertThrows(EOFException.class, () -> r.bytes(2000));
        ProtobufStreamReader skipping = new ProtobufStreamReader(new ByteArrayInputStream(cut), enc.length, "Test");
        assertThrows(EOFException.class, () -> {
            while (skipping.next()) {
                skipping.skip();
            }
        });
    }

    @Test
    void malformedTagsAndWireTypesAreRefusedAsTheArrayReaderRefusesThem() {
        for (byte[] bad : new byte[][]{{0x00}, {0x0B}, {(byte) 0x80}, {0x08, (byte) 0x80}, {0x0F}}) {
            ProtobufStreamReader r = new ProtobufStreamReader(new ByteArrayInputStream(bad), bad.length, "Test");
            assertThrows(DecodeException.class, () -> {
                while (r.next()) {
                    r.skip();
                }
            }, Arrays.toString(bad));
        }
    }

    @Test
    void theWriterSizesMatchWhatItWrites() {
        for (int len : new int[]{0, 1, 127, 128, 16_383, 16_384, 1 << 21}) {
            for (int field : new int[]{1, 15, 16, 2047, 2048}) {
                ProtobufWriter w = new ProtobufWriter().bytes(field, new byte[len]);
                assertEquals(w.size(), ProtobufWriter.lengthDelimitedSize(field, len));
                ProtobufWriter header = new ProtobufWriter().lengthDelimited(field, len);
                assertEquals(w.size() - len, header.size(), "the header alone is the field less its bytes");
            }
        }
        assertEquals(10, ProtobufWriter.varintSize(-1));
        assertEquals(1, ProtobufWriter.varintSize(0));
    }

    @Test
    void aWriterOfTheExactSizeHandsOverItsArrayAndNeverChangesItAfterwards() {
        ProtobufWriter w = new ProtobufWriter(ProtobufWriter.varintSize(20) + 20).lengthPrefix(20).lengthDelimited(1, 18)
                .bytes(2, new byte[16]);
        byte[] first = w.toByteArray();
        assertEquals(21, first.length);
        assertTrue(first == w.toByteArray(), "no copy when the array is exactly full");
        byte[] before = first.clone();
        w.varint(3, 1);
        assertArrayEquals(before, first, "a later write goes to a new array");
        assertEquals(23, w.toByteArray().length);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
