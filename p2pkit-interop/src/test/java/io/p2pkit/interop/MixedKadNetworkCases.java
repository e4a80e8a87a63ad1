package io.p2pkit.interop;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.kad.FindPeerResult;
import io.p2pkit.kad.GetResult;
import io.p2pkit.kad.KadConfig;
import io.p2pkit.kad.KadDht;
import io.p2pkit.kad.ProvideResult;
import io.p2pkit.kad.record.IpnsRecord;
import io.p2pkit.kad.record.IpnsRecordSigner;
import io.p2pkit.kad.record.IpnsValidator;
import io.p2pkit.kad.record.PublicKeyValidator;
import io.p2pkit.testing.Prerequisites;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A mixed Kademlia network on loopback: two DHT servers of another implementation (the js
 * {@code peers/js/kad.mjs} or the go {@code peers/go-kad/peer}, which share one command contract)
 * and two p2pkit DHT servers, plus fresh nodes of either kind that know only one peer. Providers,
 * peer routing and {@code /pk/} and {@code /ipns/} records cross in both directions, and the other
 * nodes must keep p2pkit in their routing tables. Subclasses name the program.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class MixedKadNetworkCases {
    private static final Duration STEP = Duration.ofSeconds(60);

    private final List<PeerProcess> others = new ArrayList<>();
    private final List<Host> hosts = new ArrayList<>();
    private final List<KadDht> dhts = new ArrayList<>();
    private final List<PeerEvent> otherReady = new ArrayList<>();
    private Path peers;

    /** @return the implementation whose DHT program runs beside p2pkit */
    abstract Implementation implementation();

    /**
     * The command line of the other implementation's DHT program.
     *
     * @param peers the {@code peers/} directory
     * @return the program and its arguments, listening on loopback
     */
    abstract List<String> command(Path peers);

    /**
     * Whether that program has been built ({@code build.sh} writes a {@code .built} marker).
     *
     * @param peers the {@code peers/} directory
     * @return true when it can run
     */
    abstract boolean built(Path peers);

    @BeforeAll
    void network() throws Exception {
        Implementation impl = implementation();
        peers = Toolchains.require(impl);
        Prerequisites.require(built(peers), () -> "the " + impl.id() + " DHT peer is not built (see peers/build.sh's output)");
        for (int i = 0; i < 2; i++) {
            startOther();
        }
        for (int i = 0; i < 2; i++) {
            startP2pkit(List.of(otherInfo(0), otherInfo(1))).bootstrap();
        }
        connectOthers();
    }

    /**
     * The two other nodes dial each other. That is the other implementation's behaviour, not
     * p2pkit's, so a dial it reports as failed is said and tried once more.
     */
    private void connectOthers() {
        String connect = "{\"cmd\":\"connect\",\"addr\":\"" + otherAddr(0) + "\"}";
        try {
            command(others.get(1), connect, "connected");
        } catch (PeerProcess.CommandFailed f) {
            System.err.println(implementation().id() + " node 1 could not connect to node 0 (" + f.reason + "); trying once more");
            command(others.get(1), connect, "connected");
        }
    }

    @AfterAll
    void stop() {
        others.forEach(PeerProcess::close);
        hosts.forEach(Host::close);
    }

    private PeerProcess startOther() {
        PeerProcess p = PeerProcess.startProgram(implementation(), command(peers));
        others.add(p);
        otherReady.add(p.awaitEvent("ready", STEP));
        return p;
    }

    private String otherAddr(int i) {
        return otherReady.get(i).strings("addrs").get(0);
    }

    private PeerId otherId(int i) {
        return PeerId.parse(otherReady.get(i).string("peerId"));
    }

    private PeerInfo otherInfo(int i) {
        return PeerInfo.parse(otherAddr(i));
    }

    private KadDht startP2pkit(List<PeerInfo> bootstrap) throws Exception {
        Host h = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build();
        hosts.add(h);
        KadDht d = KadDht.attach(h, KadConfig.builder().bootstrap(bootstrap).periodicTasks(false).build());
        dhts.add(d);
        return d;
    }

    private static PeerEvent command(PeerProcess p, String json, String expect) {
        p.sendLine(json);
        return p.awaitEvent(expect, STEP);
    }

    private static String addr(Host h) {
        return h.addresses().get(0) + "/p2p/" + h.peerId();
    }

    private static byte[] key(String prefix, PeerId p) {
        return (prefix.equals("/pk/") ? PublicKeyValidator.keyFor(p) : IpnsValidator.keyFor(p));
    }

    /**
     * Waits until the other node has {@code peer} in its routing table. js adds peers from a queue fed
     * by identify, go after a FIND_NODE check it starts on identify,
     * so each miss is followed by a round trip (a dial of a live connection) before
     * asking again.
     */
    private void awaitInOtherTable(PeerProcess node, PeerId peer) {
        long deadline = System.nanoTime() + STEP.toNanos();
        while (true) {
            node.sendLine("{\"cmd\":\"in-table\",\"peerId\":\"" + peer + "\"}");
            if (node.awaitEvent("in-table", STEP).bool("present")) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "the other node never added " + peer);
            Host h = hosts.stream().filter(x -> x.peerId().equals(peer)).findFirst().orElseThrow();
            command(node, "{\"cmd\":\"connect\",\"addr\":\"" + addr(h) + "\"}", "connected");
        }
    }

    @Test
    @DisplayName("p2pkit is in the other's routing tables, and the other in p2pkit's")
    void p2pkitIsInTheOtherRoutingTables() throws Exception {
        for (int j = 0; j < 2; j++) {
            for (Host h : hosts.subList(0, 2)) {
                awaitInOtherTable(others.get(j), h.peerId());
            }
        }
        // And the other nodes are in p2pkit's.
        assertTrue(dhts.get(0).routingTable().contains(otherId(0)));
        assertTrue(dhts.get(1).routingTable().contains(otherId(1)));
    }

    @Test
    @DisplayName("p2pkit provides, the other finds the provider with its address")
    void p2pkitProvidesOtherFinds() throws Exception {
        Cid cid = Cid.v1(Multicodec.RAW, Multihash.digest(Multicodec.SHA2_256, "p2pkit provides".getBytes(StandardCharsets.UTF_8)));
        ProvideResult r = dhts.get(0).provide(cid.multihash().bytes());
        assertTrue(r.peers() >= 2, "provided to " + r.peers());
        PeerProcess finder = others.get(1);
        finder.sendLine("{\"cmd\":\"findprovs\",\"cid\":\"" + cid + "\",\"count\":1}");
        PeerEvent p = finder.awaitEvent("provider", STEP);
        assertEquals(hosts.get(0).peerId().toString(), p.string("peerId"));
        assertTrue(p.strings("addrs").contains(hosts.get(0).addresses().get(0).toString()), p.toString());
        finder.awaitEvent("findprovs-done", STEP);
    }

    @Test
    @DisplayName("p2pkit sweeps many keys region by region, the other finds the provider of each")
    void p2pkitSweepsOtherFinds() throws Exception {
        List<Cid> cids = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            cids.add(Cid.v1(Multicodec.RAW, Multihash.digest(Multicodec.SHA2_256,
                    ("p2pkit sweeps " + i).getBytes(StandardCharsets.UTF_8))));
        }
        io.p2pkit.kad.SweepResult r = dhts.get(0).provideSweep(cids.stream().map(c -> c.multihash().bytes()).toList(),
                4, 20);
        assertEquals(0, r.unplaced(), r.toString());
        assertTrue(r.lookups() < cids.size(), r.toString());
        // an ADD_PROVIDER has no reply; a lookup's requests go on the same streams after them, so
        // once it has asked every node, every node has read the records
        dhts.get(0).getClosestPeers("after the sweep".getBytes(StandardCharsets.UTF_8));
        PeerProcess finder = others.get(1);
        for (Cid cid : List.of(cids.get(0), cids.get(17), cids.get(33), cids.get(59))) {
            finder.sendLine("{\"cmd\":\"findprovs\",\"cid\":\"" + cid + "\",\"count\":1}");
            PeerEvent p = finder.awaitEvent("provider", STEP);
            assertEquals(hosts.get(0).peerId().toString(), p.string("peerId"), cid.toString());
            finder.awaitEvent("findprovs-done", STEP);
        }
    }

    @Test
    @DisplayName("the other provides, p2pkit finds")
    void otherProvidesP2pkitFinds() throws Exception {
        Cid cid = Cid.v1(Multicodec.RAW, Multihash.digest(Multicodec.SHA2_256, (implementation().id() + " provides").getBytes(StandardCharsets.UTF_8)));
        command(others.get(0), "{\"cmd\":\"provide\",\"cid\":\"" + cid + "\"}", "provided");
        List<PeerInfo> found = new CopyOnWriteArrayList<>();
        dhts.get(1).findProviders(cid.multihash().bytes(), 1, found::add);
        assertEquals(1, found.size());
        assertEquals(otherId(0), found.get(0).peerId());
        assertTrue(found.get(0).addresses().contains(Multiaddr.parse(otherAddr(0)).withoutPeerId()), found.toString());
    }

    @Test
    @DisplayName("find-peer: a fresh p2pkit node finds the other's node through it")
    void p2pkitFindsAnOtherPeerThroughIt() throws Exception {
        // A fresh p2pkit node that knows only other node 0 looks up other node 1.
        KadDht fresh = startP2pkit(List.of(otherInfo(0)));
        assertEquals(1, fresh.connectBootstrapPeers());
        Host freshHost = hosts.get(hosts.size() - 1);
        assertTrue(freshHost.network().connection(otherId(1)).isEmpty());
        FindPeerResult r = fresh.findPeer(otherId(1));
        assertTrue(r.peer().isPresent(), r.toString());
        assertTrue(r.peer().get().addresses().contains(Multiaddr.parse(otherAddr(1)).withoutPeerId()), r.toString());
    }

    @Test
    @DisplayName("find-peer: a fresh node of the other finds a p2pkit node through p2pkit")
    void otherFindsAP2pkitPeerThroughP2pkit() {
        PeerProcess fresh = startOther();
        command(fresh, "{\"cmd\":\"connect\",\"addr\":\"" + addr(hosts.get(0)) + "\"}", "connected");
        awaitInOtherTable(fresh, hosts.get(0).peerId());
        fresh.sendLine("{\"cmd\":\"findpeer\",\"peerId\":\"" + hosts.get(1).peerId() + "\"}");
        PeerEvent e;
        try {
            e = fresh.awaitEvent("peer", STEP);
        } catch (PeerProcess.PeerFailure f) {
            throw new AssertionError(f.getMessage() + "; events: " + fresh.events(), f);
        }
        assertTrue(e.strings("addrs").contains(hosts.get(1).addresses().get(0).toString()), e.toString());
    }

    @Test
    @DisplayName("/pk/ records put by either side, got by the other")
    void publicKeyRecordsBothWays() throws Exception {
        PrivateKey a = PrivateKey.generateEd25519();
        PeerId aId = a.publicKey().toPeerId();
        assertTrue(dhts.get(0).putValue(key("/pk/", aId), a.publicKey().marshal()).peers() >= 2);
        others.get(1).sendLine("{\"cmd\":\"get\",\"key\":\"/pk/" + aId + "\"}");
        assertEquals(Base64.getEncoder().encodeToString(a.publicKey().marshal()), others.get(1).awaitEvent("value", STEP).string("value"));

        PrivateKey b = PrivateKey.generate(io.p2pkit.core.crypto.KeyType.SECP256K1);
        PeerId bId = b.publicKey().toPeerId();
        command(others.get(0), "{\"cmd\":\"put\",\"key\":\"/pk/" + bId + "\",\"value\":\""
                + Base64.getEncoder().encodeToString(b.publicKey().marshal()) + "\"}", "put-done");
        GetResult got = dhts.get(1).getValue(key("/pk/", bId), 1);
        assertArrayEquals(b.publicKey().marshal(), got.value().orElseThrow());
    }

    @Test
    @DisplayName("/ipns/ records put by either side (its own signer), got and validated by the other")
    void ipnsRecordsBothWays() throws Exception {
        command(others.get(0), "{\"cmd\":\"put-ipns\",\"value\":\"/ipfs/bafkqaaa\",\"seq\":5}", "put-done");
        GetResult got = dhts.get(1).getValue(key("/ipns/", otherId(0)), 1);
        IpnsRecord r = IpnsRecord.decode(got.value().orElseThrow());
        assertEquals("/ipfs/bafkqaaa", r.valueText());
        assertEquals(5, r.sequence());

        Host h = hosts.get(0);
        byte[] record = IpnsRecordSigner.sign(h.identity(), "/ipfs/bafkqaaa", 7,
                Instant.now().plus(Duration.ofHours(24)), Duration.ofMinutes(5));
        assertTrue(dhts.get(0).putValue(key("/ipns/", h.peerId()), record).peers() >= 2);
        others.get(1).sendLine("{\"cmd\":\"get\",\"key\":\"/ipns/" + h.peerId() + "\"}");
        assertEquals(Base64.getEncoder().encodeToString(record), others.get(1).awaitEvent("value", STEP).string("value"));
    }
}
