package io.p2pkit.nat.relay;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.LimitedConnections;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.host.Stream;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.network.LimitedConnectionException;
import io.p2pkit.core.version.ProtocolFamily;
import io.p2pkit.nat.LoopbackHosts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A versioned protocol's matcher on a limited (relayed) connection follows its registration's choice. */
class LimitedVersionsTest {
    private static final ProtocolFamily ALLOWED = ProtocolFamily.of("/v/relayed", "1.4.2", 1);
    private static final ProtocolFamily DIRECT = ProtocolFamily.of("/v/direct", "1.4.2", 1);

    private final LoopbackHosts hosts = new LoopbackHosts();

    @AfterEach
    void closeHosts() {
        hosts.close();
    }

    private static String ask(Stream s) throws IOException {
        try (s) {
            s.closeWrite();
            return new String(s.in().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void onlyFamiliesServedOnLimitedConnectionsAnswerThere() throws Exception {
        Host r = hosts.relay(RelayConfig.defaults());
        // A listens only through the relay, so B has nothing but the limited connection
        Host a = hosts.add(Host.builder().build());
        RelayClient.attach(a);
        ALLOWED.serve(a, s -> s.out().write(ALLOWED.version(s).toString().getBytes(StandardCharsets.UTF_8)),
                LimitedConnections.ALLOW);
        DIRECT.serve(a, s -> s.out().write(DIRECT.version(s).toString().getBytes(StandardCharsets.UTF_8)));
        a.listen(RelayTest.circuit(r));
        Host b = hosts.host();
        RelayClient.attach(b);
        Connection c = b.connect(RelayTest.circuitTo(r, a));
        assertTrue(c.isLimited());

        // a lower minor through the matcher, on the relayed connection
        assertEquals("1.2.0", ask(b.newStream(c, LimitedConnections.ALLOW, "/v/relayed/1.2.0")));
        assertEquals("1.4.2", ask(ALLOWED.newStream(b, new PeerInfo(a.peerId(), List.of()), LimitedConnections.ALLOW)));
        // the other family did not opt in: refused on the relayed connection, exact ID and matched one alike
        for (String id : List.of("/v/direct/1.4.2", "/v/direct/1.2.0")) {
            assertThrows(IOException.class, () -> ask(b.newStream(c, LimitedConnections.ALLOW, id)), id);
        }
        assertThrows(LimitedConnectionException.class, () -> DIRECT.newStream(b, a.peerId()));
    }
}
