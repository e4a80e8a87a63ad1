package io.p2pkit.interop;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.network.DialException;
import io.p2pkit.core.ping.PingService;
import io.p2pkit.core.pnet.PreSharedKey;
import io.p2pkit.core.pnet.PrivateNetworkException;
import io.p2pkit.node.cli.Console;
import io.p2pkit.node.cli.Main;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.p2pkit.interop.P2pkitInteropTest.ECHO;
import static io.p2pkit.interop.P2pkitInteropTest.STEP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Private networks (PSK v1) against go-libp2p ({@code libp2p.PrivateNetwork}, the go peer's
 * {@code --swarm-key}) and a Kubo 0.39 private swarm ({@code swarm.key} in its repository and
 * {@code LIBP2P_FORCE_PNET=1}), over TCP with Noise and yamux: the same key connects both ways and
 * carries ping, echo and Bitswap; another key, or none, is refused on both sides.
 */
@InteropArea("Private network (pnet, TCP)")
class PnetInteropTest {
    private static final PreSharedKey KEY = PreSharedKey.generate();
    private static final PreSharedKey OTHER = PreSharedKey.generate();
    private static final String CONTENT = "a file added on p2pkit, fetched by Kubo inside a private swarm\n";

    @TempDir
    static Path dir;
    static Path keyFile;
    static Path otherKeyFile;

    @BeforeAll
    static void keys() throws IOException {
        keyFile = dir.resolve("swarm.key");
        Files.write(keyFile, KEY.encode());
        otherKeyFile = dir.resolve("other.key");
        Files.write(otherKeyFile, OTHER.encode());
    }

    private static Host host(PreSharedKey key, boolean listen) throws IOException {
        var b = Host.builder().security("noise").muxers("yamux").agentVersion("p2pkit/interop").privateNetwork(key);
        if (listen) {
            b.listen("/ip4/127.0.0.1/tcp/0");
        }
        Host h = b.build();
        h.setStreamHandler(ECHO, s -> s.in().transferTo(s.out()));
        return h;
    }

    private static PeerProcess goListener(Path key) {
        return PeerProcess.start(Implementation.GO, Toolchains.require(Implementation.GO),
                List.of("--listen", "/ip4/127.0.0.1/tcp/0", "--security", "noise", "--muxer", "yamux",
                        "--swarm-key", key.toString()));
    }

    private static PeerProcess goDialer(Host target, Path key) {
        Multiaddr addr = target.addresses().getFirst().encapsulate("/p2p/" + target.peerId());
        return PeerProcess.start(Implementation.GO, Toolchains.require(Implementation.GO),
                List.of("--dial", addr.toString(), "--security", "noise", "--muxer", "yamux", "--echo-bytes",
                        Integer.toString(64 * 1024), "--streams", "4", "--swarm-key", key.toString()));
    }

    private static PeerInfo tcpAddress(PeerProcess ready) {
        PeerEvent e = ready.awaitEvent("ready", STEP);
        return PeerInfo.parse(e.strings("addrs").stream().filter(a -> a.contains("/tcp/") && !a.contains("/ws"))
                .findFirst().orElseThrow(() -> new AssertionError("no TCP address in " + e.strings("addrs"))));
    }

    @Test
    @DisplayName("p2pkit dials go-libp2p with the same key: ping and echo")
    void p2pkitDialsGo() throws Exception {
        try (PeerProcess go = goListener(keyFile); Host host = host(KEY, false)) {
            PeerInfo target = tcpAddress(go);
            Connection c = host.connect(target);
            assertEquals("/noise", c.security());
            assertTrue(host.service(PingService.class).orElseThrow().ping(target).toNanos() > 0);
            P2pkitInteropTest.echo(host, target.peerId(), 256 * 1024, 1);
        }
    }

    @Test
    @DisplayName("go-libp2p dials p2pkit with the same key: ping, echo and streams")
    void goDialsP2pkit() throws Exception {
        try (Host host = host(KEY, true); PeerProcess go = goDialer(host, keyFile)) {
            assertEquals(host.peerId().toString(), go.awaitEvent("connected", STEP).string("peerId"));
            go.awaitEvent("ping", STEP).pingRoundTrip(STEP);
            assertTrue(go.awaitEvent("echo", STEP).bool("ok"));
            assertEquals(4, go.awaitEvent("streams", STEP).number("count").intValue());
            go.awaitEvent("done", STEP);
            assertEquals(0, go.awaitExit(STEP));
        }
    }

    @Test
    @DisplayName("p2pkit dials go-libp2p with another key: refused, with a private network error")
    void p2pkitDialsGoWithAnotherKey() throws Exception {
        try (PeerProcess go = goListener(otherKeyFile); Host host = host(KEY, false)) {
            PeerInfo target = tcpAddress(go);
            DialException e = assertThrows(DialException.class, () -> host.connect(target));
            assertTrue(e.causes().values().stream().anyMatch(PrivateNetworkException.class::isInstance), e.toString());
            assertTrue(host.network().connections(target.peerId()).isEmpty());
        }
    }

