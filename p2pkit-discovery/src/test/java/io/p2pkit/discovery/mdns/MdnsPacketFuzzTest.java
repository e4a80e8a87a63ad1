package io.p2pkit.discovery.mdns;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;
import io.p2pkit.core.identity.PeerId;

import static org.junit.jupiter.api.Assertions.assertTrue;

class MdnsPacketFuzzTest {
    private static final PeerId SELF = PeerId.parse("12D3KooWB32jpAJuBMxmpkku6ntpu9FWULFbuL9jW6HRn8DYbAWf");

    /** Any datagram decodes and yields sane peers, or is rejected with a DecodeException. */
    @FuzzTest(maxDuration = "60s")
    void decode(byte[] input) {
        try {
            DnsMessage m = DnsCodec.decode(input, input.length);
            MdnsPackets.asksForPeers(m);
            for (MdnsPackets.Found f : MdnsPackets.found(m, SELF)) {
                assertTrue(!f.peer().equals(SELF) && !f.addresses().isEmpty()
                        && f.addresses().size() <= MdnsPackets.MAX_ADDRESSES && f.ttl().toSeconds() > 0);
            }
        } catch (DecodeException expected) {
            // rejected
        }
    }
}
