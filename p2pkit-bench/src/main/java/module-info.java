/**
 * p2pkit's benchmarks: JMH microbenchmarks ({@code scripts/bench}) and the perf runner
 * ({@code scripts/bench-perf}). A tool, not a library: it exports nothing, and the scripts run it on
 * the class path.
 */
@SuppressWarnings("requires-automatic") // jmh-core has no module name of its own: "jmh.core" comes from its file name
module io.p2pkit.bench {
    requires io.p2pkit.core;
    requires jmh.core;
    requires java.management;   // the connection benchmarks count file descriptors and heap
    requires jdk.management;
    requires jdk.jfr;           // CipherProfile reads flight recordings
    requires io.p2pkit.ipfs;
    requires io.p2pkit.quic;
    requires tech.kwik.core;    // QuicSideBySide: kwik beside Netty's quiche
    requires org.bouncycastle.provider; // HandshakeCryptoCost compares its ECDSA and X25519 with the JDK's
}
