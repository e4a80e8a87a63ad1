package io.p2pkit.node.cli;

import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.testing.TinyJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code p2pkit config}: Kubo's keys on the repository's config file, and a daemon started on what it wrote. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ConfigCommandTest {
    @Test
    void setsAndGetsKeysAsKuboDoes(@TempDir Path home) {
        RepoFixture repo = RepoFixture.init(home);
        assertEquals("", repo.ok("config", "Addresses.Gateway", "/ip4/127.0.0.1/tcp/8081"));
        assertEquals("/ip4/127.0.0.1/tcp/8081", repo.ok("config", "Addresses.Gateway"));
        repo.ok("config", "--json", "Swarm.ConnMgr.HighWater", "200");
        assertEquals("200", repo.ok("config", "Swarm.ConnMgr.HighWater"));
        repo.ok("config", "--bool", "Discovery.MDNS.Enabled", "false");
        assertEquals("false", repo.ok("config", "Discovery.MDNS.Enabled"));
        assertEquals("{\n  \"HighWater\": 200\n}", repo.ok("config", "Swarm.ConnMgr"));
        assertEquals("/ip4/127.0.0.1/tcp/0", repo.ok("config", "Addresses.API"), "the fixture's test profile, as Kubo's");
        assertEquals("10GB", repo.ok("config", "Datastore.StorageMax"));

        CliRunner wrongType = repo.run("config", "Swarm.ConnMgr.HighWater", "300");
        assertEquals(1, wrongType.status());
        assertTrue(wrongType.err().contains("json: cannot unmarshal string into Go struct field "
                + "ConnMgr.Swarm.ConnMgr.HighWater of type int64 (maybe use --json?)"), wrongType.err());
        CliRunner unknown = repo.run("config", "Swarm.Nope", "x");
        assertEquals(1, unknown.status());
        assertTrue(unknown.err().contains("p2pkit has no config key \"Swarm.Nope\""), unknown.err());
        CliRunner notJson = repo.run("config", "--json", "Addresses.Swarm", "nojson");
        assertTrue(notJson.err().contains("failed to unmarshal json. "), notJson.err());
        CliRunner missing = repo.run("config", "Swarm.Nope");
        assertTrue(missing.err().contains("failed to get config value: \"Swarm.Nope not found\""), missing.err());
        assertEquals("200", repo.ok("config", "Swarm.ConnMgr.HighWater"), "a refused change changes nothing");
    }

    @Test
    void showReplaceAndProfiles(@TempDir Path home, @TempDir Path other) throws Exception {
        RepoFixture repo = RepoFixture.init(home);
        repo.ok("config", "--json", "Swarm.ConnMgr.LowWater", "7");
        String shown = repo.ok("config", "show");
        Map<?, ?> doc = (Map<?, ?>) TinyJson.parse(shown);
        assertEquals(7L, ((Number) ((Map<?, ?>) ((Map<?, ?>) doc.get("Swarm")).get("ConnMgr")).get("LowWater")).longValue());
        assertTrue(doc.containsKey("Addresses") && doc.containsKey("Datastore"), shown);

        // what one repository shows, another takes with replace
        RepoFixture second = RepoFixture.init(other);
        Path file = Files.writeString(home.resolve("kubo-config.json"), shown.replace("\"LowWater\": 7", "\"LowWater\": 9"));
        CliRunner replaced = second.run("config", "replace", file.toString());
        assertEquals(0, replaced.status(), replaced.err());
        assertEquals("9", second.ok("config", "Swarm.ConnMgr.LowWater"));
        Files.writeString(file, "{\"Swarm\":{\"ConnMgr\":{\"HighWater\":30}},\"AutoTLS\":{\"Enabled\":false}}");
        CliRunner partial = second.run("config", "replace", file.toString());
        assertTrue(partial.err().contains("left out (p2pkit has no such settings): AutoTLS.Enabled"), partial.err());
        assertTrue(second.run("config", "Swarm.ConnMgr.LowWater").status() != 0, "replaced as a whole");

        assertFalse(Repository.readConfig(home).disk().syncWrites(), "the fixture's test profile");
        String dry = repo.ok("config", "profile", "apply", "lowpower", "--dry-run");
        assertTrue(dry.contains("would change:") && dry.contains("blockstore.memory.maxBlocks: 16384 -> 4096"), dry);
        assertEquals(16384, Repository.readConfig(home).tiers().memoryMaxBlocks());
        repo.ok("config", "profile", "apply", "lowpower");
        assertEquals(4096, Repository.readConfig(home).tiers().memoryMaxBlocks());
        CliRunner unknown = repo.run("config", "profile", "apply", "nope");
        assertTrue(unknown.err().contains("unknown profile 'nope'"), unknown.err());
    }

    @Test
    void aTestProfileDaemonOnItsOwnRepositoryIsItsOwnPeerOnLoopback(@TempDir Path home, @TempDir Path dir)
            throws Exception {
        Path repoDir = dir.resolve("repo");
        CliRunner init = CliRunner.run("init", "--repo-dir", repoDir.toString(), "--profile", "test", "--json");
        assertEquals(0, init.status(), init.err());
        String peer = ((Map<?, ?>) TinyJson.parse(init.out())).get("PeerID").toString();
        // no option that the profile sets: the file alone keeps the daemon on loopback
        try (DaemonAndPingTest.Daemon d = DaemonAndPingTest.Daemon.command(home, "daemon", "--json",
                "--repo-dir", repoDir.toString())) {
            String ready = d.next("{\"event\":\"ready\"");
            assertTrue(ready.contains("\"peerId\":\"" + peer + "\""), "init's key, not $P2PKIT_HOME's: " + ready);
            assertTrue(ready.contains("\"addrs\":[\"/ip4/127.0.0.1/tcp/"), ready);
            assertFalse(ready.contains("0.0.0.0") || ready.contains("/udp/"), ready);
            assertFalse(ready.contains("\"portMapping\"") || ready.contains("\"mdns\""), ready);
            Matcher api = API.matcher(ready);
            assertTrue(api.matches(), ready);
            assertNotEquals("5001", api.group(1), ready);
        }
        assertFalse(Files.exists(home.resolve("identity.key")), "nothing made in $P2PKIT_HOME");
        assertTrue(Files.exists(repoDir.resolve("kad-providers.log")), "the DHT's records beside the repository's key");
    }

    private static final Pattern API = Pattern.compile(".*\"api\":\"http://127\\.0\\.0\\.1:(\\d+)\".*");
    private static final Pattern GATEWAY = Pattern.compile(".*\"gateway\":\"http://127\\.0\\.0\\.1:(\\d+)\".*");

    @Test
    void aDaemonStartsWithWhatTheCommandWroteAndItsOptionsWin(@TempDir Path home) throws Exception {
        RepoFixture repo = RepoFixture.init(home);
        repo.ok("config", "--json", "Addresses.Swarm", "[\"/ip4/127.0.0.1/tcp/0\"]");
        repo.ok("config", "Addresses.API", "/ip4/127.0.0.1/tcp/0");
        repo.ok("config", "Addresses.Gateway", "/ip4/127.0.0.1/tcp/0");
        repo.ok("config", "--bool", "Discovery.MDNS.Enabled", "false");
        repo.ok("config", "Routing.Type", "none");

        try (DaemonAndPingTest.Daemon d = DaemonAndPingTest.Daemon.command(home, "daemon", "--json")) {
            String ready = d.next("{\"event\":\"ready\"");
            Matcher api = API.matcher(ready);
            Matcher gateway = GATEWAY.matcher(ready);
            assertTrue(api.matches() && gateway.matches(), ready);
            assertNotEquals("5001", api.group(1), "the file's port 0, not the default");
            assertNotEquals("8080", gateway.group(1), "the file's port 0, not the default");
            assertTrue(ready.contains("\"addrs\":[\"/ip4/127.0.0.1/tcp/"), ready);
            assertFalse(ready.contains("0.0.0.0") || ready.contains("/udp/"), "only the file's swarm address: " + ready);
            assertFalse(ready.contains("\"mdns\""), ready);

            // an edit while it runs goes to the file, and says the daemon takes it at its next start
            CliRunner later = repo.run("config", "Addresses.Gateway", "/ip4/127.0.0.1/tcp/0");
            assertEquals(0, later.status(), later.err());
            assertTrue(later.err().contains("the change takes effect when it starts again"), later.err());
        }
        try (DaemonAndPingTest.Daemon d = DaemonAndPingTest.Daemon.command(home, "daemon", "--json", "--gateway", "off",
                "--listen", "/ip4/127.0.0.1/udp/0/webrtc-direct")) {
            String ready = d.next("{\"event\":\"ready\"");
            assertFalse(ready.contains("\"gateway\""), "--gateway off wins over the file: " + ready);
            assertTrue(ready.contains("/webrtc-direct") && !ready.contains("/tcp/"), "--listen wins: " + ready);
            assertTrue(API.matcher(ready).matches(), ready);
        }
    }

    @Test
    void editOpensKubosJsonInTheEditorAndTakesWhatItWrote(@TempDir Path home, @TempDir Path work) throws Exception {
        RepoFixture repo = RepoFixture.init(home);
        repo.ok("config", "--json", "Swarm.ConnMgr.HighWater", "200");
        String shown = repo.ok("config", "show");
        // an editor that changes one value (its arguments split as a shell would: the quoted one is one word)
        Path editor = Files.writeString(work.resolve("ed.sh"),
                "#!/bin/sh\n[ \"$1\" = 'two words' ] || exit 9\nsed -i 's/\"HighWater\": 200/\"HighWater\": 321/' \"$2\"\n");
        assertTrue(editor.toFile().setExecutable(true));
        Edit changed = edit(home, editor + " 'two words'");
        assertEquals(0, changed.status(), changed.err());
        assertEquals("321", repo.ok("config", "Swarm.ConnMgr.HighWater"));
        assertEquals(shown.replace("\"HighWater\": 200", "\"HighWater\": 321"), repo.ok("config", "show"),
                "nothing else changed");

        // no change, a failing editor, text that is not a config: the file stays as it was
        String before = Files.readString(home.resolve("config"));
        Edit unchanged = edit(home, "true", "--json");
        assertEquals(0, unchanged.status(), unchanged.err());
        assertEquals("{\"Changed\":false,\"Ignored\":[]}\n", unchanged.out());
        Edit failed = edit(home, "false");
        assertEquals(1, failed.status());
        assertTrue(failed.err().contains("the editor (false) exited with status 1: the config is unchanged"), failed.err());
        Path broken = Files.writeString(work.resolve("broken.sh"), "#!/bin/sh\necho '{\"Swarm\": [' > \"$1\"\n");
        assertTrue(broken.toFile().setExecutable(true));
        Edit bad = edit(home, broken.toString());
        assertEquals(1, bad.status());
        assertTrue(bad.err().contains("failed to unmarshal json") && bad.err().contains("your edit is kept in "), bad.err());
        assertEquals(before, Files.readString(home.resolve("config")));
        Edit none = edit(home, "");
        assertEquals(1, none.status());
        assertTrue(none.err().contains("ENV variable $EDITOR not set"), none.err());
        Edit open = edit(home, "vi 'unclosed");
        assertTrue(open.err().contains("cannot parse $EDITOR value: a single quote is not closed"), open.err());
    }

    private record Edit(int status, String out, String err) {
    }

    /** {@code config edit} in a process of its own, with {@code $EDITOR} set. */
    private static Edit edit(Path home, String editor, String... options) throws Exception {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(ProcessHandle.current().info().command()
                .orElse("java"), "-cp", System.getProperty("java.class.path"), io.p2pkit.node.cli.Main.class.getName(),
                "config", "edit", "--repo-dir", home.toString()));
        cmd.addAll(java.util.List.of(options));
        Path out = Files.createTempFile(home, "edit", ".out");
        Path err = Files.createTempFile(home, "edit", ".err");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("EDITOR", editor);
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("config edit did not end within 60 s");
        }
        return new Edit(p.exitValue(), Files.readString(out), Files.readString(err));
    }
}
