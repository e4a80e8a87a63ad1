package io.p2pkit.node.dnslink;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;

import static org.junit.jupiter.api.Assertions.assertTrue;

class DnsMessageFuzzTest {
    /**
     * Any datagram is decoded into at most {@link DnsMessage#MAX_RECORDS} texts or refused with a
     * DecodeException: never another exception, never a loop (compression pointers are bounded).
     */
    @FuzzTest(maxDuration = "30s")
    void decode(byte[] input) {
        if (input.length < 2) {
            return;
        }
        int id = (input[0] & 0xff) << 8 | (input[1] & 0xff);
        try {
            DnsMessage.Reply r = DnsMessage.decode(input, input.length, id, "_dnslink.example.org");
            assertTrue(r.texts().size() <= DnsMessage.MAX_RECORDS);
        } catch (DecodeException refused) {
            assertTrue(refused.getMessage() != null);
        }
    }
}
