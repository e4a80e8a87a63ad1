package io.p2pkit.webrtc.turn;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;
import io.p2pkit.webrtc.mux.UdpMux;
import io.p2pkit.webrtc.stun.StunAttribute;
import io.p2pkit.webrtc.stun.StunMessage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a TURN client parses from the network: ChannelData framing, and whatever a TURN server's
 * address sends to an allocation (responses, Data indications, ChannelData), with a permission
 * and a channel in place so that the delivery paths are reached. Seeds under
 * {@code src/test/resources/…/TurnFuzzTestInputs}: answers shaped as coturn's (401 with REALM and
 * NONCE, 438, Allocate and ChannelBind successes), Data indications carrying DTLS and STUN, and
 * ChannelData with and without padding.
 */
class TurnFuzzTest {
    private static final InetSocketAddress SERVER = new InetSocketAddress(InetAddress.getLoopbackAddress(), 3478);
    private static final InetSocketAddress PEER = new InetSocketAddress(InetAddress.getLoopbackAddress(), 5000);
    private static final UdpMux MUX;
    private static final TurnAllocation ALLOCATION;

    static {
        try {
            MUX = UdpMux.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), (m, message, from) -> { }, 1, 8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ALLOCATION = new TurnAllocation(MUX, new TurnServer(SERVER, "alice", "wonderland"));
        ALLOCATION.permit(PEER.getAddress());
        ALLOCATION.bindChannel(PEER);
    }

    /** Any datagram is ChannelData that frames back to the same message, or is refused cleanly. */
    @FuzzTest(maxDuration = "30s")
    void channelData(byte[] input) {
        ChannelData c;
        try {
            c = ChannelData.decode(input, input.length);
        } catch (DecodeException refused) {
            return;
        }
        assertTrue(c.channel() >= ChannelData.MIN_CHANNEL && c.channel() <= ChannelData.MAX_CHANNEL);
        byte[] again = c.encode();
        assertEquals(ChannelData.HEADER + c.data().length, again.length);
        assertArrayEquals(again, java.util.Arrays.copyOf(input, again.length), "the same bytes, less any padding");
    }

    /** Whatever the server's address sends, the allocation takes it or drops it, and never fails. */
    @FuzzTest(maxDuration = "30s")
    void fromTheServer(byte[] input) {
        if (input.length == 0) {
            return;
        }
        if (ChannelData.isChannelData(input[0])) {
            ALLOCATION.onChannelData(input, SERVER);
            return;
        }
        StunMessage m;
        try {
            m = StunMessage.decode(input, input.length);
        } catch (DecodeException refused) {
            return;
        }
        m.xorAddress(StunAttribute.XOR_PEER_ADDRESS);
        m.xorAddress(StunAttribute.XOR_RELAYED_ADDRESS);
        m.lifetime();
        m.channelNumber();
        m.data();
        m.realm();
        m.nonce();
        m.errorReason();
        ALLOCATION.onStun(m, SERVER);
    }
}
