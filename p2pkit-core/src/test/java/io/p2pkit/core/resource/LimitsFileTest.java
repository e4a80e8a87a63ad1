package io.p2pkit.core.resource;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LimitsFileTest {
    private final PeerId peer = PrivateKey.generateEd25519().publicKey().toPeerId();

    @Test
    void overridesTheBaseLimitByLimit(@TempDir Path dir) throws Exception {
        ResourceManagerConfig base = ResourceManagerConfig.scaled(1L << 30, 4096);
        String text = """
                # comments and blank lines are fine

                system.connections.inbound = 300
                system.memory = 2GiB
                transient.fd: 10
                peer.streams = unlimited
                peer[%s].connections = 32
                protocol[/ipfs/ping/1.0.0].streams.inbound = 16
                protocol.memory = 8MiB
                service[identify].streams = 128
                connection.memory = 1_048_576
                stream.memory = 4KiB
                allowlisted-system.connections = 64
                allowlisted-transient.connections.outbound = 7
                allowlist.networks = 10.0.0.0/8, 192.168.1.0/24@%s
                allowlist.peers = %s
                """.formatted(peer, peer, peer);
        Path file = dir.resolve("limits.properties");
        Files.writeString(file, text);
        ResourceManagerConfig c = LimitsFile.read(file, base);
        assertEquals(300, c.system().limit(Resource.INBOUND_CONNECTIONS));
        assertEquals(base.system().limit(Resource.OUTBOUND_CONNECTIONS), c.system().limit(Resource.OUTBOUND_CONNECTIONS),
                "what the file does not name keeps the base value");
        assertEquals(2L << 30, c.system().limit(Resource.MEMORY));
        assertEquals(10, c.transientLimits().limit(Resource.FILE_DESCRIPTORS));
        assertEquals(Long.MAX_VALUE, c.peerDefault().limit(Resource.STREAMS));
        assertEquals(32, c.peer(peer).limit(Resource.CONNECTIONS));
        assertEquals(Long.MAX_VALUE, c.peer(peer).limit(Resource.STREAMS), "a peer override starts from the default");
        assertEquals(16, c.protocol("/ipfs/ping/1.0.0").limit(Resource.INBOUND_STREAMS));
        assertEquals(8L << 20, c.protocolDefault().limit(Resource.MEMORY));
        assertEquals(128, c.service("identify").limit(Resource.STREAMS));
        assertEquals(1 << 20, c.connection().limit(Resource.MEMORY));
        assertEquals(4096, c.stream().limit(Resource.MEMORY));
        assertEquals(64, c.allowlistedSystem().limit(Resource.CONNECTIONS));
        assertEquals(7, c.allowlistedTransient().limit(Resource.OUTBOUND_CONNECTIONS));
        assertTrue(c.allowList().allowsAddress(Multiaddr.parse("/ip4/10.9.9.9/tcp/1")));
        assertTrue(c.allowList().allows(Multiaddr.parse("/ip4/192.168.1.9/tcp/1"), peer));
        assertTrue(c.allowList().allowsPeer(peer));
        assertEquals(base, LimitsFile.parse("", base));
    }

    @ParameterizedTest
    @ValueSource(strings = {"nonsense", "system = 1", "system.bogus = 1", "galaxy.connections = 1",
            "system.connections = -1", "system.connections = 1MiB", "system.memory = 1.5GiB",
            "system.memory = 99999999999999999999", "system.memory = 9999999999999GiB", "system[x].memory = 1",
            "peer[notapeer].memory = 1", "protocol[].memory = 1", "protocol[x]memory = 1",
            "allowlist.networks = 10.0.0.0/33", "allowlist.peers = nope", "allowlist.networks = 10.0.0.0/8@bad",
            "system.fd = \\u12"})
    void rejectsBadLinesNamingTheKey(String line) {
        DecodeException e = assertThrows(DecodeException.class,
                () -> LimitsFile.parse(line, ResourceManagerConfig.unlimited()));
        assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
    }
}