    @Test
    @DisplayName("go-libp2p dials p2pkit with another key: refused, and p2pkit goes on")
    void goDialsP2pkitWithAnotherKey() throws Exception {
        try (Host host = host(KEY, true)) {
            try (PeerProcess go = goDialer(host, otherKeyFile)) {
                PeerProcess.PeerFailure f = assertThrows(PeerProcess.PeerFailure.class,
                        () -> go.awaitEvent("connected", STEP));
                assertTrue(f.getMessage().contains("connect") || f.getMessage().contains("exit"), f.getMessage());
            }
            assertTrue(host.network().connections().isEmpty(), host.network().connections().toString());
            // the same host still takes a peer with the key
            try (PeerProcess go = goDialer(host, keyFile)) {
                go.awaitEvent("ping", STEP).pingRoundTrip(STEP);
            }
        }
    }

    // ---- Kubo's private swarm

    private static KuboDaemon kubo;
    private static Path p2pkitRepo;
    private static String cid;

    @BeforeAll
    static void kuboAndContent() throws IOException {
        kubo = KuboDaemon.start(Toolchains.requireKubo(), List.of(List.of("config", "Routing.Type", "none")),
                Map.of("swarm.key", KEY.encode()), Map.of(PreSharedKey.FORCE_ENV, "1"));
        p2pkitRepo = dir.resolve("p2pkit-repo");
        p2pkit(List.of("init", "--repo-dir", p2pkitRepo.toString()));
        Path file = dir.resolve("file.txt");
        Files.writeString(file, CONTENT);
        cid = p2pkit(List.of("add", "-Q", "--repo-dir", p2pkitRepo.toString(), file.toString())).strip();
    }

    @AfterAll
    static void stopKubo() throws IOException {
        if (kubo != null) {
            kubo.close();
        }
    }

    private static String p2pkit(List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = new Main().run(args, new Console(new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertEquals(0, status, args + ": " + err.toString(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    /** A {@code p2pkit daemon} process on {@link #p2pkitRepo} (its swarm.key or --swarm-key), printing JSON events. */
    private static PeerProcess daemon(List<String> extra) {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "daemon", "--json",
                "--listen", "/ip4/127.0.0.1/tcp/0", "--identity", dir.resolve("daemon-identity.key").toString(),
                "--repo-dir", p2pkitRepo.toString(), "--api", "off", "--gateway", "off", "--dht", "off",
                "--no-port-mapping", "--no-auto-relay", "--no-mdns"));
        cmd.addAll(extra);
        return PeerProcess.startProgram(Implementation.GO, cmd);
    }

    @Test
    @DisplayName("Kubo (swarm.key, LIBP2P_FORCE_PNET=1) connects to a p2pkit daemon (--swarm-key) and cats a file added on p2pkit")
    void kuboFetchesFromAP2pkitDaemon() throws Exception {
        assertTrue(kubo.output().stream().anyMatch(l -> l.equals("Swarm key fingerprint: " + KEY.fingerprintHex())),
                "Kubo prints the fingerprint p2pkit computes: " + kubo.output());
        try (PeerProcess daemon = daemon(List.of("--swarm-key", keyFile.toString()))) {
            PeerEvent ready = daemon.awaitEvent("ready", STEP);
            String addr = ready.strings("addrs").getFirst();
            assertTrue(ready.strings("addrs").stream().noneMatch(a -> a.contains("quic")), ready.toString());
            kubo.cli().run(List.of("swarm", "connect", addr));
            assertEquals(CONTENT, kubo.cli().run(List.of("--timeout=60s", "cat", cid)));
            kubo.cli().run(List.of("swarm", "disconnect", addr));
        }
    }

    @Test
    @DisplayName("a p2pkit daemon (swarm.key in its repository) connects to Kubo's private swarm")
    void p2pkitDaemonConnectsToKubo() throws Exception {
        Files.write(p2pkitRepo.resolve("swarm.key"), KEY.encode());
        try (PeerProcess daemon = daemon(List.of("--bootstrap", kubo.address()))) {
            String ours = daemon.awaitEvent("ready", STEP).string("peerId");
            assertEquals(kubo.peerId(), daemon.awaitEvent("connected", STEP).string("peerId"));
            Await.until("Kubo lists the p2pkit daemon among its peers", () -> {
                try {
                    return kubo.cli().run(List.of("swarm", "peers")).contains("/p2p/" + ours);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, STEP);
        } finally {
            Files.delete(p2pkitRepo.resolve("swarm.key"));
        }
    }

    @Test
    @DisplayName("a p2pkit node without the key, or with another, cannot connect to Kubo's private swarm")
    void outsidersCannotConnectToKubo() throws Exception {
        PeerInfo target = PeerInfo.fromMultiaddr(Multiaddr.parse(kubo.address()));
        for (PreSharedKey key : java.util.Arrays.asList(null, OTHER)) {
            try (Host host = host(key, false)) {
                DialException e = assertThrows(DialException.class, () -> host.connect(target));
                if (key != null) {
                    assertTrue(e.causes().values().stream().anyMatch(PrivateNetworkException.class::isInstance), e.toString());
                }
                assertTrue(host.network().connections(target.peerId()).isEmpty());
            }
        }
    }
}
