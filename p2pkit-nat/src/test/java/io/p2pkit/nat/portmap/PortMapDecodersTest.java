package io.p2pkit.nat.portmap;

import io.p2pkit.core.DecodeException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The decoders of what gateways send: NAT-PMP, SSDP, device descriptions, SOAP; and the routing table. */
class PortMapDecodersTest {
    private static final URI LOCATION = URI.create("http://192.168.1.1:40477/rootDesc.xml");

    @Test
    void natPmpRequestsAndResponses() {
        assertArrayEquals(new byte[]{0, 0}, NatPmpMessage.externalAddressRequest());
        assertArrayEquals(new byte[]{0, 2, 0, 0, 0x10, 0x05, 0x10, 0x06, 0, 0, 0x0e, 0x10},
                NatPmpMessage.mapRequest(Protocol.TCP, 4101, 4102, 3600));
        byte[] ext = {0, (byte) 128, 0, 0, 0, 0, 1, 0, 12, 0, 0, 2};
        NatPmpMessage.Response r = NatPmpMessage.decode(ext, ext.length);
        assertEquals("12.0.0.2", r.external().getHostAddress());
        assertEquals(256, r.epoch());
        byte[] map = {0, (byte) 130, 0, 0, 0, 0, 1, 0, 0x10, 0x05, 0x10, 0x07, 0, 0, 0x0e, 0x10};
        r = NatPmpMessage.decode(map, map.length);
        assertEquals(2, r.op());
        assertEquals(4101, r.internalPort());
        assertEquals(4103, r.externalPort());
        assertEquals(3600, r.lifetime());
        byte[] refused = {0, (byte) 129, 0, 2, 0, 0, 0, 1};
        assertEquals(2, NatPmpMessage.decode(refused, refused.length).result());
        assertEquals("Not Authorized/Refused", NatPmpMessage.resultName(2));
        assertThrows(DecodeException.class, () -> NatPmpMessage.decode(map, 12)); // truncated
        assertThrows(DecodeException.class, () -> NatPmpMessage.decode(new byte[]{0, 2, 0, 0, 0, 0, 0, 0}, 8)); // a request
        assertThrows(DecodeException.class, () -> NatPmpMessage.decode(new byte[]{2, (byte) 130, 0, 0, 0, 0, 0, 0}, 8)); // PCP
        assertThrows(DecodeException.class, () -> NatPmpMessage.decode(new byte[1200], 1200));
    }

