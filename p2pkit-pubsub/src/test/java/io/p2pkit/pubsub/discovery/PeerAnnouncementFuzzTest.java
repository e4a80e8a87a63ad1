package io.p2pkit.pubsub.discovery;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PeerAnnouncementFuzzTest {
    /** Any input decodes to an announcement that survives a re-encode, or is rejected cleanly. */
    @FuzzTest
    void decode(byte[] input) {
        PeerAnnouncement a;
        try {
            a = PeerAnnouncement.decode(input);
        } catch (DecodeException expected) {
            return;
        }
        assertEquals(a, PeerAnnouncement.decode(a.encode()));
    }
}
