package io.p2pkit.nat.holepunch;

import io.p2pkit.testing.netns.NetnsProcess;

/** What the hole punching tests share about {@link HolePunchNode}s. */
final class HolePunchNatSetup {
    private HolePunchNatSetup() {
    }

    /** The peer ID a {@link HolePunchNode} printed on its {@code ready} line. */
    static String readyId(NetnsProcess p) {
        return p.output().lines().filter(l -> l.startsWith("ready ")).findFirst().orElseThrow().substring(6).trim();
    }
}
