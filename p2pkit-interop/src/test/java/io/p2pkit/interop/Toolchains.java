package io.p2pkit.interop;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Which peer toolchains (node/npm, go, cargo) exist on this machine and which peers are built.
 *
 * <p>The first call to {@link #get()} runs {@code peers/build.sh} once for the whole test JVM, so
 * the peers are built by the interop tests themselves: {@code mvn verify} builds them, and builds
 * that leave this module out ({@code -pl p2pkit-node -am}) or skip tests never do. Set the system
 * property {@code p2pkit.interop.build=false} to use what is already built.
 */
public final class Toolchains {
    private static final ReentrantLock LOCK = new ReentrantLock();
    private static Toolchains instance;

    private final Path peers;
    private final Map<Implementation, String> missing;
    private final String buildLog;

    private Toolchains(Path peers, Map<Implementation, String> missing, String buildLog) {
        this.peers = peers;
        this.missing = missing;
        this.buildLog = buildLog;
    }

    /**
     * Detects the toolchains and builds the peers, once per JVM.
     *
     * @return the shared result
     */
    public static Toolchains get() {
        LOCK.lock();
        try {
            if (instance == null) {
                instance = detectAndBuild();
            }
            return instance;
        } finally {
            LOCK.unlock();
        }
    }

    /** @return the {@code peers/} directory */
    public Path peers() {
        return peers;
    }

    /**
     * Whether a peer can be run.
     *
     * @param impl the implementation
     * @return true when its toolchain exists and its peer built
     */
    public boolean available(Implementation impl) {
        return !missing.containsKey(impl);
    }

    /**
     * Why a peer cannot be run.
     *
     * @param impl the implementation
     * @return a plain sentence, or {@code null} when the peer is available
     */
    public String whyMissing(Implementation impl) {
        return missing.get(impl);
    }

    /** @return the output of {@code build.sh} (empty when building was switched off) */
    public String buildLog() {
        return buildLog;
    }

    /**
     * Looks a command up on the PATH and in the usual install folders that are often not on it.
     *
     * @param command the program name
     * @return true when an executable of that name was found
     */
    static boolean onPath(String command) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.add("/usr/local/go/bin");
        dirs.add(System.getProperty("user.home") + "/.cargo/bin");
        for (String d : dirs) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, command))) {
                return true;
            }
        }
        return false;
    }

    private static Toolchains detectAndBuild() {
        Path peers = Path.of(System.getProperty("p2pkit.interop.peers", "peers")).toAbsolutePath().normalize();
        String log = "";
        if (!"false".equals(System.getProperty("p2pkit.interop.build"))) {
            log = runBuild(peers);
            System.out.print(log);
        }
        Map<Implementation, String> missing = new EnumMap<>(Implementation.class);
        for (Implementation impl : Implementation.values()) {
            boolean tools = switch (impl) {
                case JS -> onPath("node") && onPath("npm");
                case GO -> onPath("go");
                case RUST -> onPath("cargo");
            };
            if (!tools) {
                missing.put(impl, impl.id() + " peer skipped: " + (impl == Implementation.JS ? "node/npm" : impl.toolchain())
                        + " is not installed");
            } else if (!impl.isBuilt(peers)) {
                missing.put(impl, impl.id() + " peer skipped: its build failed (see the build.sh output above)");
            }
        }
        missing.values().forEach(m -> System.out.println("interop: " + m));
        return new Toolchains(peers, missing, log);
    }

    private static String runBuild(Path peers) {
        ProcessBuilder pb = new ProcessBuilder("bash", peers.resolve("build.sh").toString())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        try {
            Process p = pb.start();
            // build.sh's output is short; reading it to the end is how we wait for it.
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                return out + "interop: build.sh did not finish in 30 minutes\n";
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + peers.resolve("build.sh"), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building the interop peers", e);
        }
    }
}
