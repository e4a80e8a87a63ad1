package io.p2pkit.interop;

import io.p2pkit.testing.Prerequisites;
import io.p2pkit.testing.netns.BridgedLan;
import io.p2pkit.testing.netns.NetnsProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * mDNS discovery between p2pkit and go-libp2p 0.51 ({@code p2p/discovery/mdns}, zeroconf) and
 * rust-libp2p 0.57 (libp2p-mdns 0.49), on a LAN of two network namespaces joined by a bridge
 * ({@link BridgedLan}; nothing is sent on the machine's interfaces). In each case both sides run
 * mDNS; the case checks that one side found the other at its LAN address and pinged it over the
 * connection it made to that address, so discovery is proven by use, not by a packet seen.
 */
@InteropArea("mDNS discovery")
@Timeout(180)
class MdnsInteropTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Each case uses new ports: nothing of an earlier case is in the way. */
    private static final AtomicInteger NEXT_PORT = new AtomicInteger(4201);

    private static BridgedLan lan;

    @BeforeAll
    static void up() throws Exception {
        BridgedLan.require();
        lan = BridgedLan.start(2);
    }

    @AfterAll
    static void down() throws Exception {
        if (lan != null) {
            lan.close();
        }
    }

    @Test
    void goFindsP2pkitOverIpv4() throws Exception {
        theyFindP2pkit(Implementation.GO, false);
    }

    @Test
    void p2pkitFindsGoOverIpv4() throws Exception {
        p2pkitFindsThem(Implementation.GO, false);
    }

    @Test
    void rustFindsP2pkitOverIpv4() throws Exception {
        theyFindP2pkit(Implementation.RUST, false);
    }

    @Test
    void p2pkitFindsRustOverIpv4() throws Exception {
        p2pkitFindsThem(Implementation.RUST, false);
    }

    @Test
    void rustFindsP2pkitOverIpv6() throws Exception {
        theyFindP2pkit(Implementation.RUST, true);
    }

    @Test
    void p2pkitFindsRustOverIpv6() throws Exception {
        p2pkitFindsThem(Implementation.RUST, true);
    }

    @Test
    void goFindsP2pkitOverIpv6() throws Exception {
        theyFindP2pkit(Implementation.GO, true);
    }

    @Test
    void p2pkitFindsGoOverIpv6() throws Exception {
        p2pkitFindsThem(Implementation.GO, true);
    }

    @SuppressWarnings("try") // NetnsProcess.close() may be interrupted; the method throws that on
    /** p2pkit on h1, theirs on h2: they report p2pkit at h1's address and ping it. */
    private static void theyFindP2pkit(Implementation impl, boolean v6) throws Exception {
        int port = NEXT_PORT.getAndIncrement();
        try (NetnsProcess p2pkit = p2pkit(1, v6, port); NetnsProcess them = peer(impl, 2, v6, port)) {
            String id = NetnsEvents.await(p2pkit, "ready", e -> true, WAIT).string("peerId");
            NetnsEvents.await(them, "pinged", e -> e.string("peer").equals(id), WAIT);
            String at = (v6 ? "/ip6/" + BridgedLan.ipv6(1) : "/ip4/" + BridgedLan.ipv4(1)) + "/tcp/" + port;
            assertTrue(NetnsEvents.events(them).stream().anyMatch(e -> e.type().equals("discovered")
                    && e.string("peer").equals(id) && e.toString().contains(at)), () -> impl + " did not report " + at + ":\n" + them.output());
        }
    }

    @SuppressWarnings("try") // as above
    /** Theirs on h1, p2pkit on h2: p2pkit reports them at h1's address and pings them. */
    private static void p2pkitFindsThem(Implementation impl, boolean v6) throws Exception {
        int port = NEXT_PORT.getAndIncrement();
        try (NetnsProcess them = peer(impl, 1, v6, port); NetnsProcess p2pkit = p2pkit(2, v6, port)) {
            String id = NetnsEvents.await(them, "listening", e -> true, WAIT).string("peer");
            String at = (v6 ? "/ip6/" + BridgedLan.ipv6(1) : "/ip4/" + BridgedLan.ipv4(1)) + "/tcp/" + port;
            // rust answers once per interface address, each time with that address's listen addresses only
            NetnsEvents.await(p2pkit, "found", e -> e.string("peer").equals(id) && e.strings("addrs").contains(at), WAIT);
            NetnsEvents.await(p2pkit, "pinged", e -> e.string("peer").equals(id), WAIT);
        }
    }

    private static NetnsProcess p2pkit(int h, boolean v6, int port) throws Exception {
        return lan.start(h, BridgedLan.javaCommand(MdnsInteropNode.class.getName(),
                List.of(v6 ? "ipv6" : "ipv4", String.valueOf(port))));
    }

    private static NetnsProcess peer(Implementation impl, int h, boolean v6, int port) throws Exception {
        Path peers = Toolchains.require(impl);
        Path program = peers.resolve(impl == Implementation.GO ? "go" : "rust").resolve("mdns-peer");
        Prerequisites.require(Files.isExecutable(program), program + " is not built (peers/build.sh)");
        List<String> cmd = new ArrayList<>(List.of(program.toString(), "--listen",
                (v6 ? "/ip6/::/tcp/" : "/ip4/0.0.0.0/tcp/") + port));
        if (v6 && impl == Implementation.RUST) {
            cmd.add("--ipv6");
        }
        return lan.start(h, cmd);
    }
}
