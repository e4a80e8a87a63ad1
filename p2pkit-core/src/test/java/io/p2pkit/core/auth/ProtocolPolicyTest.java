package io.p2pkit.core.auth;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class ProtocolPolicyTest {
    private static final PeerId ALICE = PrivateKey.generateEd25519().publicKey().toPeerId();
    private static final PeerId BOB = PrivateKey.generateEd25519().publicKey().toPeerId();
    private static final Multiaddr LAN = Multiaddr.parse("/ip4/10.1.2.3/tcp/4001");
    private static final Multiaddr WAN = Multiaddr.parse("/ip4/203.0.113.7/tcp/4001");
    private static final Multiaddr LAN6 = Multiaddr.parse("/ip6/fd00::1/udp/4001/quic-v1");
    private static final Multiaddr RELAYED = Multiaddr.parse(
            "/dns4/relay.example/tcp/4001/p2p/" + BOB + "/p2p-circuit");

    private static boolean allows(ProtocolPolicy p, PeerId peer, Multiaddr addr, String... tags) {
        return p.refusal(peer, addr, Set.of(tags)).isEmpty();
    }

    @Test
    void defaultsApplyWhenNoRuleMatches() {
        assertTrue(allows(ProtocolPolicy.allowByDefault(), ALICE, WAN));
        assertFalse(allows(ProtocolPolicy.denyByDefault(), ALICE, WAN));
        assertTrue(ProtocolPolicy.denyByDefault().refusal(ALICE, WAN, Set.of()).orElseThrow().contains("default is deny"));
        assertFalse(ProtocolPolicy.allowByDefault().requiresAuth());
        assertTrue(ProtocolPolicy.allowByDefault().requireAuth().requiresAuth());
    }

    @Test
    void peerRules() {
        ProtocolPolicy p = ProtocolPolicy.denyByDefault().allowPeer(ALICE);
        assertTrue(allows(p, ALICE, WAN));
        assertFalse(allows(p, BOB, WAN));
        ProtocolPolicy q = ProtocolPolicy.allowByDefault().denyPeer(BOB);
        assertTrue(allows(q, ALICE, WAN));
        assertEquals("the peer is denied", q.refusal(BOB, WAN, Set.of()).orElseThrow());
    }

    @Test
    void cidrRulesForIpv4AndIpv6() {
        ProtocolPolicy p = ProtocolPolicy.denyByDefault().allowNetwork("10.0.0.0/8").allowNetwork("fd00::/8");
        assertTrue(allows(p, ALICE, LAN));
        assertTrue(allows(p, ALICE, LAN6));
        assertFalse(allows(p, ALICE, WAN));
        ProtocolPolicy q = ProtocolPolicy.allowByDefault().denyNetwork("203.0.113.0/24");
        assertFalse(allows(q, ALICE, WAN));
        assertTrue(q.refusal(ALICE, WAN, Set.of()).orElseThrow().contains("denied network 203.0.113.0/24"));
        assertTrue(allows(q, ALICE, LAN));
    }

    @Test
    void addressesWithoutAnIpMatchNoNetworkRule() {
        assertFalse(allows(ProtocolPolicy.denyByDefault().allowNetwork("0.0.0.0/0"), ALICE, RELAYED));
        assertTrue(allows(ProtocolPolicy.allowByDefault().denyNetwork("0.0.0.0/0"), ALICE, RELAYED));
    }

    @Test
    void tagRules() {
        ProtocolPolicy p = ProtocolPolicy.denyByDefault().allowTag("trusted").denyTag("abuser");
        assertTrue(allows(p, ALICE, WAN, "trusted", "other"));
        assertFalse(allows(p, ALICE, WAN, "other"));
        assertFalse(allows(p, ALICE, WAN, "trusted", "abuser"));
    }

    @Test
    void denyWinsOverEveryAllow() {
        ProtocolPolicy p = ProtocolPolicy.allowByDefault().allowPeer(ALICE).allowNetwork("10.0.0.0/8").allowTag("trusted");
        assertFalse(allows(p.denyPeer(ALICE), ALICE, LAN, "trusted"));
        assertFalse(allows(p.denyNetwork("10.1.0.0/16"), ALICE, LAN, "trusted"));
        assertFalse(allows(p.denyTag("banned"), ALICE, LAN, "trusted", "banned"));
        assertTrue(allows(p, ALICE, LAN, "trusted"));
    }
}
