package io.p2pkit.testing.netns;

import io.p2pkit.testing.LoopbackPorts;
import io.p2pkit.testing.Prerequisites;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real coturn {@code turnserver} (Debian's package), its configuration, pid file and user
 * database in a temporary folder: a plain STUN server ({@code stun-only}: Binding requests
 * answered, TURN refused) or a TURN server with long-term credentials (one user, realm
 * {@link #REALM}, UDP relays on the address it listens on), on a {@link NatTestbed} host or on
 * this machine's loopback ({@code allow-loopback-peers}, a free port). Stopped with the testbed,
 * or by {@link #close()}.
 */
public final class Coturn implements AutoCloseable {
    /** The STUN port (RFC 8489). */
    public static final int PORT = 3478;
    /** The realm of the TURN servers started here. */
    public static final String REALM = "p2pkit.test";

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
        Path dir = Files.createTempDirectory("coturn");
        Path conf = config(dir, ip, PORT, List.of("stun-only"));
        return started(tb.start(node, List.of(required().toString(), "-c", conf.toString())), ip, PORT);
    }

    /**
     * Starts a TURN server in {@code node}'s namespace on {@code ip}:{@link #PORT}, relaying from
     * {@code ip}, with one long-term user, and returns once its UDP listener is open.
     */
    public static Coturn startTurn(NatTestbed tb, String node, InetAddress ip, String user, String password)
            throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("coturn");
        Path conf = config(dir, ip, PORT, turn(ip, user, password, List.of()));
        return started(tb.start(node, List.of(required().toString(), "-c", conf.toString())), ip, PORT);
    }

    /**
     * Starts a TURN server on 127.0.0.1 and a free port, relaying from 127.0.0.1 to loopback
     * peers, with one long-term user and {@code options} (coturn configuration lines such as
     * {@code stale-nonce=2} or {@code max-allocate-lifetime=4}); returns once its UDP listener is open.
     */
    public static Coturn startTurnOnLoopback(String user, String password, List<String> options)
            throws IOException, InterruptedException {
        Path bin = required();
        InetAddress ip = InetAddress.getLoopbackAddress();
        int port = LoopbackPorts.free();
        Path dir = Files.createTempDirectory("coturn");
        List<String> lines = new ArrayList<>(turn(ip, user, password, options));
        lines.add("allow-loopback-peers");
        Path conf = config(dir, ip, port, lines);
        Path log = dir.resolve("turnserver.log");
        Process p = new ProcessBuilder(bin.toString(), "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        return started(new NetnsProcess(p, log, "turnserver on 127.0.0.1:" + port), ip, port);
    }

    private static List<String> turn(InetAddress ip, String user, String password, List<String> options) {
        List<String> lines = new ArrayList<>(List.of(
                "relay-ip=" + ip.getHostAddress(),
                "lt-cred-mech",
                "user=" + user + ":" + password,
                "realm=" + REALM,
                "no-tcp-relay"));
        lines.addAll(options);
        return lines;
    }

    private static Path config(Path dir, InetAddress ip, int port, List<String> lines) throws IOException {
        Path conf = dir.resolve("turnserver.conf");
        List<String> all = new ArrayList<>(List.of(
                "listening-ip=" + ip.getHostAddress(),
                "listening-port=" + port,
                "no-cli",
                "no-tls",
                "no-dtls",
                "no-software-attribute",
                "log-file=stdout",
                "simple-log",
                "verbose", // prints the line that says the listener is open, and each session's traffic
                "pidfile=" + dir.resolve("turnserver.pid"),
                "userdb=" + dir.resolve("turndb")));
        all.addAll(lines);
        all.add("");
        Files.writeString(conf, String.join("\n", all));
        return conf;
    }

    private static Coturn started(NetnsProcess p, InetAddress ip, int port) throws InterruptedException {
        String listening = "UDP listener opened on: " + ip.getHostAddress() + ":" + port;
        try {
            p.awaitOutput(listening, Duration.ofSeconds(30));
        } catch (AssertionError e) {
            p.close();
            throw e;
        }
        return new Coturn(p, new InetSocketAddress(ip, port));
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
