package io.p2pkit.nat.holepunch;

import io.p2pkit.testing.netns.NatTestbed;
import io.p2pkit.testing.netns.NetnsProcess;

import java.io.IOException;
import java.time.Duration;

/** What the hole punching tests, the AutoRelay one and the benchmark add to the NAT testbed. */
@SuppressWarnings("exports") // the testbed's types in its signatures: only tests use it, from the same test tree
public final class HolePunchNatSetup {
    private HolePunchNatSetup() {
    }

    /**
     * Makes both NAT routers drop, rather than answer with a RST, what arrives unasked on their
     * public side, as home routers' firewalls do. Without it the first SYN of a hole punch, if it
     * reaches the other NAT before that side's own SYN has left, is answered with a RST, which
     * kills both attempts; on the testbed's microsecond links that is nearly always the case.
     * Forwarded traffic (the NAT's own flows) is untouched.
     */
    public static void dropUnsolicited(NatTestbed tb) throws IOException, InterruptedException {
        for (String router : new String[]{"nat1", "nat2"}) {
            run(tb, router, "nft", "add", "table", "inet", "holepunch");
            run(tb, router, "nft", "add", "chain", "inet", "holepunch", "input",
                    "{ type filter hook input priority 0; policy accept; }");
            run(tb, router, "nft", "add", "rule", "inet", "holepunch", "input", "iifname", "wan", "ct", "state", "new", "drop");
        }
    }

    private static void run(NatTestbed tb, String node, String... command) throws IOException, InterruptedException {
        NatTestbed.Result r = tb.run(node, Duration.ofSeconds(30), command);
        if (r.exit() != 0) {
            throw new IOException(String.join(" ", command) + " in " + node + " failed: " + r.output());
        }
    }

    /** The peer ID a {@link HolePunchNode} printed on its {@code ready} line. */
    public static String readyId(NetnsProcess p) {
        return p.output().lines().filter(l -> l.startsWith("ready ")).findFirst().orElseThrow().substring(6).trim();
    }
}
