package io.p2pkit.discovery.rendezvous;

import io.p2pkit.core.DecodeException;
import io.p2pkit.discovery.rendezvous.RendezvousMessage.Discover;
import io.p2pkit.discovery.rendezvous.RendezvousMessage.DiscoverResponse;
import io.p2pkit.discovery.rendezvous.RendezvousMessage.Register;
import io.p2pkit.discovery.rendezvous.RendezvousMessage.RegisterResponse;
import io.p2pkit.discovery.rendezvous.RendezvousMessage.Unregister;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

@Timeout(10)
class RendezvousMessageTest {
    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    @Test
    void registerHasTheSpecLayout() {
        // type 0, field 2 = {ns "a", record 0x01 0x02, ttl 7200 (varint a0 38)}
        byte[] wire = new Register("a", new byte[] {1, 2}, 7200L).encode();
        assertArrayEquals(hex("0800" + "120a" + "0a0161" + "12020102" + "18a038"), wire);
        Register r = assertInstanceOf(Register.class, RendezvousMessage.decode(wire));
        assertEquals("a", r.namespace());
        assertEquals(7200L, r.ttl());
    }

    @Test
    void everyTypeRoundTrips() {
        List<RendezvousMessage> all = List.of(
                new Register("ns", new byte[] {9}, null),
                new RegisterResponse(Status.E_INVALID_TTL, "bad ttl", null),
                new RegisterResponse(Status.OK, null, 60L),
                new Unregister("ns"),
                new Discover(null, 10L, new byte[8]),
                new DiscoverResponse(List.of(new Register("ns", new byte[] {1}, 5L)), new byte[8], Status.OK, null),
                new DiscoverResponse(List.of(), null, Status.E_INVALID_COOKIE, "stale"));
        for (RendezvousMessage m : all) {
            assertArrayEquals(m.encode(), RendezvousMessage.decode(m.encode()).encode(), m.toString());
        }
    }

    @Test
    void missingStatusReadsAsOk() {
        // type 4 with an empty DiscoverResponse
        DiscoverResponse d = assertInstanceOf(DiscoverResponse.class, RendezvousMessage.decode(hex("08043200")));
        assertEquals(Status.OK, d.status());
        assertNull(d.cookie());
    }

    @Test
    void malformedMessagesAreDecodeExceptions() {
        assertThrows(DecodeException.class, () -> RendezvousMessage.decode(hex("")));            // no type
        assertThrows(DecodeException.class, () -> RendezvousMessage.decode(hex("0805")));        // unknown type
        assertThrows(DecodeException.class, () -> RendezvousMessage.decode(hex("0800")));        // no register body
        assertThrows(DecodeException.class, () -> RendezvousMessage.decode(hex("0801" + "1a020863"))); // status 99
        assertThrows(DecodeException.class, () -> RendezvousMessage.decode(hex("0800" + "1205")));     // cut short
        assertThrows(DecodeException.class, () -> RendezvousMessage.decode(new byte[RendezvousMessage.MAX_BYTES + 1]));
    }

    @Test
    void tooManyRegistrationsAreRefused() {
        List<Register> many = java.util.Collections.nCopies(RendezvousMessage.MAX_REGISTRATIONS + 1,
                new Register("n", new byte[] {1}, 1L));
        byte[] wire = new DiscoverResponse(many, new byte[8], Status.OK, null).encode();
        assertThrows(DecodeException.class, () -> RendezvousMessage.decode(wire));
    }

    @Test
    void cookiesHaveRustsLayout() {
        Cookie c = new Cookie(0x0102030405060708L, "foo");
        assertArrayEquals(hex("0102030405060708666f6f"), c.encode());
        assertEquals(c, Cookie.decode(c.encode()));
        assertNull(Cookie.decode(new byte[8]).namespace());
        assertThrows(DecodeException.class, () -> Cookie.decode(new byte[7]));
        assertThrows(DecodeException.class, () -> Cookie.decode(hex("0000000000000000ff")));
    }
}
