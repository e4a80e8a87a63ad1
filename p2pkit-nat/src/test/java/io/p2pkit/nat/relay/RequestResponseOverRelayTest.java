package io.p2pkit.nat.relay;

import io.p2pkit.core.auth.AuthConfig;
import io.p2pkit.core.auth.KeyTrust;
import io.p2pkit.core.auth.PeerAuthorization;
import io.p2pkit.core.auth.ProtocolPolicy;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.LimitedConnections;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.network.LimitedConnectionException;
import io.p2pkit.core.reqres.Codec;
import io.p2pkit.core.reqres.RequestResponse;
import io.p2pkit.core.reqres.RequestResponseConfig;
import io.p2pkit.core.reqres.RequestResponseException;
import io.p2pkit.nat.LoopbackHosts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The request-response helper and peer authorization on a limited (relayed) connection: only when asked. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RequestResponseOverRelayTest {
    private static final String DIRECT_ONLY = "/test/rr-direct/1.0.0";
    private static final String ANYWHERE = "/test/rr-anywhere/1.0.0";
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final LoopbackHosts hosts = new LoopbackHosts();

    @AfterEach
    void closeHosts() {
        hosts.close();
    }

    @Test
    void runsOnLimitedConnectionsOnlyWhenAskedAndAuthRunsThere() throws Exception {
        Host r = hosts.relay(RelayConfig.defaults());
        Host a = hosts.host();
        RelayClient.attach(a);
        PrivateKey bKey = PrivateKey.generateEd25519();
        Host b = hosts.add(Host.builder().identity(bKey).listen("/ip4/127.0.0.1/tcp/0").build());
        RelayClient.attach(b);
        a.listen(RelayTest.circuit(r));

        var anywhere = RequestResponseConfig.defaults().withLimitedConnections(LimitedConnections.ALLOW);
        RequestResponse.attach(a, DIRECT_ONLY).serve((from, q) -> q);
        RequestResponse.attach(a, ANYWHERE, Codec.bytes(), Codec.bytes(), anywhere).serve((from, q) -> q);
        PeerAuthorization.attach(a, AuthConfig.trusting(KeyTrust.keys(List.of(bKey.publicKey()))))
                .setPolicy(ANYWHERE, ProtocolPolicy.allowByDefault().requireAuth());
        PeerAuthorization.attach(b, AuthConfig.trusting(KeyTrust.keys(List.of())));

        Connection c = b.connect(RelayTest.circuitTo(r, a));
        assertTrue(c.isLimited());
        byte[] hi = "hi".getBytes(UTF_8);
        // proved over the relayed connection (the auth exchange runs there too), then answered
        assertArrayEquals(hi, RequestResponse.attach(b, ANYWHERE, Codec.bytes(), Codec.bytes(), anywhere)
                .request(c, hi, WAIT));
        // a protocol that did not ask is neither sent nor served on it
        var direct = RequestResponse.attach(b, DIRECT_ONLY);
        assertThrows(LimitedConnectionException.class, () -> direct.request(c, hi, WAIT));
        var pushy = RequestResponse.attach(b, DIRECT_ONLY, Codec.bytes(), Codec.bytes(), anywhere);
        assertThrows(RequestResponseException.UnsupportedProtocol.class, () -> pushy.request(c, hi, WAIT));
    }
}
