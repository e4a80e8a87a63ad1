package io.p2pkit.testing.netns;

/**
 * How a testbed NAT router translates (see {@code docs/NAT.md}, "NAT testbed").
 *
 * @param kind {@code eim}, {@code symmetric} or {@code forwarded}
 * @param port the port forwarded to the LAN's first host ({@code forwarded} only, else 0)
 */
public record NatVariant(String kind, int port) {
    /** Validates the kind and port. */
    public NatVariant {
        boolean forwarded = kind.equals("forwarded");
        if (!forwarded && !kind.equals("eim") && !kind.equals("symmetric")) {
            throw new IllegalArgumentException("unknown NAT variant " + kind);
        }
        if (forwarded ? port < 1 || port > 65535 : port != 0) {
            throw new IllegalArgumentException("bad port " + port + " for " + kind);
        }
    }

    /** Endpoint-independent mapping: nftables {@code masquerade}, the usual Linux NAT. */
    public static NatVariant eim() {
        return new NatVariant("eim", 0);
    }

    /** Endpoint-dependent ("symmetric") mapping: {@code masquerade fully-random}. */
    public static NatVariant symmetric() {
        return new NatVariant("symmetric", 0);
    }

    /** {@link #eim()} plus {@code port} (TCP and UDP) forwarded to the same port of the LAN's first host. */
    public static NatVariant forwarded(int port) {
        return new NatVariant("forwarded", port);
    }

    /** The variant as {@code scripts/nat-testbed} takes it, e.g. {@code forwarded:4001}. */
    String argument() {
        return port == 0 ? kind : kind + ":" + port;
    }
}
