package io.p2pkit.ipfs.car;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.block.Block;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class CarV1FuzzTest {
    /**
     * Any bytes read as a CAR either give a header and verified blocks, which (for a CARv1) the
     * writer writes back to exactly the same bytes; or end in a DecodeException.
     */
    @FuzzTest(maxDuration = "30s")
    void read(byte[] input) throws IOException {
        List<Block> blocks = new ArrayList<>();
        List<Cid> roots;
        int version;
        try (CarReader r = CarReader.open(new ByteArrayInputStream(input))) {
            roots = r.roots();
            version = r.version();
            for (Optional<Block> b = r.next(); b.isPresent(); b = r.next()) {
                blocks.add(b.get());
            }
        } catch (DecodeException refused) {
            return;
        }
        if (version == 1) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (CarWriter w = CarWriter.create(out, roots)) {
                for (Block b : blocks) {
                    w.write(b);
                }
            }
            assertArrayEquals(input, out.toByteArray());
        }
    }
}
