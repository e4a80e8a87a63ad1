package io.p2pkit.testing.netns;

import io.p2pkit.testing.Prerequisites;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A LAN of network namespaces for multicast tests (mDNS): hosts {@code h1} … {@code hN}, each
 * with an {@code eth0} (11.0.0.N/24 and fd11::N/64, plus its IPv6 link-local address) on one
 * Linux bridge that lives in a namespace of its own, so nothing reaches the machine's real
 * interfaces. Namespaces are named {@code p2pkit-lan-<pid>-<n>-*}. Needs root and {@code ip}
 * ({@link #require()}); closing it stops what it started and removes the namespaces, and a
 * shutdown hook does the same if the test never closes it.
 */
@SuppressWarnings("try") // close() may be interrupted, as NetnsProcess.close() is
public final class BridgedLan implements AutoCloseable {
    private static final AtomicInteger COUNT = new AtomicInteger();

    private final String prefix;
    private final int hosts;
    private final Path logs;
    private final List<NetnsProcess> started = new CopyOnWriteArrayList<>();
    private final Thread cleanup;

    private BridgedLan(String prefix, int hosts, Path logs) {
        this.prefix = prefix;
        this.hosts = hosts;
        this.logs = logs;
        this.cleanup = new Thread(this::removeQuietly, "bridged-lan cleanup " + prefix);
    }

    /** Fails under CI and skips elsewhere when root or {@code ip} is missing. */
    public static void require() {
        Prerequisites.require(NatTestbed.isRoot(), "the bridged LAN needs root (network namespaces)");
        Prerequisites.program("ip", "Debian: apt-get install iproute2");
    }

    /** Brings up a LAN of {@code hosts} (1 to 9) namespaces; call {@link #require()} first. */
    public static BridgedLan start(int hosts) throws IOException, InterruptedException {
        if (hosts < 1 || hosts > 9) {
            throw new IllegalArgumentException("hosts " + hosts);
        }
        String prefix = "p2pkit-lan-" + ProcessHandle.current().pid() + "-" + COUNT.incrementAndGet();
        BridgedLan lan = new BridgedLan(prefix, hosts, Files.createTempDirectory(prefix));
        Runtime.getRuntime().addShutdownHook(lan.cleanup);
        try {
            lan.up();
        } catch (IOException | RuntimeException e) {
            lan.close();
            throw e;
        }
        return lan;
    }

    private void up() throws IOException, InterruptedException {
        String br = prefix + "-br";
        ip("netns", "add", br);
        ip("-n", br, "link", "add", "br0", "type", "bridge", "mcast_snooping", "0");
        ip("-n", br, "link", "set", "br0", "up");
        for (int h = 1; h <= hosts; h++) {
            String ns = namespace(h);
            ip("netns", "add", ns);
            // the veth pair is made inside the bridge's namespace and one end moved: never in the machine's
            ip("-n", br, "link", "add", "p" + h, "type", "veth", "peer", "name", "eth0", "netns", ns);
            ip("-n", br, "link", "set", "p" + h, "master", "br0", "up");
            run(List.of("ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv6.conf.all.accept_dad=0",
                    "net.ipv6.conf.default.accept_dad=0", "net.ipv6.conf.eth0.accept_dad=0"));
            ip("-n", ns, "addr", "add", ipv4(h) + "/24", "dev", "eth0");
            ip("-n", ns, "addr", "add", ipv6(h) + "/64", "dev", "eth0", "nodad");
            ip("-n", ns, "link", "set", "lo", "up");
            ip("-n", ns, "link", "set", "eth0", "up");
        }
    }

    /** The namespace of host {@code h}. */
    public String namespace(int h) {
        if (h < 1 || h > hosts) {
            throw new IllegalArgumentException("no host " + h);
        }
        return prefix + "-h" + h;
    }

    /** Host {@code h}'s IPv4 address, 11.0.0.h. */
    public static String ipv4(int h) {
        return "11.0.0." + h;
    }

    /** Host {@code h}'s IPv6 (ULA) address, fd11::h. */
    public static String ipv6(int h) {
        return "fd11::" + h;
    }

    /** Starts {@code command} in host {@code h}'s namespace, its output going to a log file. */
    public NetnsProcess start(int h, List<String> command) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", namespace(h)));
        cmd.addAll(command);
        String what = "h" + h + ": " + String.join(" ", command);
        Path log = logs.resolve("h" + h + "-" + started.size() + ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        NetnsProcess np = new NetnsProcess(p, log, what);
        started.add(np);
        return np;
    }

    /** A command running a Java main class with this JVM's java and the test class path. */
    public static List<String> javaCommand(String mainClass, List<String> args) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", cp, mainClass));
        cmd.addAll(args);
        return cmd;
    }

    /** Stops what it started and removes its namespaces. */
    @Override
    public void close() throws InterruptedException {
        for (NetnsProcess p : started) {
            p.close();
        }
        removeQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs or is about to: it finds nothing left
        }
    }

    private void removeQuietly() {
        try {
            for (String ns : NatTestbed.namespaces(prefix)) {
                run(List.of("ip", "netns", "delete", ns));
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            System.err.println("bridged-lan: removing " + prefix + "-* failed: " + e);
        }
    }

    private static void ip(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        run(cmd);
    }

    private static void run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " did not finish within 30 s");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed (" + p.exitValue() + "): "
                    + new String(out, StandardCharsets.UTF_8));
        }
    }

    @Override
    public String toString() {
        return "BridgedLan " + prefix;
    }
}
