package io.p2pkit.node.cli;

import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.testing.TinyJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InitCommandTest {
    @TempDir
    Path home;

    @Test
    void createsTheRepositoryAndAnIdentityAndRefusesToDoItTwice() throws Exception {
        CliRunner r = CliRunner.run("init", "--repo-dir", home.toString(), "--json");
        assertEquals(0, r.status(), r.err());
        Map<?, ?> o = (Map<?, ?>) TinyJson.parse(r.out().strip());
        assertTrue(o.get("PeerID").toString().startsWith("12D3KooW"), r.out());
        assertEquals(home.toAbsolutePath().toString(), o.get("RepoPath"));
        assertEquals(true, o.get("IdentityCreated"));
        assertTrue(Repository.isInitialized(home));
        for (String f : new String[] {"config", "version", "blocks/SHARDING", "datastore/metadata.mv", "identity.key"}) {
            assertTrue(Files.exists(home.resolve(f)), f);
        }
        // every default listener, as Kubo's Addresses.Swarm; the daemon leaves out what cannot run
        assertEquals(String.join(", ", io.p2pkit.node.NodeConfig.DEFAULT_LISTEN),
                Repository.readConfig(home).other().get("addresses.swarm"));
        byte[] config = Files.readAllBytes(home.resolve("config"));
        byte[] key = Files.readAllBytes(home.resolve("identity.key"));

        CliRunner again = CliRunner.run("init", "--repo-dir", home.toString());
        assertEquals(1, again.status());
        assertEquals("", again.out());
        assertTrue(again.err().contains("a p2pkit repository already exists at " + home.toAbsolutePath()), again.err());
        assertTrue(again.err().contains("nothing was changed"), again.err());
        assertFalse(again.err().contains("Exception"), again.err());
        assertArrayEquals(config, Files.readAllBytes(home.resolve("config")));
        assertArrayEquals(key, Files.readAllBytes(home.resolve("identity.key")));
    }

    @Test
    void keepsTheIdentityTheNodeAlreadyHas() {
        Path key = home.resolve("identity.key");
        CliRunner id = CliRunner.run("id", "--identity", key.toString(), "--json");
        assertEquals(0, id.status(), id.err());
        String peerId = ((Map<?, ?>) TinyJson.parse(id.out().strip())).get("peerId").toString();

        CliRunner r = CliRunner.run("init", "--repo-dir", home.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("kept the identity in " + home.toAbsolutePath().resolve("identity.key")), r.out());
        assertTrue(r.out().contains("peer identity: " + peerId), r.out());
        assertTrue(r.out().contains("initialized a p2pkit repository at " + home.toAbsolutePath()), r.out());
        CliRunner after = CliRunner.run("id", "--identity", key.toString(), "--json");
        assertEquals(id.out(), after.out(), "the node's identity still works and did not change");
    }

    @Test
    void anIdentityOfAnotherTypeThanAskedIsKeptAndNothingIsCreated() {
        assertEquals(0, CliRunner.run("id", "--identity", home.resolve("identity.key").toString()).status());
        CliRunner r = CliRunner.run("init", "--repo-dir", home.toString(), "--algorithm", "rsa");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("already holds a ed25519 key, not rsa"), r.err());
        assertFalse(Repository.isInitialized(home));
    }

    @Test
    void profilesSetTheirKeysInOrder() throws Exception {
        CliRunner r = CliRunner.run("init", "--repo-dir", home.toString(), "--profile", "test,lowpower,unixfs-v1-2025",
                "--algorithm", "secp256k1");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("generated a new secp256k1 identity"), r.out());
        RepoConfig config = RepoConfig.parse(Files.readAllBytes(home.resolve("config")));
        assertFalse(config.disk().syncWrites());
        assertEquals(16L << 20, config.tiers().memoryMaxBytes());
        assertEquals("unixfs-v1-2025", config.other().get("import.profile"));

        CliRunner bad = CliRunner.run("init", "--repo-dir", home.resolve("other").toString(), "--profile", "serve");
        assertEquals(2, bad.status());
        assertTrue(bad.err().contains("unknown profile 'serve'"), bad.err());
        assertFalse(Files.exists(home.resolve("other")), "a usage error creates nothing");
    }

    @Test
    void aCommandOnARepositoryThatIsNotThereSaysToRunInit() {
        CliRunner r = CliRunner.run("repo", "stat", "--repo-dir", home.resolve("none").toString());
        assertEquals(1, r.status());
        assertTrue(r.err().contains("no p2pkit repository at " + home.resolve("none").toAbsolutePath()
                + ": run 'p2pkit init' first"), r.err());
        assertFalse(Files.exists(home.resolve("none")), "nothing is created by looking");
    }
}
