package io.p2pkit.nat.autonat;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiaddr.Multiaddr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

@Timeout(10)
class AutoNatMessageTest {
    private static final Multiaddr A = Multiaddr.parse("/ip4/11.0.0.1/tcp/4001");

    @Test
    void v1RoundTripsAndMatchesTheProtobufLayout() {
        V1Message.Dial d = new V1Message.Dial(new byte[]{1, 2}, List.of(A));
        // type=0 (field 1), dial (field 2) { peer (field 1) { id (1), addrs (2) } }
        assertEquals("0800" + "1210" + "0a0e" + "0a020102" + "1208" + "040b000001" + "060fa1",
                HexFormat.of().formatHex(d.encode()));
        V1Message back = V1Message.decode(d.encode());
        assertEquals(List.of(A), ((V1Message.Dial) back).addrs());
        V1Message.DialResponse r = new V1Message.DialResponse(V1Message.Status.E_DIAL_REFUSED, "no", null);
        assertEquals(r, V1Message.decode(r.encode()));
    }

    @Test
    void v1RejectsATypeWithoutItsMessage() {
        assertThrows(DecodeException.class, () -> V1Message.decode(new byte[]{0x08, 0x01}));
        assertThrows(DecodeException.class, () -> V1Message.decode(new byte[V1Message.MAX_BYTES + 1]));
    }

    @Test
    void v2RoundTripsEachMessage() {
        V2Message.DialRequest req = V2Message.DialRequest.of(List.of(A), 0x0102030405060708L);
        V2Message.DialRequest back = (V2Message.DialRequest) V2Message.decode(req.encode());
        assertEquals(0x0102030405060708L, back.nonce());
        assertEquals(A, back.address(0).orElseThrow());
        for (V2Message m : List.of(new V2Message.DialResponse(V2Message.ResponseStatus.OK, 3, V2Message.DialStatus.OK),
                new V2Message.DialDataRequest(1, 50_000))) {
            assertEquals(m, V2Message.decode(m.encode()));
        }
        assertInstanceOf(V2Message.DialDataResponse.class, V2Message.decode(new V2Message.DialDataResponse(new byte[9]).encode()));
        assertEquals(new V2Message.DialBack(-1), V2Message.decodeDialBack(new V2Message.DialBack(-1).encode()));
    }

    @Test
    void v2UnknownStatusesAreKeptApartAndAnEmptyMessageIsRefused() {
        // DialResponse { status = 7, dialStatus = 9 }
        V2Message.DialResponse r = (V2Message.DialResponse) V2Message.decode(HexFormat.of().parseHex("12040807" + "1809"));
        assertEquals(V2Message.ResponseStatus.UNKNOWN, r.status());
        assertEquals(V2Message.DialStatus.UNKNOWN, r.dialStatus());
        assertThrows(DecodeException.class, () -> V2Message.decode(new byte[0]));
        assertThrows(DecodeException.class, () -> V2Message.decode(new byte[V2Message.MAX_BYTES + 1]));
        assertThrows(DecodeException.class, () -> V2Message.decodeDialBack(new byte[V2Message.MAX_DIAL_BACK_BYTES + 1]));
    }

    @Test
    void v2AnUnparsableAddressKeepsItsIndex() {
        V2Message.DialRequest req = new V2Message.DialRequest(List.of(new byte[]{(byte) 0xFF}, A.bytes()), 1);
        V2Message.DialRequest back = (V2Message.DialRequest) V2Message.decode(req.encode());
        assertEquals(java.util.Optional.empty(), back.address(0));
        assertEquals(A, back.address(1).orElseThrow());
    }
}
