package io.p2pkit.testing.netns;

import io.p2pkit.testing.Prerequisites;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The NAT testbed of {@code scripts/nat-testbed}, brought up for one test: an "internet" router,
 * two public hosts ({@code pub1} 11.0.0.2, {@code pub2} 14.0.0.2) and two NAT routers
 * ({@code nat1} 12.0.0.2, {@code nat2} 13.0.0.2) each with a LAN ({@code lan1h1} 192.168.1.11, …),
 * all in network namespaces named {@code p2pkit-nat-<pid>-<n>-*}. Needs root, {@code ip},
 * {@code nft} and {@code conntrack}; see {@link #require()}. Closing it stops the processes it
 * started and removes every namespace; a shutdown hook does the same if the test never closes it.
 */
public final class NatTestbed implements AutoCloseable {
    private static final AtomicInteger COUNT = new AtomicInteger();
    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(60);

    private final Path script;
    private final String prefix;
    private final int lanHosts;
    private final Path logs;
    private final List<NetnsProcess> started = new CopyOnWriteArrayList<>();
    private final Thread cleanup;

    private NatTestbed(Path script, String prefix, int lanHosts, Path logs) {
        this.script = script;
        this.prefix = prefix;
        this.lanHosts = lanHosts;
        this.logs = logs;
        this.cleanup = new Thread(this::downQuietly, "nat-testbed cleanup " + prefix);
    }

    /**
     * What the testbed needs from the machine: root and the programs {@code ip}, {@code nft} and
     * {@code conntrack}. Fails under CI and skips elsewhere when one is missing.
     */
    public static void require() {
        Prerequisites.require(isRoot(), "the NAT testbed needs root (network namespaces, nftables)");
        Prerequisites.program("ip", "Debian: apt-get install iproute2");
        Prerequisites.program("nft", "Debian: apt-get install nftables");
        Prerequisites.program("conntrack", "Debian: apt-get install conntrack");
        Prerequisites.require(script().isPresent(), "scripts/nat-testbed not found (is p2pkit.root set?)");
    }

    /** Brings up a testbed with one host on each LAN. */
    public static NatTestbed start(NatVariant nat1, NatVariant nat2) throws IOException, InterruptedException {
        return start(nat1, nat2, 1);
    }

    /**
     * Brings up a testbed; call {@link #require()} first.
     *
     * @param lanHosts hosts on each LAN, 1 to 9
     */
    public static NatTestbed start(NatVariant nat1, NatVariant nat2, int lanHosts)
            throws IOException, InterruptedException {
        if (lanHosts < 1 || lanHosts > 9) {
            throw new IllegalArgumentException("lanHosts " + lanHosts);
        }
        Path script = script().orElseThrow(() -> new IOException("scripts/nat-testbed not found"));
        String prefix = "p2pkit-nat-" + ProcessHandle.current().pid() + "-" + COUNT.incrementAndGet();
        NatTestbed tb = new NatTestbed(script, prefix, lanHosts, Files.createTempDirectory(prefix));
        Runtime.getRuntime().addShutdownHook(tb.cleanup);
        try {
            tb.script("up", "--nat1", nat1.argument(), "--nat2", nat2.argument(), "--lan-hosts", String.valueOf(lanHosts));
        } catch (IOException | RuntimeException e) {
            tb.close();
            throw e;
        }
        return tb;
    }

    /** The namespaces' common prefix, e.g. {@code p2pkit-nat-4242-1}. */
    public String prefix() {
        return prefix;
    }

    /** The namespace of {@code node} ({@code inet}, {@code pub1}, {@code nat1}, {@code lan1h1}, …). */
    public String namespace(String node) {
        checkNode(node);
        return prefix + "-" + node;
    }

    /** The first public host's address, 11.0.0.2. */
    public static InetAddress pub1() {
        return ip("11.0.0.2");
    }

    /** The second public host's address, 14.0.0.2. */
    public static InetAddress pub2() {
        return ip("14.0.0.2");
    }

    /** NAT router {@code n}'s public address: 12.0.0.2 for 1, 13.0.0.2 for 2. */
    public static InetAddress natPublic(int n) {
        checkLan(n);
        return ip((11 + n) + ".0.0.2");
    }

    /** NAT router {@code n}'s LAN address (the LAN's gateway), 192.168.n.1. */
    public static InetAddress natLan(int n) {
        checkLan(n);
        return ip("192.168." + n + ".1");
    }

    /** Host {@code h} on LAN {@code n} ({@code lan<n>h<h>}): 192.168.n.(10+h). */
    public static InetAddress lanHost(int n, int h) {
        checkLan(n);
        return ip("192.168." + n + "." + (10 + h));
    }

    /** The name of host {@code h} on LAN {@code n}, e.g. {@code lan1h1}. */
    public static String lanHostName(int n, int h) {
        checkLan(n);
        return "lan" + n + "h" + h;
    }

    /** A command to run inside {@code node}'s namespace ({@code ip netns exec}). */
    public ProcessBuilder command(String node, List<String> command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", namespace(node)));
        cmd.addAll(command);
        return new ProcessBuilder(cmd);
    }

    /**
     * A command running a Java main class inside {@code node}, with this JVM's java and the test
     * class path (so test classes and every module the test sees are there).
     */
    public List<String> javaCommand(String mainClass, List<String> args) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // surefire may start the test JVM through a manifest-only jar; the real class path is here
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", cp, mainClass));
        cmd.addAll(args);
        return cmd;
    }

    /**
     * Starts {@code command} inside {@code node}; its output goes to a log file (see
     * {@link NetnsProcess#output()}). Closing the testbed stops it.
     */
    public NetnsProcess start(String node, List<String> command) throws IOException {
        String what = node + ": " + String.join(" ", command);
        Path log = logs.resolve(node + "-" + started.size() + ".log");
        Process p = command(node, command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        NetnsProcess np = new NetnsProcess(p, log, what);
        started.add(np);
        return np;
    }

    /** What a finished command returned. */
    public record Result(int exit, String output) {
    }

    /** Runs {@code command} inside {@code node} to its end and returns its status and output. */
    public Result run(String node, Duration timeout, String... command) throws IOException, InterruptedException {
        try (NetnsProcess p = start(node, List.of(command))) {
            int exit = p.waitFor(timeout);
            return new Result(exit, p.output());
        }
    }

    /**
     * Makes both NAT routers drop, rather than answer with a RST, what arrives unasked on their
     * public side ({@code wan}), as home routers' firewalls do: an nftables table {@code holepunch}
     * with {@code iifname "wan" ct state new drop} on the input hook, so forwarded traffic (the
     * NATs' own flows) is untouched. Hole punching needs it: without it the first SYN of a
     * simultaneous open, if it reaches the other NAT before that side's own SYN has left (on the
     * testbed's microsecond links nearly always), is answered with a RST that kills both attempts.
     */
    public void dropUnsolicitedInbound() throws IOException, InterruptedException {
        for (String router : List.of("nat1", "nat2")) {
            mustRun(router, "nft", "add", "table", "inet", "holepunch");
            mustRun(router, "nft", "add", "chain", "inet", "holepunch", "input",
                    "{ type filter hook input priority 0; policy accept; }");
            mustRun(router, "nft", "add", "rule", "inet", "holepunch", "input", "iifname", "wan", "ct", "state", "new", "drop");
        }
    }

    private void mustRun(String node, String... command) throws IOException, InterruptedException {
        Result r = run(node, SCRIPT_TIMEOUT, command);
        if (r.exit() != 0) {
            throw new IOException(String.join(" ", command) + " in " + node + " failed: " + r.output());
        }
    }

    /** The conntrack table of router {@code node} ({@code conntrack -L}), one flow a line. */
    public List<String> conntrack(String node) throws IOException, InterruptedException {
        return script("conntrack", node).lines().toList();
    }

    /** The nftables ruleset of router {@code node}. */
    public String nftRuleset(String node) throws IOException, InterruptedException {
        return script("nft", node);
    }

    /** The namespaces on this machine whose names start with {@code prefix-}. */
    public static List<String> namespaces(String prefix) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("ip netns list failed: " + out);
        }
        return out.lines().map(l -> l.split(" ", 2)[0]).filter(n -> n.startsWith(prefix + "-")).toList();
    }

    /** Stops what it started and removes its namespaces. */
    @Override
    public void close() throws IOException, InterruptedException {
        for (NetnsProcess p : started) {
            p.close();
        }
        script("down");
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to: it finds nothing left
        }
    }

    private void downQuietly() {
        try {
            script("down");
        } catch (IOException | InterruptedException | RuntimeException e) {
            System.err.println("nat-testbed: removing " + prefix + "-* failed: " + e);
        }
    }

    private String script(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(script.toString(), args[0], "--prefix", prefix));
        cmd.addAll(List.of(args).subList(1, args.length));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).redirectError(ProcessBuilder.Redirect.PIPE).start();
        // stderr is small (a line or an error); read it after stdout, which may be long
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(SCRIPT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " did not finish within " + SCRIPT_TIMEOUT);
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed (" + p.exitValue() + "): "
                    + new String(err, StandardCharsets.UTF_8) + new String(out, StandardCharsets.UTF_8));
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    private void checkNode(String node) {
        boolean known = node.equals("inet") || node.equals("pub1") || node.equals("pub2")
                || node.equals("nat1") || node.equals("nat2");
        for (int n = 1; n <= 2 && !known; n++) {
            for (int h = 1; h <= lanHosts; h++) {
                known |= node.equals(lanHostName(n, h));
            }
        }
        if (!known) {
            throw new IllegalArgumentException("no node " + node + " in this testbed");
        }
    }

    private static void checkLan(int n) {
        if (n != 1 && n != 2) {
            throw new IllegalArgumentException("no LAN " + n);
        }
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Whether this process runs as root (which namespaces need). */
    static boolean isRoot() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("Uid:")).map(l -> l.split("\\s+")[1]).anyMatch("0"::equals);
        } catch (IOException e) {
            return false;
        }
    }

    /** scripts/nat-testbed of this repository: under {@code p2pkit.root}, else above the working folder. */
    static Optional<Path> script() {
        String root = System.getProperty("p2pkit.root");
        if (root != null && Files.isExecutable(Path.of(root, "scripts", "nat-testbed"))) {
            return Optional.of(Path.of(root, "scripts", "nat-testbed").toAbsolutePath());
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path s = d.resolve("scripts").resolve("nat-testbed");
            if (Files.isExecutable(s)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "NatTestbed " + prefix;
    }
}
