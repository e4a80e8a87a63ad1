package io.p2pkit.interop;

import java.nio.file.Path;
import java.util.List;

/** The libp2p implementations that have a peer program under {@code p2pkit-interop/peers/}. */
public enum Implementation {
    /** js-libp2p 3, run by Node. */
    JS("js", "node", List.of("noise", "tls"), List.of("yamux", "mplex"), true),
    /** go-libp2p; it dropped mplex. */
    GO("go", "go", List.of("noise", "tls"), List.of("yamux"), true),
    /** rust-libp2p; its identify cannot send or read a standard signed peer record. */
    RUST("rust", "cargo", List.of("noise", "tls"), List.of("yamux", "mplex"), false);

    private final String dir;
    private final String toolchain;
    private final List<String> securities;
    private final List<String> muxers;
    private final boolean standardPeerRecords;

    Implementation(String dir, String toolchain, List<String> securities, List<String> muxers,
                   boolean standardPeerRecords) {
        this.dir = dir;
        this.toolchain = toolchain;
        this.securities = securities;
        this.muxers = muxers;
        this.standardPeerRecords = standardPeerRecords;
    }

    /** @return the short name (as in test and matrix names) */
    @Override
    public String toString() {
        return dir;
    }

    /** @return the short name, which is also the peer's directory under {@code peers/} */
    public String id() {
        return dir;
    }

    /** @return the command that must be installed to build and run this peer */
    public String toolchain() {
        return toolchain;
    }

    /** @return the security choices ({@code noise}, {@code tls}) the peer offers */
    public List<String> securities() {
        return securities;
    }

    /** @return the muxer choices ({@code yamux}, {@code mplex}) the peer offers */
    public List<String> muxers() {
        return muxers;
    }

    /**
     * Whether identify exchanges signed peer records in the standard {@code libp2p-peer-record}
     * envelope. rust-libp2p 0.57 only signs and reads its legacy {@code libp2p-routing-state} one.
     *
     * @return true when this peer sends and accepts standard signed peer records
     */
    public boolean standardPeerRecords() {
        return standardPeerRecords;
    }

    /**
     * The command line that starts this peer, before the contract flags.
     *
     * @param peers the {@code peers/} directory
     * @return the program and its leading arguments
     */
    public List<String> command(Path peers) {
        Path home = peers.resolve(dir);
        return switch (this) {
            case JS -> List.of("node", home.resolve("peer.mjs").toString());
            case GO, RUST -> List.of(home.resolve("peer").toString());
        };
    }

    /**
     * The command line that starts this implementation's perf program (the libp2p perf test
     * plans' flags), if it has one: js and go do, rust not yet.
     *
     * @param peers the {@code peers/} directory
     * @return the program and its leading arguments, or empty
     */
    public java.util.Optional<List<String>> perfCommand(Path peers) {
        Path home = peers.resolve(dir);
        return switch (this) {
            case JS -> java.util.Optional.of(List.of("node", home.resolve("perf.mjs").toString()));
            case GO -> java.util.Optional.of(List.of(home.resolve("perf-peer").toString()));
            case RUST -> java.util.Optional.empty();
        };
    }

    /**
     * Whether {@code build.sh} finished building this peer.
     *
     * @param peers the {@code peers/} directory
     * @return true when the peer's build marker exists
     */
    public boolean isBuilt(Path peers) {
        return java.nio.file.Files.exists(peers.resolve(dir).resolve(".built"));
    }
}
