package io.p2pkit.node.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code key gen|list|rm}, {@code name publish|resolve} through a DHT-server daemon, {@code name inspect}, and /ipns/ paths in cat. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class IpnsCommandTest {
    private static final Pattern READY = Pattern.compile(
            "\\{\"event\":\"ready\",\"peerId\":\"([^\"]+)\",\"addrs\":\\[\"([^\"]+)\".*");

    @Test
    void keysAreMadeListedAndRemoved(@TempDir Path dir) {
        RepoFixture repo = RepoFixture.init(dir);
        String id = repo.ok("key", "gen", "photos");
        assertTrue(id.startsWith("k51"), id);
        assertTrue(Files.exists(dir.resolve("keystore").resolve("key_obug65dpom")), "Kubo's file name: base32 of the name");
        assertEquals("self\nphotos", repo.ok("key", "list"));
        assertTrue(repo.ok("key", "list", "-l").lines().anyMatch(l -> l.equals(id + " photos")));
        assertEquals(1, repo.run("key", "gen", "photos").status(), "the name is taken");
        assertEquals(2, repo.run("key", "rm", "self").status());
        assertEquals("photos", repo.ok("key", "rm", "photos"));
        assertEquals("self", repo.ok("key", "list"));
    }

    @Test
    void inspectReadsARecordFromAFileOrStdin(@TempDir Path work) throws Exception {
        io.p2pkit.core.crypto.PrivateKey key = io.p2pkit.core.crypto.PrivateKey.generate(io.p2pkit.core.crypto.KeyType.ED25519);
        String name = key.publicKey().toPeerId().toString(io.p2pkit.core.multiformats.Multibase.Encoding.BASE36);
        byte[] record = io.p2pkit.kad.record.IpnsRecordSigner.sign(key, "/ipfs/bafkqaaa", 2,
                java.time.Instant.now().plusSeconds(3600), java.time.Duration.ofMinutes(5));
        Path file = Files.write(work.resolve("record"), record);
        CliRunner text = CliRunner.run("name", "inspect", "--verify", name, "--dump=false", file.toString());
        assertEquals(0, text.status(), text.err());
        assertTrue(text.out().startsWith("Value:          \"/ipfs/bafkqaaa\"\nValidity Type:  '\\x00'\nValidity:       \""),
                text.out());
        assertTrue(text.out().contains("\nSequence:       2\nTTL:            5m0s\nProtobuf Size:  " + record.length
                + "\nSignature Type: V1+V2\n\nValidation results:\n Valid: true\n Name:  " + name + "\n"), text.out());
        CliRunner json = CliRunner.runWithInput(record, "name", "inspect", "--json");
        assertTrue(json.out().startsWith("{\"Entry\":{\"Value\":\"/ipfs/bafkqaaa\",\"ValidityType\":0,"), json.out());
        assertTrue(json.out().contains("\"HexDump\":\"00000000  0a 0e 2f 69 70 66 73 2f"), json.out());
        assertTrue(json.out().strip().endsWith("\"Validation\":null}"), json.out());
        CliRunner junk = CliRunner.runWithInput("junk".getBytes(StandardCharsets.UTF_8), "name", "inspect");
        assertEquals(1, junk.status());
        assertTrue(junk.err().contains("record is malformed"), junk.err());
    }

    @Test
    void aNamePublishedThroughTheDhtResolvesAndServesCat(@TempDir Path home, @TempDir Path work) throws Exception {
        RepoFixture served = RepoFixture.init(home);
        String first = served.runWithInput("first version\n", "add", "-Q").out().strip();
        String second = served.runWithInput("second version\n", "add", "-Q").out().strip();
        RepoFixture mine = RepoFixture.init(work.resolve("mine"));
        String name = mine.ok("key", "gen", "site");
        try (DaemonAndPingTest.Daemon d = DaemonAndPingTest.Daemon.start(home, "--listen", "/ip4/127.0.0.1/tcp/0",
                "--dht", "server", "--json")) {
            Matcher m = READY.matcher(d.next("{\"event\":\"ready\""));
            assertTrue(m.matches());
            String addr = m.group(2);

            assertEquals("Published to " + name + ": /ipfs/" + first,
                    mine.ok("name", "publish", "--bootstrap", addr, "--key", "site", first));
            assertEquals("/ipfs/" + first, mine.ok("name", "resolve", "--bootstrap", addr, name));
            CliRunner.Bytes firstRecord = CliRunner.bytes(new byte[0], "name", "get", "--bootstrap", addr, name);
            assertEquals(0, firstRecord.status(), firstRecord.stderr());
            Path recordFile = work.resolve("first.ipns");
            Files.write(recordFile, firstRecord.stdout());
            CliRunner inspected = CliRunner.run("name", "inspect", "--verify", name, recordFile.toString());
            assertTrue(inspected.out().contains("/ipfs/" + first) && inspected.out().contains("Valid: true"),
                    "name get writes the record as it is: " + inspected.out() + inspected.err());
            assertEquals("Published to " + name + ": /ipfs/" + second,
                    mine.ok("name", "publish", "--bootstrap", addr, "-k", "site", "/ipfs/" + second));
            assertEquals("/ipfs/" + second, mine.ok("name", "resolve", "--bootstrap", addr, "/ipns/" + name),
                    "the second record has the next sequence number and wins");
            io.p2pkit.kad.record.IpnsRecord kept = new io.p2pkit.node.names.PublishedNames(work.resolve("mine"))
                    .last(io.p2pkit.core.identity.PeerId.parse(name)).orElseThrow();
            assertEquals("/ipfs/" + second, kept.valueText(), "the repository keeps it for a daemon to republish");
            assertEquals(1, kept.sequence());

            // name put (Kubo 0.40's): a record signed elsewhere, checked, with no key here
            RepoFixture other = RepoFixture.init(work.resolve("other"));
            CliRunner behind = CliRunner.run("name", "put", "--bootstrap", addr, name, recordFile.toString());
            assertEquals(1, behind.status());
            assertTrue(behind.err().contains("existing IPNS record has sequence 1 >= new record sequence 0, use "
                    + "'p2pkit name put --force'"), behind.err());
            CliRunner forced = CliRunner.run("name", "put", "--bootstrap", addr, "--force", name, recordFile.toString());
            assertEquals(0, forced.status(), forced.err());
            assertEquals(name, forced.out().strip());
            assertEquals("/ipfs/" + second, other.ok("name", "resolve", "--bootstrap", addr, name), "the DHT keeps the best");
            CliRunner.Bytes latest = CliRunner.bytes(new byte[0], "name", "get", "--bootstrap", addr, "/ipns/" + name);
            assertEquals(0, latest.status(), latest.stderr());
            CliRunner json = CliRunner.run("name", "get", "--bootstrap", addr, "--json", name);
            assertEquals("{\"Name\":\"" + name + "\",\"Record\":\"" + java.util.Base64.getEncoder().encodeToString(latest.stdout())
                    + "\"}", json.out().strip());
            CliRunner again = CliRunner.runWithInput(latest.stdout(), "name", "put", "--bootstrap", addr, "--json", name);
            assertEquals(0, again.status(), again.err());
            assertEquals("{\"Name\":\"" + name + "\",\"Value\":\"/ipfs/" + second + "\"}", again.out().strip());
            CliRunner wrong = CliRunner.run("name", "put", "--bootstrap", addr, other.ok("key", "gen", "wrong"),
                    recordFile.toString());
            assertEquals(1, wrong.status());
            assertTrue(wrong.err().contains("record validation failed"), wrong.err());
            CliRunner empty = CliRunner.runWithInput(new byte[0], "name", "put", "--bootstrap", addr, name);
            assertEquals(1, empty.status());
            assertTrue(empty.err().contains("record is empty"), empty.err());
            CliRunner none = CliRunner.run("name", "get", "--bootstrap", addr, other.ok("key", "gen", "none"));
            assertEquals(1, none.status());
            assertTrue(none.err().contains("no valid record found"), none.err());

            RepoFixture reader = RepoFixture.init(work.resolve("reader"));
            CliRunner.Bytes cat = reader.bytes("cat", "--bootstrap", addr, "/ipns/" + name);
            assertEquals(0, cat.status(), cat.stderr());
            assertEquals("second version\n", new String(cat.stdout(), StandardCharsets.UTF_8));

            CliRunner offline = reader.run("cat", "/ipns/" + name);
            assertNotEquals(0, offline.status());
            assertTrue(offline.err().contains("give --bootstrap"), offline.err());
            CliRunner unknown = mine.run("name", "resolve", "--bootstrap", addr, mine.ok("key", "gen", "never"));
            assertEquals(1, unknown.status());
            assertTrue(unknown.err().contains("no valid IPNS record"), unknown.err());

            // without --bootstrap, on the daemon's repository: through the daemon, as Kubo's commands go
            // (the command-line nodes above have left: the daemon has no DHT peer, so Kubo's --allow-offline)
            CliRunner alone = served.run("name", "publish", "/ipfs/" + first);
            assertEquals(1, alone.status());
            assertTrue(alone.err().contains("can't publish while offline: pass `--allow-offline` to override"), alone.err());
            String published = served.ok("name", "publish", "--allow-offline", "--lifetime", "2h", "/ipfs/" + first);
            assertTrue(published.matches("Published to k51\\w+: /ipfs/" + first), published);
            String self = published.substring("Published to ".length(), published.indexOf(':'));
            assertEquals("/ipfs/" + first, served.ok("name", "resolve"), "the daemon's own name");
            assertEquals("{\"Path\":\"/ipfs/" + first + "\"}", served.ok("name", "resolve", "--json", "/ipns/" + self));
            // Kubo's --resolve: the daemon checks the path first, a file has no link "nope"
            CliRunner unresolved = served.run("name", "publish", "/ipfs/" + first + "/nope");
            assertEquals(1, unresolved.status());
            assertTrue(unresolved.err().contains("\"LookupBySegment\" called on a data.Bytes node"), unresolved.err());
            CliRunner unchecked = served.run("name", "publish", "--resolve=false", "--allow-offline", "--json",
                    "/ipfs/" + first + "/nope");
            assertEquals(0, unchecked.status(), unchecked.err());
            assertEquals("{\"Name\":\"" + self + "\",\"Value\":\"/ipfs/" + first + "/nope\"}", unchecked.out().strip());
        }
    }
}
