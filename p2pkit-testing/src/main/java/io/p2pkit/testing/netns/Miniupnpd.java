package io.p2pkit.testing.netns;

import io.p2pkit.testing.Prerequisites;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * A real miniupnpd (Debian's, nftables backend) on a {@link NatTestbed} NAT router: UPnP IGD and
 * NAT-PMP/PCP on the router's LAN, mappings in the testbed's {@code inet testbed} table, secure
 * mode (a client maps ports to itself only), ports 1024-65535 of the LAN allowed. Stopped with
 * the testbed, or by {@link #close()}.
 */
public final class Miniupnpd implements AutoCloseable {
    private final NetnsProcess process;
    private final Path dir;

    private Miniupnpd(NetnsProcess process, Path dir) {
        this.process = process;
        this.dir = dir;
    }

    /** The miniupnpd binary; fails under CI and skips elsewhere when it is not installed. */
    public static Path required() {
        return Prerequisites.program("miniupnpd", "Debian: apt-get install miniupnpd miniupnpd-nftables");
    }

    /**
     * Starts miniupnpd on NAT router {@code n} (1 or 2) and returns once it listens.
     *
     * @param igdV1 whether it describes itself as IGD v1 (WANIPConnection:1) instead of v2
     * @param extra more configuration lines, e.g. {@code enable_upnp=no}
     */
    public static Miniupnpd start(NatTestbed tb, int n, boolean igdV1, List<String> extra)
            throws IOException, InterruptedException {
        Path bin = required();
        Path dir = Files.createTempDirectory("miniupnpd");
        Path conf = dir.resolve("miniupnpd.conf");
        StringBuilder c = new StringBuilder()
                .append("ext_ifname=wan\n")
                .append("listening_ip=lan\n")
                .append("http_port=0\n")
                .append("enable_natpmp=yes\n")
                .append("enable_upnp=yes\n")
                .append("secure_mode=yes\n")
                .append("system_uptime=no\n")
                .append("force_igd_desc_v1=").append(igdV1 ? "yes" : "no").append('\n')
                .append("upnp_table_name=testbed\n")
                .append("upnp_nat_table_name=testbed\n")
                .append("uuid=").append(UUID.randomUUID()).append('\n')
                .append("lease_file=").append(dir.resolve("leases")).append('\n')
                .append("min_lifetime=2\n")
                .append("max_lifetime=86400\n");
        extra.forEach(l -> c.append(l).append('\n'));
        c.append("allow 1024-65535 192.168.").append(n).append(".0/24 1024-65535\n")
                .append("deny 0-65535 0.0.0.0/0 0-65535\n");
        Files.writeString(conf, c);
        NetnsProcess p = tb.start("nat" + n, List.of(bin.toString(), "-f", conf.toString(), "-d", "-4",
                "-P", dir.resolve("miniupnpd.pid").toString()));
        p.awaitOutput("HTTP listening on port", Duration.ofSeconds(30));
        return new Miniupnpd(p, dir);
    }

    /** What it logged so far (-d: debug, in the foreground). */
    public String log() {
        return process.output();
    }

    /** Its configuration and lease file's folder. */
    public Path dir() {
        return dir;
    }

    @Override
    public void close() throws InterruptedException {
        process.close();
    }
}
