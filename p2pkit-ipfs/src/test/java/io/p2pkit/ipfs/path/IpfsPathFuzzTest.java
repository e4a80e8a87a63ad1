package io.p2pkit.ipfs.path;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class IpfsPathFuzzTest {
    /** Any text either parses to a path whose text parses back to it, or is refused with a DecodeException. */
    @FuzzTest(maxDuration = "30s")
    void parse(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        IpfsPath p;
        try {
            p = IpfsPath.parse(text);
        } catch (DecodeException refused) {
            return;
        }
        // The written form can be longer than the text (a bare CID gains /ipfs/, a base58 CIDv1
        // becomes base32), so the round trip holds within the cap.
        if (p.toString().length() <= IpfsPath.MAX_LENGTH) {
            assertEquals(p, IpfsPath.parse(p.toString()));
        }
    }
}
