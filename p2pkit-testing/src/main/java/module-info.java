/**
 * Helpers shared by every module's tests: deadlines ({@code Await}), a manual scheduler and clock, seeded
 * randomness, the official test vectors, real servers for tests (dnsmasq, coturn, a DNS-over-HTTPS relay), a NAT testbed in
 * network namespaces ({@code netns}), a test CA, and {@code Prerequisites} for what a test needs
 * from the machine. Test scope only.
 */
module io.p2pkit.testing {
    requires transitive org.junit.jupiter.api;
    requires transitive org.junit.platform.launcher;
    requires org.bouncycastle.provider;
    requires org.bouncycastle.pkix;
    requires jdk.httpserver; // DohRelay

    exports io.p2pkit.testing;
    exports io.p2pkit.testing.netns;

    // Names every test skipped at the end of a run (also registered in META-INF/services for the class path).
    provides org.junit.platform.launcher.TestExecutionListener with io.p2pkit.testing.SkipSummary;
}
