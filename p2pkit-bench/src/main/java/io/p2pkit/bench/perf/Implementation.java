package io.p2pkit.bench.perf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A libp2p implementation whose perf program the runner drives. */
enum Implementation {
    /** p2pkit's own {@code p2pkit perf} command, on the JDK running the runner. */
    P2PKIT("p2pkit"),
    /** js-libp2p's perf program of the interop suite ({@code peers/js/perf.mjs}). */
    JS("js"),
    /** go-libp2p's perf program of the interop suite ({@code peers/go/perf-peer}). */
    GO("go"),
    /**
     * Another build of {@code p2pkit perf} (the runner's {@code --baseline-jar}), for measuring a
     * change A/B side by side in one run.
     */
    P2PKIT_BASE("p2pkit-base"),
    /**
     * js-libp2p in headless Chromium ({@code peers/js/browser.mjs}, the browser interop driver):
     * a client only, over WebRTC-direct and WebTransport, the transports a browser can dial
     * without a certificate authority.
     */
    CHROMIUM("chromium");

    private final String label;

    Implementation(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    /** The implementation named {@code name} ({@code p2pkit}, {@code js}, {@code go}, {@code p2pkit-base}, {@code chromium}). */
    static Implementation named(String name) {
        for (Implementation i : values()) {
            if (i.label.equals(name.trim())) {
                return i;
            }
        }
        throw new IllegalArgumentException("unknown implementation '" + name + "'");
    }

    /**
     * The program and its leading arguments; perf flags follow. {@code baselineJar} is the other
     * build's {@code p2pkit-node.jar} ({@link #P2PKIT_BASE}), or null.
     */
    List<String> command(Path root, List<String> jvmArgs, Path baselineJar) {
        Path peers = root.resolve("p2pkit-interop/peers");
        return switch (this) {
            case P2PKIT, P2PKIT_BASE -> {
                Path jar = this == P2PKIT ? root.resolve("p2pkit-node/target/p2pkit-node.jar") : baselineJar;
                List<String> c = new ArrayList<>();
                c.add(ProcessHandle.current().info().command().orElse("java"));
                c.addAll(launcherFlags(jar));
                c.addAll(jvmArgs); // after the launcher's flags: --jvm-args -XX:AOTMode=off turns the cache off
                c.add("-jar");
                c.add(jar.toString());
                c.add("perf");
                yield c;
            }
            case JS -> List.of("node", peers.resolve("js/perf.mjs").toString());
            case GO -> List.of(peers.resolve("go/perf-peer").toString());
            case CHROMIUM -> List.of("node", peers.resolve("js/browser.mjs").toString(), "--chromium", CHROMIUM_BINARY);
        };
    }

    /** Debian's Chromium, as the interop tests use it. */
    private static final String CHROMIUM_BINARY = "/usr/bin/chromium";

    /** Whether the implementation can be a perf server (a browser cannot listen). */
    boolean serves() {
        return this != CHROMIUM;
    }

    /**
     * The flags with which the {@code p2pkit} launcher starts {@code perf} from {@code jar}: the
     * build's compile thresholds and inlining for nodes ({@code p2pkit-node/src/main/jvm/hot-methods.args} of
     * the jar's tree, when it has one), no wait for threads in native code at exit (JDK 22 and
     * newer), Netty's options ({@code p2pkit-node-netty.args} beside the jar, made by
     * {@code scripts/aot-train} where the JDK takes them), Netty's native libraries from
     * {@code native/} beside the jar where {@code scripts/package} unpacked them (else Netty copies
     * them to a temporary file at every start), and {@link #aotCache the AOT cache}.
     */
    static List<String> launcherFlags(Path jar) {
        List<String> flags = new ArrayList<>();
        Path hotMethods = jar.toAbsolutePath().getParent().resolveSibling("src/main/jvm/hot-methods.args");
        if (Files.isRegularFile(hotMethods)) {
            flags.add("@" + hotMethods);
        }
        Path netty = jar.toAbsolutePath().resolveSibling("p2pkit-node-netty.args");
        if (Files.isRegularFile(netty)) {
            flags.add("@" + netty);
        }
        if (Runtime.version().feature() >= 22) {
            flags.add("-XX:UserThreadWaitAttemptsAtExit=0");
        }
        flags.addAll(nativeLibraries(jar));
        flags.addAll(aotCache(jar));
        return flags;
    }

    /**
     * The library path the launcher gives Netty (scripts/jdk.sh, {@code p2pkit_native_opts}): the
     * unpacked libraries first, then the JVM's own search path on Linux; none when nothing is unpacked.
     */
    static List<String> nativeLibraries(Path jar) {
        Path dir = jar.toAbsolutePath().resolveSibling("native");
        try (var files = Files.list(dir)) {
            if (files.noneMatch(f -> f.getFileName().toString().endsWith(".so"))) {
                return List.of();
            }
        } catch (IOException e) {
            return List.of();
        }
        return List.of("-Djava.library.path=" + dir + ":/usr/java/packages/lib:/usr/lib64:/lib64:/lib:/usr/lib");
    }

    /**
     * The flags that start {@code jar} with its AOT cache as the launcher starts a node's command:
     * {@code p2pkit-node-linked.aot} beside it (made by {@code scripts/aot-train}), or a build's
     * {@code p2pkit-node.aot} where it has no linked one, when it is newer than the jar; none
     * otherwise. The linked cache comes with the options of {@code p2pkit-node-linked.args} beside
     * it, as the launcher starts it (a build older than that file has none).
     */
    static List<String> aotCache(Path jar) {
        Path cache = jar.resolveSibling("p2pkit-node-linked.aot");
        Path profileOptions = jar.resolveSibling("p2pkit-node-linked.args");
        if (!Files.isRegularFile(cache)) {
            cache = jar.resolveSibling("p2pkit-node.aot");
            profileOptions = null;
        }
        try {
            if (Files.isRegularFile(cache)
                    && Files.getLastModifiedTime(cache).compareTo(Files.getLastModifiedTime(jar)) > 0) {
                List<String> flags = new ArrayList<>(List.of("-XX:AOTCache=" + cache, "--enable-native-access=ALL-UNNAMED",
                        "-Xlog:disable", "-Xlog:all=warning:stderr"));
                if (profileOptions != null && Files.isRegularFile(profileOptions)) {
                    flags.add("@" + profileOptions);
                }
                return flags;
            }
        } catch (IOException e) {
            return List.of();
        }
        return List.of();
    }

    /** Whether the program is built (the runner's script builds all it can). */
    boolean available(Path root, Path baselineJar) {
        return switch (this) {
            case P2PKIT_BASE -> baselineJar != null && Files.exists(baselineJar);
            case P2PKIT -> Files.exists(root.resolve("p2pkit-node/target/p2pkit-node.jar"));
            case JS -> Files.isDirectory(root.resolve("p2pkit-interop/peers/js/node_modules"));
            case GO -> Files.isExecutable(root.resolve("p2pkit-interop/peers/go/perf-peer"));
            case CHROMIUM -> Files.isExecutable(Path.of(CHROMIUM_BINARY))
                    && Files.isDirectory(root.resolve("p2pkit-interop/peers/js/node_modules/playwright-core"));
        };
    }
}
