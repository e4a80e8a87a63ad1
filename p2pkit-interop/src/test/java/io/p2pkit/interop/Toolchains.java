package io.p2pkit.interop;

import io.p2pkit.testing.Prerequisites;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/**
 * Which peer programs can run here: their toolchain (node/npm, go, cargo) is installed and
 * {@code peers/build.sh} built them.
 *
 * <p>The build is a step of this module's Maven build, before the tests ({@code pom.xml}); under
 * {@code CI=true} it fails the build when a toolchain is missing or a peer does not build.
 * {@code -Dp2pkit.interop.skipBuild=true} skips it and uses what is already built.
 */
public final class Toolchains {
    private static final Toolchains INSTANCE = detect();

    private final Path peers;
    private final Map<Implementation, String> missing;

    private Toolchains(Path peers, Map<Implementation, String> missing) {
        this.peers = peers;
        this.missing = missing;
    }

    /** @return what this machine has, detected once per JVM */
    public static Toolchains get() {
        return INSTANCE;
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

    /**
     * Requires a peer: fails under CI and skips elsewhere when it cannot run.
     *
     * @param impl the implementation
     * @return the {@code peers/} directory
     */
    public static Path require(Implementation impl) {
        Toolchains t = get();
        Prerequisites.require(t.available(impl), () -> t.whyMissing(impl));
        return t.peers;
    }

    /**
     * Requires one of the extra peer programs an implementation's build makes in a folder of its
     * own ({@code go-kad}, {@code go-pubsub}).
     *
     * @param impl the implementation whose toolchain builds it
     * @param dir  its folder under {@code peers/}
     * @return that folder
     */
    public static Path requireBuilt(Implementation impl, String dir) {
        Path peers = require(impl);
        Path home = peers.resolve(dir);
        Prerequisites.require(Files.exists(home.resolve(".built")),
                () -> "the " + dir + " peer is not built (peers/build.sh failed or did not run; see its output)");
        return home;
    }

    /**
     * Requires Kubo's {@code ipfs} command (built by the go step of peers/build.sh): fails under CI
     * and skips elsewhere when it is missing.
     *
     * @return the program
     */
    public static Path requireKubo() {
        Path dir = get().peers.resolve("kubo");
        Prerequisites.require(Prerequisites.findProgram("go").isPresent(), "Kubo cannot be built: go is not installed");
        Prerequisites.require(Files.exists(dir.resolve(".built")), "Kubo is not built (peers/build.sh failed or did not run; see its output)");
        return dir.resolve("ipfs");
    }

    /**
     * Requires the Helia importer script (built by the js step of peers/build.sh).
     *
     * @return {@code peers/helia/add.mjs}
     */
    public static Path requireHelia() {
        Path dir = get().peers.resolve("helia");
        Prerequisites.require(Prerequisites.findProgram("node").isPresent(), "Helia cannot run: node is not installed");
        Prerequisites.require(Files.exists(dir.resolve(".built")), "the Helia importer is not built (peers/build.sh failed or did not run; see its output)");
        return dir.resolve("add.mjs");
    }

    /**
     * Requires the Helia node with Bitswap (built with the importer by the js step of
     * peers/build.sh): fails under CI and skips elsewhere when it cannot run.
     *
     * @return {@code peers/helia/peer.mjs}
     */
    public static Path requireHeliaPeer() {
        return requireHelia().resolveSibling("peer.mjs");
    }

    /**
     * Requires kubo-rpc-client, the JavaScript client of Kubo's RPC API (installed with the js
     * peer by peers/build.sh): fails under CI and skips elsewhere when it cannot run.
     *
     * @return {@code peers/kubo-rpc-client/session.mjs}
     */
    public static Path requireKuboRpcClient() {
        Path dir = get().peers.resolve("kubo-rpc-client");
        Prerequisites.require(Prerequisites.findProgram("node").isPresent(), "kubo-rpc-client cannot run: node is not installed");
        Prerequisites.require(Files.exists(dir.resolve(".built")), "kubo-rpc-client is not installed (peers/build.sh failed or did not run; see its output)");
        return dir.resolve("session.mjs");
    }

    /**
     * Requires mock-ipfs-pinning-service, the reference Pinning Services API implementation
     * (installed with the js peer by peers/build.sh): fails under CI and skips elsewhere when it
     * cannot run.
     *
     * @return {@code peers/pinning-service/serve.mjs}
     */
    public static Path requirePinningService() {
        Path dir = get().peers.resolve("pinning-service");
        Prerequisites.require(Prerequisites.findProgram("node").isPresent(), "the pinning service cannot run: node is not installed");
        Prerequisites.require(Files.exists(dir.resolve(".built")), "mock-ipfs-pinning-service is not installed (peers/build.sh failed or did not run; see its output)");
        return dir.resolve("serve.mjs");
    }

    private static Toolchains detect() {
        Path peers = Path.of(System.getProperty("p2pkit.interop.peers", "peers")).toAbsolutePath().normalize();
        Map<Implementation, String> missing = new EnumMap<>(Implementation.class);
        for (Implementation impl : Implementation.values()) {
            boolean tools = switch (impl) {
                case JS -> Prerequisites.findProgram("node").isPresent() && Prerequisites.findProgram("npm").isPresent();
                case GO -> Prerequisites.findProgram("go").isPresent();
                case RUST -> Prerequisites.findProgram("cargo").isPresent();
            };
            if (!tools) {
                missing.put(impl, "the " + impl.id() + " peer cannot run: "
                        + (impl == Implementation.JS ? "node/npm" : impl.toolchain()) + " is not installed");
            } else if (!impl.isBuilt(peers)) {
                missing.put(impl, "the " + impl.id() + " peer is not built (peers/build.sh failed or did not run;"
                        + " see its output)");
            }
        }
        return new Toolchains(peers, missing);
    }
}
