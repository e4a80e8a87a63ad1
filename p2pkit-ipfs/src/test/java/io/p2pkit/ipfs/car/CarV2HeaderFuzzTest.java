package io.p2pkit.ipfs.car;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Cid;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CarV2HeaderFuzzTest {
    private static final Path FILE;

    static {
        try {
            FILE = Files.createTempFile("carv2-fuzz", ".car");
            FILE.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * The bytes after a CARv2 pragma (header, padding, inner CARv1, index), opened for random
     * access: either the file opens, every root it has is readable (or the lookup ends in a
     * DecodeException, for an index that lies), and the stream reader agrees on the roots; or
     * opening ends in a DecodeException.
     */
    @FuzzTest(maxDuration = "30s")
    void open(byte[] afterPragma) throws IOException {
        byte[] car = new byte[CarV2Header.PRAGMA.length + afterPragma.length];
        System.arraycopy(CarV2Header.PRAGMA, 0, car, 0, CarV2Header.PRAGMA.length);
        System.arraycopy(afterPragma, 0, car, CarV2Header.PRAGMA.length, afterPragma.length);
        Files.write(FILE, car);
        try (CarFile f = CarFile.open(FILE)) {
            assertEquals(2, f.version());
            CarV2Header h = f.v2Header().orElseThrow();
            assertTrue(h.dataOffset() + h.dataSize() <= car.length);
            for (Cid root : f.roots()) {
                try {
                    Optional<?> ignored = f.get(root);
                } catch (DecodeException lyingIndex) {
                    // an index pointing at the wrong section is refused, not believed
                }
            }
            try (CarReader r = CarReader.open(new java.io.ByteArrayInputStream(car))) {
                assertEquals(f.roots(), r.roots());
            }
        } catch (DecodeException refused) {
            // clean rejection
        }
    }
}
