package io.p2pkit.core.swarm;

import io.p2pkit.testing.Await;
import io.p2pkit.testing.Prerequisites;
import io.p2pkit.testing.netns.BridgedLan;
import io.p2pkit.testing.netns.NetnsProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real TCP simultaneous open between two hosts dialing each other from their listening ports
 * (port reuse), made certain rather than left to a race: in a network namespace of its own,
 * nftables drops every SYN on loopback until both dials wait in SYN-SENT, then lets them pass, so
 * the retransmitted SYNs meet two sockets that are both dialing and TCP joins them into one
 * connection. Both handshakes fail on it (each end is the initiator); the swarm redials from an
 * ephemeral port and both hosts end up connected and ping each other.
 */
class SimultaneousOpenNetnsTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    @Timeout(180)
    void crossedDialsConnectOverNoise() throws Exception {
        crossDials("noise");
    }

    @Test
    @Timeout(180)
    void crossedDialsConnectOverTls() throws Exception {
        crossDials("tls");
    }

    private static void crossDials(String security) throws Exception {
        BridgedLan.require();
        Prerequisites.program("nft", "Debian: apt-get install nftables");
        Prerequisites.program("ss", "Debian: apt-get install iproute2");
        try (BridgedLan lan = BridgedLan.start(1)) {
            run(lan, "nft", "add", "table", "inet", "simopen");
            run(lan, "nft", "add", "chain", "inet", "simopen", "out",
                    "{ type filter hook output priority 0; policy accept; }");
            run(lan, "nft", "add", "rule", "inet", "simopen", "out", "oifname", "lo", "tcp", "flags", "syn", "/",
                    "syn,ack", "drop");
            NetnsProcess pair = lan.start(1,
                    BridgedLan.javaCommand(SimultaneousOpenPair.class.getName(), List.of(security)));
            pair.awaitOutput("dialing", WAIT);
            awaitSynSent(lan, 2, WAIT);
            run(lan, "nft", "delete", "table", "inet", "simopen");
            pair.awaitOutput("done", WAIT);
            String out = pair.output();
            assertTrue(out.contains("connected a") && out.contains("connected b"), out);
            assertTrue(out.contains("pinged a") && out.contains("pinged b"), out);
            // each crossed dial failed its handshake once and was redialed: the simultaneous open did happen
            assertTrue(out.contains("redials a=1 b=1"), out);
            assertEquals(0, pair.waitFor(WAIT), out);
        }
    }

    /** Waits until {@code count} sockets of the namespace wait for an answer to their SYN. */
    private static void awaitSynSent(BridgedLan lan, int count, Duration timeout) {
        Await.until(count + " dials in SYN-SENT", () -> synSent(lan) >= count, timeout);
    }

    private static long synSent(BridgedLan lan) {
        try {
            NetnsProcess ss = lan.start(1, List.of("ss", "-Htn", "state", "syn-sent"));
            assertEquals(0, ss.waitFor(WAIT), ss.output());
            return ss.output().lines().filter(l -> !l.isBlank()).count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while reading ss", e);
        }
    }

    private static void run(BridgedLan lan, String... command) throws IOException, InterruptedException {
        NetnsProcess p = lan.start(1, List.of(command));
        assertEquals(0, p.waitFor(WAIT), String.join(" ", command) + ":\n" + p.output());
    }
}
