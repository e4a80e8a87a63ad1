package io.p2pkit.webrtc.muxer;

import io.p2pkit.core.DecodeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Frames split across data channel messages, as go-libp2p sends them (length prefix, then protobuf). */
@Timeout(10)
class StreamFrameReaderTest {
    @Test
    void aFrameSplitAfterItsLengthPrefixIsJoined() {
        byte[] data = "noise message one".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] encoded = StreamFrame.data(data, 0, data.length).encode();
        StreamFrame.Reader r = new StreamFrame.Reader();
        assertEquals(List.of(), r.feed(Arrays.copyOfRange(encoded, 0, 1)));
        assertEquals(1, r.pending());
        List<StreamFrame> frames = r.feed(Arrays.copyOfRange(encoded, 1, encoded.length));
        assertEquals(1, frames.size());
        assertArrayEquals(data, frames.getFirst().message());
        assertEquals(0, r.pending());
    }

    @Test
    void byteByByteAndSeveralFramesInOneMessage() {
        byte[] a = StreamFrame.data(new byte[300], 0, 300).encode();
        byte[] b = StreamFrame.flag(StreamFrame.FIN).encode();
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        StreamFrame.Reader r = new StreamFrame.Reader();
        int frames = 0;
        for (byte x : both) {
            frames += r.feed(new byte[] {x}).size();
        }
        assertEquals(2, frames);
        assertEquals(2, new StreamFrame.Reader().feed(both).size());
    }

    @Test
    void theLargestFrameThisSideSendsFillsEightKibibytes() {
        assertEquals(StreamFrame.MAX_SENT, StreamFrame.data(new byte[StreamFrame.MAX_SENT_PAYLOAD], 0,
                StreamFrame.MAX_SENT_PAYLOAD).encode().length);
    }

    @Test
    void anOversizedFrameIsRefusedBeforeItsBytesArrive() {
        // length prefix 0xFF 0xFF 0x01 = 32767 bytes, over the 16 KiB limit
        assertThrows(DecodeException.class, () -> new StreamFrame.Reader().feed(new byte[] {(byte) 0xFF, (byte) 0xFF, 0x01}));
        assertThrows(DecodeException.class, () -> StreamFrame.decodeAll(new byte[] {0x05, 0x08}));
    }
}
