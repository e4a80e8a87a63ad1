package io.p2pkit.testing.netns;

import io.p2pkit.testing.Prerequisites;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real coturn {@code turnserver} (Debian's package) on a {@link NatTestbed} host, run as a plain
 * STUN server ({@code stun-only}: Binding requests answered, TURN refused) on one UDP and TCP
 * address, its configuration, pid file and user database in a temporary folder. Stopped with the
 * testbed, or by {@link #close()}.
 */
public final class Coturn implements AutoCloseable {
    /** The STUN port (RFC 8489). */
    public static final int PORT = 3478;

    private final NetnsProcess process;
    private final InetSocketAddress address;

    private Coturn(NetnsProcess process, InetSocketAddress address) {
        this.process = process;
        this.address = address;
    }

    /** The turnserver binary; fails under CI and skips elsewhere when it is not installed. */
    public static Path required() {
        return Prerequisites.program("turnserver", "Debian: apt-get install coturn");
    }

    /**
     * Starts a STUN-only server in {@code node}'s namespace on {@code ip}:{@link #PORT} and returns
     * once its UDP listener is open.
     */
    public static Coturn startStun(NatTestbed tb, String node, InetAddress ip) throws IOException, InterruptedException {
        Path bin = required();
        Path dir = Files.createTempDirectory("coturn");
        Path conf = dir.resolve("turnserver.conf");
        String listen = ip.getHostAddress();
        Files.writeString(conf, String.join("\n",
                "listening-ip=" + listen,
                "listening-port=" + PORT,
                "stun-only",
                "no-cli",
                "no-tls",
                "no-dtls",
                "no-software-attribute",
                "log-file=stdout",
                "simple-log",
                "verbose", // prints the line that says the listener is open
                "pidfile=" + dir.resolve("turnserver.pid"),
                "userdb=" + dir.resolve("turndb"),
                ""));
        NetnsProcess p = tb.start(node, List.of(bin.toString(), "-c", conf.toString()));
        p.awaitOutput("UDP listener opened on: " + listen + ":" + PORT, Duration.ofSeconds(30));
        return new Coturn(p, new InetSocketAddress(ip, PORT));
    }

    /** Where it answers. */
    public InetSocketAddress address() {
        return address;
    }

    /** What it logged so far. */
    public String log() {
        return process.output();
    }

    @Override
    public void close() throws InterruptedException {
        process.close();
    }
}
