package io.p2pkit.webrtc.sdp;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class SessionDescriptionTest {
    /** The shape of Chromium's offer for one data channel (js-libp2p's "init" channel), before candidates trickle. */
    static final String CHROMIUM_OFFER = String.join("\r\n",
            "v=0",
            "o=- 4215775240449105457 2 IN IP4 127.0.0.1",
            "s=-",
            "t=0 0",
            "a=group:BUNDLE 0",
            "a=extmap-allow-mixed",
            "a=msid-semantic: WMS",
            "m=application 9 UDP/DTLS/SCTP webrtc-datachannel",
            "c=IN IP4 0.0.0.0",
            "a=ice-ufrag:ZSuT",
            "a=ice-pwd:6mLMZ3M6xWmPuRBH0ayH2jb0",
            "a=ice-options:trickle",
            "a=fingerprint:sha-256 5B:D4:0F:5B:E3:2C:A1:4E:0C:31:6A:C1:1D:5E:59:AA:A4:1C:8F:63:F8:84:12:5B:0C:35:FA:0D:C1:B3:6D:8A",
            "a=setup:actpass",
            "a=mid:0",
            "a=sctp-port:5000",
            "a=max-message-size:262144",
            "");

    @Test
    void parsesChromiumsOffer() {
        SessionDescription d = SessionDescription.parse(CHROMIUM_OFFER);
        assertEquals("ZSuT", d.ufrag());
        assertEquals("6mLMZ3M6xWmPuRBH0ayH2jb0", d.password());
        assertEquals(Multihash.of(Multicodec.SHA2_256,
                HexFormat.of().parseHex("5BD40F5BE32CA14E0C316AC11D5E59AAA41C8F63F884125B0C35FA0DC1B36D8A")), d.fingerprint());
        assertEquals(SessionDescription.Setup.ACTPASS, d.setup());
        assertEquals("0", d.mid());
        assertEquals(5000, d.sctpPort());
        assertEquals(262144, d.maxMessageSize());
        assertTrue(d.candidates().isEmpty());
    }

    @Test
    void writesWhatItParses() throws Exception {
        IceCandidate c = IceCandidate.host("1", new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 40000));
        SessionDescription d = new SessionDescription("abcdefghijklmnop", "abcdefghijklmnopqrstuvwxyz012345",
                Multihash.digest(Multicodec.SHA2_256, new byte[] {1, 2, 3}), SessionDescription.Setup.ACTIVE, "data",
                5000, 65536, List.of(c));
        String sdp = d.toSdp();
        assertTrue(sdp.contains("\r\na=setup:active\r\n"), sdp);
        assertTrue(sdp.contains("\r\na=candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host\r\n"), sdp);
        assertTrue(sdp.endsWith("a=end-of-candidates\r\n"), sdp);
        assertEquals(d, SessionDescription.parse(sdp));
    }

    @Test
    void candidatesInTheDescriptionAndAlone() throws Exception {
        String sdp = CHROMIUM_OFFER
                + "a=candidate:3065220565 1 udp 2113937151 192.168.1.7 50401 typ host generation 0 network-cost 999\r\n"
                + "a=candidate:1 1 tcp 1518280447 192.168.1.7 9 typ host tcptype active\r\n"
                + "a=candidate:2 1 udp 2113937151 5ac3b1f2-7a2b-4a8e-9c61-3c2d6b1e0f11.local 50402 typ host\r\n";
        SessionDescription d = SessionDescription.parse(sdp);
        assertEquals(List.of(new InetSocketAddress(InetAddress.getByName("192.168.1.7"), 50401)),
                d.candidates().stream().map(IceCandidate::address).toList(), "TCP and mDNS candidates are skipped");
        Optional<IceCandidate> v6 = IceCandidate.parse("candidate:9 1 UDP 2122262783 ::1 50403 typ host generation 0");
        assertEquals(new InetSocketAddress(InetAddress.getByName("::1"), 50403), v6.orElseThrow().address());
        assertEquals(Optional.empty(), IceCandidate.parse("candidate:9 2 udp 2122262783 127.0.0.1 5 typ host"), "component 2");
        assertThrows(DecodeException.class, () -> IceCandidate.parse("candidate:1 1 udp"));
        assertThrows(DecodeException.class, () -> IceCandidate.parse("candidate:1 1 udp 99999999999 127.0.0.1 5 typ host"));
        assertThrows(DecodeException.class, () -> IceCandidate.parse("candidate:1 1 udp 1 127.0.0.1 70000 typ host"));
    }

    @Test
    void relayCandidatesRankLastAndCarryTheirMappedAddress() throws Exception {
        InetSocketAddress relayed = new InetSocketAddress(InetAddress.getByName("11.0.0.2"), 50123);
        InetSocketAddress mapped = new InetSocketAddress(InetAddress.getByName("12.0.0.2"), 40001);
        IceCandidate ours = IceCandidate.relay("3", relayed, Optional.of(mapped));
        assertEquals("candidate:3 1 udp 16777215 11.0.0.2 50123 typ relay raddr 12.0.0.2 rport 40001", ours.toSdp());
        assertEquals(ours, IceCandidate.parse("a=" + ours.toSdp()).orElseThrow(), "parsed back");
        assertEquals(0, ours.priority() >>> 24, "type preference 0 (RFC 8445 §5.1.2.2)");
        assertTrue(ours.priority() < IceCandidate.serverReflexive("2", mapped, relayed).priority());
        IceCandidate hidden = IceCandidate.relay("3", relayed, Optional.empty());
        assertEquals("candidate:3 1 udp 16777215 11.0.0.2 50123 typ relay raddr 0.0.0.0 rport 0", hidden.toSdp());
        assertEquals(Optional.empty(), IceCandidate.parse(hidden.toSdp()).orElseThrow().related(), "read as none");
        // Chromium's relay candidate
        IceCandidate chromium = IceCandidate.parse("candidate:3029548301 1 udp 41885439 11.0.0.2 61999 typ relay "
                + "raddr 13.0.0.2 rport 40517 generation 0 ufrag Ab3x network-cost 999").orElseThrow();
        assertEquals("relay", chromium.type());
        assertEquals(new InetSocketAddress(InetAddress.getByName("11.0.0.2"), 61999), chromium.address());
    }

    @Test
    void serverReflexiveCandidatesCarryTheirBase() throws Exception {
        InetSocketAddress mapped = new InetSocketAddress(InetAddress.getByName("12.0.0.2"), 40001);
        InetSocketAddress base = new InetSocketAddress(InetAddress.getByName("192.168.1.11"), 51000);
        IceCandidate ours = IceCandidate.serverReflexive("2", mapped, base);
        assertEquals("candidate:2 1 udp 1694498815 12.0.0.2 40001 typ srflx raddr 192.168.1.11 rport 51000", ours.toSdp());
        assertEquals(ours, IceCandidate.parse("a=" + ours.toSdp()).orElseThrow(), "parsed back");
        assertTrue(ours.priority() < IceCandidate.host("1", base).priority(), "host candidates come first");

        // Chromium's, with its extensions after raddr/rport
        IceCandidate chromium = IceCandidate.parse("candidate:842163049 1 udp 1677729535 13.0.0.2 61234 typ srflx "
                + "raddr 192.168.2.11 rport 61234 generation 0 ufrag Ab3x network-cost 999").orElseThrow();
        assertEquals("srflx", chromium.type());
        assertEquals(new InetSocketAddress(InetAddress.getByName("13.0.0.2"), 61234), chromium.address());
        assertEquals(Optional.of(new InetSocketAddress(InetAddress.getByName("192.168.2.11"), 61234)), chromium.related());
        // a hidden base (0.0.0.0 or an mDNS name) is no related address; the candidate stays
        assertEquals(Optional.empty(), IceCandidate.parse("candidate:1 1 udp 1677729535 13.0.0.2 61234 typ srflx "
                + "raddr 0.0.0.0 rport 0").orElseThrow().related());
        assertEquals(Optional.empty(), IceCandidate.parse("candidate:1 1 udp 1677729535 13.0.0.2 61234 typ srflx "
                + "raddr 5ac3b1f2-7a2b-4a8e-9c61-3c2d6b1e0f11.local rport 9").orElseThrow().related());
        assertEquals(Optional.empty(), IceCandidate.parse("candidate:1 1 udp 1 13.0.0.2 5 typ srflx raddr 10.0.0.1")
                .orElseThrow().related(), "raddr without rport");
        assertEquals(Optional.empty(), IceCandidate.host("1", base).related());
        assertThrows(DecodeException.class, () -> IceCandidate.parse("candidate:1 1 udp 1 13.0.0.2 5 typ srflx "
                + "raddr 10.0.0.1 rport 70000"));
        assertThrows(DecodeException.class, () -> IceCandidate.parse("candidate:1 1 udp 1 13.0.0.2 5 typ srflx "
                + "raddr 10.0.0.1 rport x"));
        assertThrows(DecodeException.class, () -> IceCandidate.parse("candidate:1 1 udp 1 13.0.0.2 5 typ srflx\r "
                + "raddr 10.0.0.1 rport 9"), "a type that would not be written back the same (found by Jazzer)");

        SessionDescription d = new SessionDescription("abcdefghijklmnop", "abcdefghijklmnopqrstuvwxyz012345",
                Multihash.digest(Multicodec.SHA2_256, new byte[] {1, 2, 3}), SessionDescription.Setup.ACTIVE, "0",
                5000, 65536, List.of(IceCandidate.host("1", base), ours));
        assertTrue(d.toSdp().contains("\r\na=" + ours.toSdp() + "\r\n"), d.toSdp());
        assertEquals(d, SessionDescription.parse(d.toSdp()));
    }

    @Test
    void refusesWhatItCannotUse() {
        assertThrows(DecodeException.class, () -> SessionDescription.parse("hello"));
        assertThrows(DecodeException.class, () -> SessionDescription.parse(CHROMIUM_OFFER.replace("a=fingerprint:sha-256", "a=fingerprint:sha-1")),
                "no sha-256 fingerprint");
        assertThrows(DecodeException.class, () -> SessionDescription.parse(CHROMIUM_OFFER.replace("a=ice-pwd:", "a=x-pwd:")));
        assertThrows(DecodeException.class, () -> SessionDescription.parse(CHROMIUM_OFFER.replace("webrtc-datachannel", "96")));
        assertThrows(DecodeException.class, () -> SessionDescription.parse(CHROMIUM_OFFER
                + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"), "a second media section");
        assertThrows(DecodeException.class, () -> SessionDescription.parse(CHROMIUM_OFFER.replace("setup:actpass", "setup:both")));
        assertThrows(DecodeException.class, () -> SessionDescription.parse(CHROMIUM_OFFER.replace("5B:D4:0F", "5B-D4:0F")));
        assertThrows(DecodeException.class, () -> SessionDescription.parse(CHROMIUM_OFFER
                + "a=x:" + "y".repeat(SessionDescription.MAX_LENGTH) + "\r\n"), "over the size cap");
        assertThrows(DecodeException.class, () -> SessionDescription.parse(CHROMIUM_OFFER
                + "a=x\r\n".repeat(SessionDescription.MAX_LINES)), "over the line cap");
    }
}
