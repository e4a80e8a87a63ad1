package io.p2pkit.nat.holepunch;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.protobuf.LengthPrefixed;
import io.p2pkit.core.protobuf.ProtobufWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HolePunchMessageTest {
    private static final Multiaddr TCP = Multiaddr.parse("/ip4/12.0.0.2/tcp/4001");
    private static final Multiaddr QUIC = Multiaddr.parse("/ip4/12.0.0.2/udp/4001/quic-v1");

    @Test
    void connectAndSyncAsGoEncodesThem() {
        // type 100 is 0x08 0x64; ObsAddrs is field 2, bytes: 0x12 <len> <multiaddr>
        assertEquals("08641208040c000002060fa1",
                HexFormat.of().formatHex(HolePunchMessage.connect(List.of(TCP)).encode()));
        assertEquals("08ac02", HexFormat.of().formatHex(HolePunchMessage.sync().encode()));
    }

    @Test
    void roundTripsThroughTheStream() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        HolePunchMessage.connect(List.of(TCP, QUIC)).write(out);
        HolePunchMessage.sync().write(out);
        ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
        assertEquals(HolePunchMessage.connect(List.of(TCP, QUIC)), HolePunchMessage.read(in));
        assertEquals(HolePunchMessage.sync(), HolePunchMessage.read(in));
        assertThrows(EOFException.class, () -> HolePunchMessage.read(in));
    }

    @Test
    void refusesAMissingOrUnknownType() {
        byte[] noType = new ProtobufWriter().bytes(2, TCP.bytes()).toByteArray();
        assertThrows(DecodeException.class, () -> HolePunchMessage.decode(noType));
        byte[] unknown = new ProtobufWriter().varint(1, 200).toByteArray();
        assertThrows(DecodeException.class, () -> HolePunchMessage.decode(unknown));
    }

    @Test
    void dropsAddressesThatDoNotParse() {
        byte[] m = new ProtobufWriter().varint(1, 100).bytes(2, new byte[]{(byte) 0xff, 1, 2})
                .bytes(2, TCP.bytes()).toByteArray();
        assertEquals(List.of(TCP), HolePunchMessage.decode(m).addresses());
    }

    @Test
    void capsTheSizeBothWays() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LengthPrefixed.write(out, new byte[HolePunchMessage.MAX_BYTES + 1]);
        assertThrows(DecodeException.class, () -> HolePunchMessage.read(new ByteArrayInputStream(out.toByteArray())));
        assertThrows(DecodeException.class, () -> HolePunchMessage.decode(new byte[HolePunchMessage.MAX_BYTES + 1]));

        List<Multiaddr> many = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            many.add(Multiaddr.parse("/dns4/host-" + i + ".example.com/tcp/" + (1000 + i)));
        }
        HolePunchMessage fits = HolePunchMessage.connectWithin(many);
        assertTrue(fits.encode().length <= HolePunchMessage.MAX_BYTES, fits.encode().length + " bytes");
        assertTrue(fits.addresses().size() > 100, "as many as fit, in order");
        assertEquals(many.subList(0, fits.addresses().size()), fits.addresses());
        assertEquals(fits, HolePunchMessage.decode(fits.encode()));
    }
}
