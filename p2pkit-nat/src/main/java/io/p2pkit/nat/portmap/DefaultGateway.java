package io.p2pkit.nat.portmap;

import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The IPv4 default gateway, from Linux's routing table ({@code /proc/net/route}). */
final class DefaultGateway {
    static final Path ROUTES = Path.of("/proc/net/route");
    /** The table is a line per route; a machine with thousands of routes still fits. */
    static final int MAX_BYTES = 1 << 20;
    private static final int RTF_UP = 0x1;
    private static final int RTF_GATEWAY = 0x2;

    private DefaultGateway() {
    }

    /** The default gateway with the lowest metric in {@code table} (normally {@link #ROUTES}), if there is one. */
    static Optional<Inet4Address> find(Path table) throws IOException {
        if (!Files.isReadable(table)) {
            return Optional.empty();
        }
        try (InputStream in = Files.newInputStream(table)) {
            byte[] b = in.readNBytes(MAX_BYTES);
            return parse(new String(b, StandardCharsets.US_ASCII));
        }
    }

    /**
     * The default route's gateway in a {@code /proc/net/route} table: destination and mask 0, flags
     * up and gateway; the addresses are hex in the machine's (little-endian) byte order.
     */
    static Optional<Inet4Address> parse(String table) {
        Inet4Address best = null;
        long bestMetric = Long.MAX_VALUE;
        for (String line : table.lines().skip(1).toList()) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 8) {
                continue;
            }
            try {
                long dest = Long.parseLong(f[1], 16);
                long gw = Long.parseLong(f[2], 16);
                int flags = Integer.parseInt(f[3], 16);
                long metric = Long.parseLong(f[6]);
                long mask = Long.parseLong(f[7], 16);
                if (dest != 0 || mask != 0 || gw == 0 || (flags & (RTF_UP | RTF_GATEWAY)) != (RTF_UP | RTF_GATEWAY)
                        || metric >= bestMetric || gw > 0xffffffffL) {
                    continue;
                }
                best = (Inet4Address) InetAddress.getByAddress(new byte[]{
                        (byte) gw, (byte) (gw >> 8), (byte) (gw >> 16), (byte) (gw >> 24)});
                bestMetric = metric;
            } catch (NumberFormatException | UnknownHostException unparsable) {
                // a line this parser does not understand is not the default route
            }
        }
        return Optional.ofNullable(best);
    }
}
