package io.p2pkit.nat.holepunch;

import io.p2pkit.testing.netns.NetnsProcess;

/** What the hole punching tests and the AutoRelay one share about {@link HolePunchNode}s. */
@SuppressWarnings("exports") // the testbed's types in its signatures: only tests use it, from the same test tree
public final class HolePunchNatSetup {
    private HolePunchNatSetup() {
    }

    /** The peer ID a {@link HolePunchNode} printed on its {@code ready} line. */
    public static String readyId(NetnsProcess p) {
        return p.output().lines().filter(l -> l.startsWith("ready ")).findFirst().orElseThrow().substring(6).trim();
    }
}
