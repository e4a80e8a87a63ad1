package io.p2pkit.core.host;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.identify.IdentifyResult;
import io.p2pkit.core.identify.IdentifyService;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.multiaddr.Multiaddr;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AddressPolicyTest {
    private static List<Multiaddr> addrs(String... a) {
        return java.util.Arrays.stream(a).map(Multiaddr::parse).toList();
    }

    private static final List<Multiaddr> FOUND = addrs("/ip4/127.0.0.1/tcp/4001", "/ip4/10.1.2.3/tcp/4001",
            "/ip4/11.0.0.7/udp/4001/quic-v1", "/ip6/fd00::5/tcp/4001", "/dns4/example.invalid/tcp/4001");

    @Test
    void theDefaultAnnouncesWhatWasFound() {
        assertSame(FOUND, AddressPolicy.DEFAULT.apply(FOUND));
    }

    @Test
    void announceReplacesAppendAddsAndNoAnnounceRemovesExactAddressesAndMasks() {
        AddressPolicy replace = new AddressPolicy(addrs("/ip4/11.9.9.9/tcp/4001"), List.of(), List.of());
        assertEquals(addrs("/ip4/11.9.9.9/tcp/4001"), replace.apply(FOUND));

        AddressPolicy append = new AddressPolicy(List.of(), addrs("/ip4/11.9.9.9/tcp/4001", "/ip4/127.0.0.1/tcp/4001"),
                List.of());
        List<Multiaddr> appended = new java.util.ArrayList<>(FOUND);
        appended.add(Multiaddr.parse("/ip4/11.9.9.9/tcp/4001"));
        assertEquals(appended, append.apply(FOUND), "appended once, and an address already found is not repeated");

        AddressPolicy filter = new AddressPolicy(List.of(), List.of(), addrs("/ip4/10.0.0.0/ipcidr/8",
                "/ip6/fd00::/ipcidr/8", "/ip4/127.0.0.1/tcp/4001"));
        assertEquals(addrs("/ip4/11.0.0.7/udp/4001/quic-v1", "/dns4/example.invalid/tcp/4001"), filter.apply(FOUND));

        // Kubo's order: announce (or what was found), then append, then the filters over both
        AddressPolicy all = new AddressPolicy(addrs("/ip4/10.5.5.5/tcp/1", "/ip4/11.5.5.5/tcp/1"),
                addrs("/ip4/10.6.6.6/tcp/1"), addrs("/ip4/10.0.0.0/ipcidr/8"));
        assertEquals(addrs("/ip4/11.5.5.5/tcp/1"), all.apply(FOUND));
    }

    @Test
    void aMaskThatIsNotOneIsAnExactAddressAndABadMaskIsRefused() {
        AddressPolicy p = new AddressPolicy(List.of(), List.of(), addrs("/ip4/10.0.0.0/tcp/1"));
        assertEquals(FOUND, p.apply(FOUND), "/ip4/…/tcp/… is compared exactly, it masks nothing");
        assertThrows(DecodeException.class,
                () -> new AddressPolicy(List.of(), List.of(), addrs("/ip4/10.0.0.0/ipcidr/33")));
    }

    @Test
    void identifyTellsOtherPeersTheAddressesThePolicyLeaves() throws Exception {
        AddressPolicy policy = new AddressPolicy(List.of(), addrs("/ip4/11.2.3.4/tcp/4001"), addrs("/ip4/127.0.0.0/ipcidr/8"));
        try (Host a = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build();
             Host b = Host.builder().listen("/ip4/127.0.0.1/tcp/0").addressPolicy(policy).build()) {
            assertEquals(addrs("/ip4/11.2.3.4/tcp/4001"), b.addresses());
            List<Multiaddr> listening = b.network().listenAddresses();
            a.connect(new PeerInfo(b.peerId(), listening));
            IdentifyResult r = a.service(IdentifyService.class).orElseThrow()
                    .awaitIdentified(a.network().connection(b.peerId()).orElseThrow(), Duration.ofSeconds(20));
            assertEquals(addrs("/ip4/11.2.3.4/tcp/4001"), r.listenAddrs());
        }
    }
}
