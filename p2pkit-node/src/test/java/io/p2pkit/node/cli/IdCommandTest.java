package io.p2pkit.node.cli;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.crypto.PublicKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.testing.Vectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Base64;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdCommandTest {
    private static final Pattern JSON = Pattern.compile(
            "\\{\"peerId\":\"([^\"]+)\",\"keyType\":\"([a-z0-9]+)\",\"publicKey\":\"([^\"]+)\"}");

    @ParameterizedTest
    @ValueSource(strings = {"ed25519", "secp256k1", "ecdsa", "rsa"})
    void createsAnIdentityOnceAndThenReadsIt(String type, @TempDir Path dir) throws IOException {
        Path file = dir.resolve("sub/identity.key");
        CliRunner first = CliRunner.run("id", "--identity", file.toString(), "--key-type", type, "--json");
        assertEquals(0, first.status(), first.err());
        assertTrue(first.err().contains("created a new " + type + " identity"), first.err());
        Matcher m = JSON.matcher(first.out().strip());
        assertTrue(m.matches(), first.out());
        assertEquals(type, m.group(2));

        // The file holds the PrivateKey protobuf; the printed key and peer ID derive from it.
        PrivateKey key = PrivateKey.unmarshal(Files.readAllBytes(file));
        PublicKey pub = PublicKey.unmarshal(Base64.getDecoder().decode(m.group(3)));
        assertEquals(key.publicKey(), pub);
        assertEquals(pub.toPeerId(), PeerId.parse(m.group(1)));
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                Files.getPosixFilePermissions(file));

        CliRunner second = CliRunner.run("id", "--identity", file.toString(), "--json");
        assertEquals(0, second.status());
        assertEquals(first.out(), second.out());
        assertEquals("", second.err());
    }

    @Test
    void readsKeyFilesMadeByGoAndJs() throws IOException {
        for (String name : new String[]{"go.ed25519.key", "js.secp256k1.key", "go.rsa.key"}) {
            Path file = Vectors.path("libp2p-js-libp2p/packages/interop/src/resources/keys/" + name);
            byte[] before = Files.readAllBytes(file);
            CliRunner r = CliRunner.run("id", "--identity", file.toString(), "--json");
            assertEquals(0, r.status(), r.err());
            Matcher m = JSON.matcher(r.out().strip());
            assertTrue(m.matches(), r.out());
            assertEquals(PrivateKey.unmarshal(before).publicKey().toPeerId().toString(), m.group(1));
            assertArrayEquals(before, Files.readAllBytes(file), "the key file must not be touched");
        }
    }

    @Test
    void mismatchedKeyTypeFails(@TempDir Path dir) {
        Path file = dir.resolve("identity.key");
        assertEquals(0, CliRunner.run("id", "--identity", file.toString()).status());
        CliRunner r = CliRunner.run("id", "--identity", file.toString(), "--key-type", "rsa");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("holds a ed25519 key, not rsa"), r.err());
    }

    @Test
    void corruptKeyFileFailsAndIsKept(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("identity.key");
        Files.write(file, new byte[]{8, 1, 18, 3, 1, 2, 3});
        CliRunner r = CliRunner.run("id", "--identity", file.toString());
        assertEquals(1, r.status());
        assertTrue(r.err().contains("does not hold a libp2p private key"), r.err());
        assertArrayEquals(new byte[]{8, 1, 18, 3, 1, 2, 3}, Files.readAllBytes(file));
    }

    @Test
    void unknownKeyTypeIsAUsageError(@TempDir Path dir) {
        CliRunner r = CliRunner.run("id", "--identity", dir.resolve("k").toString(), "--key-type", "dsa");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("unknown key type 'dsa'"), r.err());
    }

    @Test
    void humanOutputNamesEverything(@TempDir Path dir) {
        CliRunner r = CliRunner.run("id", "--identity", dir.resolve("k").toString());
        assertEquals(0, r.status());
        assertTrue(r.out().contains("peer ID:    12D3KooW"), r.out());
        assertTrue(r.out().contains("key type:   ed25519"), r.out());
    }
}
