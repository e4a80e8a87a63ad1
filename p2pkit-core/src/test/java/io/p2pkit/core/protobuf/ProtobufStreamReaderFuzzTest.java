package io.p2pkit.core.protobuf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ProtobufStreamReaderFuzzTest {
    /**
     * The stream reader sees any bytes as the array reader does: the same fields with the same
     * values, nested messages included, or a DecodeException from both (never another exception).
     */
    @FuzzTest
    void readsAsTheArrayReaderReads(byte[] input) {
        List<String> fromArray = new ArrayList<>();
        boolean arrayRefused = false;
        try {
            walk(new ProtobufReader(input, "Fuzz"), 0, fromArray);
        } catch (DecodeException refused) {
            arrayRefused = true;
        }
        List<String> fromStream = new ArrayList<>();
        boolean streamRefused = false;
        try {
            walk(new ProtobufStreamReader(new ByteArrayInputStream(input), input.length, "Fuzz"), 0, fromStream);
        } catch (DecodeException refused) {
            streamRefused = true;
        } catch (IOException e) {
            throw new UncheckedIOException("an array of the message's length ran short", e);
        }
        assertEquals(arrayRefused, streamRefused);
        assertEquals(fromArray, fromStream);
    }

    private static void walk(ProtobufReader r, int depth, List<String> seen) {
        while (r.next()) {
            String at = depth + ":" + r.field() + ":" + r.wireType();
            if (r.wireType() == 0 && (r.field() & 1) == 0) {
                seen.add(at + "=" + r.varint());
            } else if (r.wireType() == 2 && depth < 3 && (r.field() & 2) == 0) {
                seen.add(at + "{");
                walk(r.message("Inner"), depth + 1, seen);
            } else if (r.wireType() == 2 && (r.field() & 4) == 0) {
                seen.add(at + "=" + Arrays.toString(r.bytes()));
            } else {
                r.skip();
                seen.add(at);
            }
        }
    }

    private static void walk(ProtobufStreamReader r, int depth, List<String> seen) throws IOException {
        while (r.next()) {
            String at = depth + ":" + r.field() + ":" + r.wireType();
            if (r.wireType() == 0 && (r.field() & 1) == 0) {
                seen.add(at + "=" + r.varint());
            } else if (r.wireType() == 2 && depth < 3 && (r.field() & 2) == 0) {
                seen.add(at + "{");
                walk(r.nested("Inner"), depth + 1, seen);
            } else if (r.wireType() == 2 && (r.field() & 4) == 0) {
                seen.add(at + "=" + Arrays.toString(r.bytes(Integer.MAX_VALUE)));
            } else {
                r.skip();
                seen.add(at);
            }
        }
    }
}
