package io.p2pkit.node.dnslink;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;

import static org.junit.jupiter.api.Assertions.assertTrue;

class DnsMessageFuzzTest {
    /**
     * Any datagram, or DNS-over-HTTPS body, is decoded into at most {@link DnsMessage#MAX_RECORDS}
     * texts or addresses or refused with a DecodeException: never another exception, never a loop
     * (compression pointers are bounded).
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
        int type = switch (input[input.length - 1] & 3) {
            case 0 -> DnsMessage.TYPE_A;
            case 1 -> DnsMessage.TYPE_AAAA;
            default -> DnsMessage.TYPE_TXT;
        };
        try {
            DnsMessage.Reply r = DnsMessage.decode(input, input.length, 0, "peer.example.eth", type,
                    DnsMessage.MAX_DOH_REPLY_BYTES);
            assertTrue(r.texts().size() + r.addresses().size() <= DnsMessage.MAX_RECORDS);
        } catch (DecodeException refused) {
            assertTrue(refused.getMessage() != null);
        }
    }
}
