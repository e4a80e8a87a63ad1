package io.p2pkit.core.multiaddr;

import io.p2pkit.core.DecodeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IpNetworkTest {
    @Test
    void containsAddressesOfItsPrefix() throws Exception {
        IpNetwork n = IpNetwork.parse("10.1.255.7/16");
        assertEquals("10.1.0.0/16", n.toString());
        assertTrue(n.contains(InetAddress.getByName("10.1.2.3")));
        assertFalse(n.contains(InetAddress.getByName("10.2.0.0")));
        assertFalse(n.contains(InetAddress.getByName("::1")));
        assertTrue(n.contains(Multiaddr.parse("/ip4/10.1.0.9/tcp/1")));
        assertFalse(n.contains(Multiaddr.parse("/dns4/example.com/tcp/1")));
        IpNetwork v6 = IpNetwork.parse("fd00::/8");
        assertTrue(v6.contains(InetAddress.getByName("fd12::1")));
        assertFalse(v6.contains(InetAddress.getByName("fe80::1")));
        assertEquals(IpNetwork.parse("192.0.2.1"), IpNetwork.of(InetAddress.getByName("192.0.2.1")));
        assertEquals(32, IpNetwork.parse("192.0.2.1").prefixLength());
        assertTrue(IpNetwork.parse("0.0.0.0/0").contains(InetAddress.getByName("8.8.8.8")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10.0.0.0/33", "10.0.0/8", "10.0.0.256", "example.com", "10.0.0.0/", "10.0.0.0/-1",
            "::1/129", "fe80::1%eth0", "1:2:3:4:5:6:7:8:9", "10.0.0.0/8/8", " 10.0.0.1", "0x0a.0.0.1"})
    void rejectsBadText(String text) {
        assertThrows(DecodeException.class, () -> IpNetwork.parse(text));
    }
}
