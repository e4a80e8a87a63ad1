/**
 * The p2pkit node and the {@code p2pkit} command. The API is {@code Node}, made from one
 * {@code NodeConfig} and telling a {@code NodeListener} what happens (package {@code io.p2pkit.node}),
 * and the node's files: its identity key and home folder ({@code io.p2pkit.node.config}). The
 * command line ({@code io.p2pkit.node.cli}, parsed by picocli), the metrics HTTP endpoint, the JSON
 * writer and the transport-interop client are internal.
 */
module io.p2pkit.node {
    requires transitive io.p2pkit.core;
    requires transitive io.p2pkit.kad;
    requires transitive io.p2pkit.pubsub;
    requires transitive io.p2pkit.nat;
    requires transitive io.p2pkit.discovery;
    requires transitive io.p2pkit.ipfs;
    requires io.p2pkit.quic;
    requires io.p2pkit.websocket;
    requires transitive io.p2pkit.webrtc; // NodeConfig.WebRtc holds its TurnServer
    requires io.p2pkit.webtransport;
    requires info.picocli;
    requires jdk.httpserver;    // the metrics endpoint
    requires org.eclipse.jetty.server; // the RPC API and the gateway
    requires org.eclipse.jetty.client; // the CLI's client of a running daemon (it reads trailers)
    requires java.logging;             // to quiet Jetty, which logs through SLF4J to java.util.logging
    requires java.net.http;            // the Delegated Routing V1 HTTP client
    requires java.management;          // diag/sys counts the live threads
    requires jdk.management;           // diag/profile: thread dumps with virtual threads, heap dumps
    requires jdk.jfr;                  // diag/profile: the sampling collectors record with Flight Recorder
    requires com.sun.jna;              // FUSE mounts: libc's mount(2) and /dev/fuse

    exports io.p2pkit.node;
    exports io.p2pkit.node.config;
    exports io.p2pkit.node.exchange;
    exports io.p2pkit.node.dnslink;
    // JNA makes the proxy of the libc interface FUSE mounts call
    exports io.p2pkit.node.fuse to com.sun.jna;

    // picocli reads the commands' annotated fields and sets them reflectively
    opens io.p2pkit.node.cli to info.picocli;
    opens io.p2pkit.node.cli.command to info.picocli;
    opens io.p2pkit.node.cli.options to info.picocli;
    opens io.p2pkit.node.cli.command.block to info.picocli;
    opens io.p2pkit.node.cli.command.cid to info.picocli;
    opens io.p2pkit.node.cli.command.dag to info.picocli;
    opens io.p2pkit.node.cli.command.files to info.picocli;
    opens io.p2pkit.node.cli.command.multibase to info.picocli;
    opens io.p2pkit.node.cli.command.pin to info.picocli;
    opens io.p2pkit.node.cli.command.repo to info.picocli;
}