    @Test
    void ssdpResponses() {
        byte[] ok = ("HTTP/1.1 200 OK\r\nST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n"
                + "location: http://192.168.1.1:40477/rootDesc.xml\r\nUSN: uuid:x\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        SsdpResponse r = SsdpResponse.decode(ok, ok.length);
        assertEquals(LOCATION, r.location());
        assertEquals("urn:schemas-upnp-org:device:InternetGatewayDevice:1", r.st());
        for (String bad : new String[]{"NOTIFY * HTTP/1.1\r\nLOCATION: http://a/\r\n\r\n",
                "HTTP/1.1 404 Not Found\r\nLOCATION: http://a/\r\n\r\n", "HTTP/1.1 200 OK\r\nST: x\r\n\r\n",
                "HTTP/1.1 200 OK\r\nLOCATION: file:///etc/passwd\r\n\r\n", "HTTP/1.1 200 OK\r\nno colon\r\n\r\n"}) {
            byte[] b = bad.getBytes(StandardCharsets.US_ASCII);
            assertThrows(DecodeException.class, () -> SsdpResponse.decode(b, b.length), bad);
        }
        byte[] huge = new byte[SsdpResponse.MAX_BYTES + 1];
        assertThrows(DecodeException.class, () -> SsdpResponse.decode(huge, huge.length));
    }

    @Test
    void miniupnpdsDescriptionGivesWanIpConnection2() throws IOException {
        byte[] xml;
        try (InputStream in = getClass().getResourceAsStream("miniupnpd-rootDesc.xml")) {
            xml = in.readAllBytes();
        }
        IgdDescription.Service s = IgdDescription.decode(xml, LOCATION).orElseThrow();
        assertEquals("urn:schemas-upnp-org:service:WANIPConnection:2", s.type());
        assertEquals(URI.create("http://192.168.1.1:40477/ctl/IPConn"), s.controlUrl());
        assertEquals("WANIPConnection:2", s.shortName());
        assertTrue(s.isV2());
    }

    @Test
    void descriptionsArePickedAndCheckedCarefully() {
        String v1ppp = "<root><URLBase>http://192.168.1.1:80/</URLBase><device><serviceList>"
                + "<service><serviceType>urn:schemas-upnp-org:service:WANPPPConnection:1</serviceType><controlURL>ppp</controlURL></service>"
                + "<service><serviceType>urn:schemas-upnp-org:service:WANIPConnection:1</serviceType><controlURL>/ip</controlURL></service>"
                + "</serviceList></device></root>";
        IgdDescription.Service s = IgdDescription.decode(bytes(v1ppp), LOCATION).orElseThrow();
        assertEquals("http://192.168.1.1:80/ip", s.controlUrl().toString());
        assertEquals(Optional.empty(), IgdDescription.decode(bytes("<root><device/></root>"), LOCATION));
        // a control URL on another host, XXE and entity expansion are refused
        String elsewhere = "<root><service><serviceType>urn:schemas-upnp-org:service:WANIPConnection:1</serviceType>"
                + "<controlURL>http://10.9.9.9/ctl</controlURL></service></root>";
        assertThrows(DecodeException.class, () -> IgdDescription.decode(bytes(elsewhere), LOCATION));
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><root>&x;</root>";
        assertThrows(DecodeException.class, () -> IgdDescription.decode(bytes(xxe), LOCATION));
        String laughs = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;\">]><root>&b;</root>";
        assertThrows(DecodeException.class, () -> IgdDescription.decode(bytes(laughs), LOCATION));
        String deep = "<a>".repeat(SafeXml.MAX_DEPTH + 1) + "</a>".repeat(SafeXml.MAX_DEPTH + 1);
        assertThrows(DecodeException.class, () -> IgdDescription.decode(bytes(deep), LOCATION));
        assertThrows(DecodeException.class, () -> IgdDescription.decode(new byte[IgdDescription.MAX_BYTES + 1], LOCATION));
    }

    @Test
    void soapResponsesAndFaults() {
        SoapResponse ok = SoapResponse.decode(bytes("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>"
                + "<u:GetExternalIPAddressResponse xmlns:u=\"urn:schemas-upnp-org:service:WANIPConnection:1\">"
                + "<NewExternalIPAddress>12.0.0.2</NewExternalIPAddress></u:GetExternalIPAddressResponse></s:Body></s:Envelope>"),
                "GetExternalIPAddress");
        assertEquals("12.0.0.2", ok.arguments().get("NewExternalIPAddress"));
        SoapResponse fault = SoapResponse.decode(bytes("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>"
                + "<s:Fault><faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring><detail>"
                + "<UPnPError xmlns=\"urn:schemas-upnp-org:control-1-0\"><errorCode>725</errorCode>"
                + "<errorDescription>OnlyPermanentLeasesSupported</errorDescription></UPnPError></detail></s:Fault></s:Body></s:Envelope>"),
                "AddPortMapping");
        assertEquals(725, fault.errorCode());
        assertEquals("OnlyPermanentLeasesSupported", fault.description());
        assertThrows(DecodeException.class, () -> SoapResponse.decode(bytes("<Envelope><Body><Other/></Body></Envelope>"),
                "AddPortMapping"));
        assertThrows(DecodeException.class, () -> SoapResponse.decode(bytes("<Envelope><Body><Fault/></Body></Envelope>"),
                "AddPortMapping"));
    }

    @Test
    void theDefaultGatewayComesFromTheRoutingTable() {
        String table = """
                Iface	Destination	Gateway 	Flags	RefCnt	Use	Metric	Mask		MTU	Window	IRTT
                eth1	00000000	FE01A8C0	0003	0	0	200	00000000	0	0	0
                eth0	00000000	010200C0	0003	0	0	100	00000000	0	0	0
                eth0	000200C0	00000000	0001	0	0	0	00FFFFFF	0	0	0
                """;
        assertEquals(Optional.of("192.0.2.1"), DefaultGateway.parse(table).map(InetAddress::getHostAddress));
        assertEquals(Optional.empty(), DefaultGateway.parse(table.lines().skip(3).reduce("h\n", (a, b) -> a + b + "\n")));
        assertEquals(Optional.empty(), DefaultGateway.parse("garbage\nx y z\n"));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
