package io.p2pkit.node.cli;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.kad.KadConfig;
import io.p2pkit.kad.KadDht;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code p2pkit routing …} against three in-JVM DHT servers on loopback TCP. */
class RoutingCommandTest {
    private static final List<Host> hosts = new ArrayList<>();
    private static final List<KadDht> dhts = new ArrayList<>();

    @BeforeAll
    static void startServers() throws Exception {
        for (int i = 0; i < 3; i++) {
            Host h = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build();
            hosts.add(h);
            KadConfig.Builder b = KadConfig.builder().periodicTasks(false);
            if (i > 0) {
                b.bootstrap(List.of(new io.p2pkit.core.host.PeerInfo(hosts.get(0).peerId(), hosts.get(0).addresses())));
            }
            KadDht d = KadDht.attach(h, b.build());
            d.bootstrap();
            dhts.add(d);
        }
    }

    @AfterAll
    static void stop() {
        hosts.forEach(Host::close);
    }

    private static String boot(int i) {
        return hosts.get(i).addresses().get(0) + "/p2p/" + hosts.get(i).peerId();
    }

    @Test
    void provideThenFindprovs() {
        Cid cid = Cid.v1(Multicodec.RAW, Multihash.digest(Multicodec.SHA2_256, "cli".getBytes()));
        CliRunner p = CliRunner.run("routing", "provide", cid.toString(), "--bootstrap", boot(1), "--json");
        assertEquals(0, p.status(), p.err());
        assertEquals("{\"event\":\"provided\",\"peers\":3}", p.out().strip());
        // ADD_PROVIDER has no reply: the servers store the record just after the provider is done.
        // Wait until a server has it (the condition, with a generous deadline for a loaded machine;
        // a lookup among three servers reaches every one), then ask once, rather than racing them
        // against a fixed retry window.
        byte[] key = cid.multihash().bytes();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
        while (dhts.stream().allMatch(d -> d.providerStore().providers(key).isEmpty())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the servers never stored the provider record");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
        }
        CliRunner f = CliRunner.run("routing", "findprovs", cid.toString(), "--bootstrap", boot(2), "--json");
        assertEquals(0, f.status(), "findprovs: " + f.err() + f.out());
        assertTrue(f.out().startsWith("{\"event\":\"provider\",\"peerId\":\""), f.out());
        assertTrue(f.out().contains("\"addrs\":[\"/ip4/127.0.0.1/tcp/"), f.out());
    }

    @Test
    void findprovsSaysWhenNobodyProvides() {
        Cid cid = Cid.v1(Multicodec.RAW, Multihash.digest(Multicodec.SHA2_256, "nobody provides this".getBytes()));
        CliRunner f = CliRunner.run("routing", "findprovs", cid.toString(), "--bootstrap", boot(0), "--timeout", "5s");
        assertEquals(1, f.status(), f.out());
        assertTrue(f.err().contains("no provider found for " + cid), f.err());
    }

    @Test
    void findpeer() {
        CliRunner r = CliRunner.run("routing", "findpeer", hosts.get(2).peerId().toString(), "--bootstrap", boot(0), "--json");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith("{\"event\":\"peer\",\"peerId\":\"" + hosts.get(2).peerId() + "\",\"addrs\":[\"/ip4/127.0.0.1/"), r.out());
    }

    @Test
    void putThenGetPublicKey(@TempDir Path dir) throws Exception {
        PrivateKey k = PrivateKey.generateEd25519();
        Path file = dir.resolve("pk");
        Files.write(file, k.publicKey().marshal());
        String key = "/pk/" + k.publicKey().toPeerId();
        CliRunner put = CliRunner.run("routing", "put", key, file.toString(), "--bootstrap", boot(0), "--json");
        assertEquals(0, put.status(), put.err());
        assertEquals("{\"event\":\"put\",\"peers\":3}", put.out().strip());
        CliRunner get = CliRunner.run("routing", "get", key, "--bootstrap", boot(2), "--json");
        assertEquals(0, get.status(), get.err());
        assertTrue(get.out().contains("\"value\":\"" + Base64.getEncoder().encodeToString(k.publicKey().marshal()) + "\""), get.out());
    }

    @Test
    void usageErrors() {
        assertEquals(2, CliRunner.run("routing", "findprovs", "notacid", "--bootstrap", boot(0)).status());
        assertEquals(2, CliRunner.run("routing", "get", "/x/y", "--bootstrap", boot(0)).status());
        assertEquals(2, CliRunner.run("routing", "frobnicate", "x", "--bootstrap", boot(0)).status());
        assertEquals(2, CliRunner.run("routing", "findpeer", hosts.get(0).peerId().toString()).status());
    }
}
