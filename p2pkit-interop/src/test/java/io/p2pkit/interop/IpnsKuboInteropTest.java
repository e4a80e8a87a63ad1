package io.p2pkit.interop;

import io.p2pkit.core.host.Host;
import io.p2pkit.kad.KadConfig;
import io.p2pkit.kad.KadDht;
import io.p2pkit.kad.Mode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * IPNS between p2pkit and a Kubo 0.39 daemon over a DHT of two: a p2pkit node in DHT server mode
 * and Kubo ({@code Routing.Type dht}) connected to it. A name published with {@code p2pkit name
 * publish} resolves with {@code ipfs name resolve}, and a name published with {@code ipfs name
 * publish} resolves with {@code p2pkit name resolve}.
 *
 * <p>On loopback this is Kubo's LAN DHT ({@code /ipfs/lan/kad/1.0.0}): its WAN DHT keeps peers with
 * public addresses only, so the p2pkit server and the commands use the protocol prefix
 * {@code /ipfs/lan}, as any p2pkit node on a LAN can.
 */
@InteropArea("IPNS against Kubo 0.39")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class IpnsKuboInteropTest {
    private static final String FIRST = "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4";
    private static KuboDaemon kubo;
    private static final String LAN = "/ipfs/lan";
    private static Host host;
    private static KadDht dht;
    private static String nodeAddress;
    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws IOException {
        kubo = KuboDaemon.start(Toolchains.requireKubo(), "dht");
        host = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build();
        dht = KadDht.attach(host, KadConfig.builder().mode(Mode.SERVER).protocolPrefix(LAN).build());
        nodeAddress = host.addresses().get(0) + "/p2p/" + host.peerId();
        kubo.cli().run(List.of("swarm", "connect", nodeAddress));
        p2pkit("init", "--repo-dir", dir.resolve("repo").toString(), "--profile", "test");
    }

    @AfterAll
    static void stop() throws IOException {
        if (dht != null) {
            dht.close();
        }
        if (host != null) {
            host.close();
        }
        if (kubo != null) {
            kubo.close();
        }
    }

    private static String p2pkit(String... argv) {
        return P2pkitCli.ok(argv);
    }

    @Test
    void aNamePublishedByP2pkitResolvesInKubo() throws Exception {
        String repo = dir.resolve("repo").toString();
        String name = p2pkit("key", "gen", "--repo-dir", repo, "to-kubo");
        assertEquals("Published to " + name + ": /ipfs/" + FIRST,
                p2pkit("name", "publish", "--repo-dir", repo, "--bootstrap", nodeAddress, "--protocol-prefix", LAN,
                        "--key", "to-kubo", FIRST));
        assertEquals("/ipfs/" + FIRST, kubo.cli().runUntilSuccess(List.of("--timeout=20s", "name", "resolve", "/ipns/" + name), Duration.ofSeconds(60)).strip());
    }

    @Test
    void aNamePublishedByKuboResolvesInP2pkit() throws Exception {
        String kuboName = kubo.cli().run(List.of("key", "gen", "--ipns-base", "base36", "to-p2pkit")).strip();
        // --resolve=false: Kubo would otherwise fetch the CID first, which nobody has here
        String published = kubo.cli().runUntilSuccess(List.of("--timeout=30s", "name", "publish", "--resolve=false", "--key",
                "to-p2pkit", "--ipns-base", "base36", "/ipfs/" + FIRST), Duration.ofSeconds(60)).strip();
        assertTrue(published.contains(kuboName), published);
        assertEquals("/ipfs/" + FIRST, p2pkit("name", "resolve", "--repo-dir", dir.resolve("repo").toString(),
                "--bootstrap", nodeAddress, "--protocol-prefix", LAN, kuboName));

        // name get (Kubo 0.40's) gives Kubo's record as Kubo's routing get does; name put takes it back in, checked
        String got = p2pkit("name", "get", "--bootstrap", nodeAddress, "--protocol-prefix", LAN, "--json", kuboName);
        byte[] record = java.util.Base64.getDecoder().decode(got.substring(got.indexOf("\"Record\":\"") + 10,
                got.lastIndexOf('"')));
        assertArrayEquals(kubo.cli().runBytes(List.of("routing", "get", "/ipns/" + kuboName)), record);
        java.nio.file.Path file = dir.resolve("kubo.ipns");
        java.nio.file.Files.write(file, record);
        assertEquals(kuboName, p2pkit("name", "put", "--bootstrap", nodeAddress, "--protocol-prefix", LAN, kuboName,
                file.toString()));
    }
}
