package io.p2pkit.node.cli;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.testing.TinyJson;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BlockCommandTest {
    /** Kubo's CID of "hello\n" as a raw block: {@code echo hello | ipfs block put}. */
    static final String HELLO = "bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am";

    @TempDir
    Path dir;

    @BeforeEach
    void init() {
        assertEquals(0, CliRunner.run("init", "--repo-dir", dir.toString(), "--profile", "test").status());
    }

    private CliRunner run(String... argv) {
        return runWithInput(new byte[0], argv);
    }

    private CliRunner runWithInput(byte[] stdin, String... argv) {
        List<String> a = new ArrayList<>(List.of(argv));
        a.add("--repo-dir");
        a.add(dir.toString());
        return CliRunner.runWithInput(stdin, a.toArray(String[]::new));
    }

    private CliRunner.Bytes bytes(String... argv) {
        List<String> a = new ArrayList<>(List.of(argv));
        a.add("--repo-dir=" + dir);
        return CliRunner.bytes(new byte[0], a.toArray(String[]::new));
    }

    @Test
    void putGivesKubosCidAndGetAndStatReadItBack() {
        CliRunner put = runWithInput("hello\n".getBytes(StandardCharsets.UTF_8), "block", "put");
        assertEquals(0, put.status(), put.err());
        assertEquals(HELLO + "\n", put.out());

        CliRunner.Bytes get = bytes("block", "get", HELLO);
        assertEquals(0, get.status(), get.stderr());
        assertArrayEquals("hello\n".getBytes(StandardCharsets.UTF_8), get.stdout());

        CliRunner stat = run("block", "stat", "/ipfs/" + HELLO);
        assertEquals("Key: " + HELLO + "\nSize: 6\n", stat.out());
        CliRunner json = run("block", "stat", HELLO, "--json");
        assertEquals("{\"Key\":\"" + HELLO + "\",\"Size\":6}\n", json.out());

        CliRunner getJson = run("block", "get", HELLO, "--json");
        Map<?, ?> o = (Map<?, ?>) TinyJson.parse(getJson.out().strip());
        assertEquals("hello\n", new String(Base64.getDecoder().decode(o.get("Data").toString()), StandardCharsets.UTF_8));
    }

    @Test
    void putTakesFilesCodecsHashesAndTheLegacyFormat() throws Exception {
        Path a = Files.writeString(dir.resolve("a"), "aaa");
        Path b = Files.writeString(dir.resolve("b"), "bbb");
        CliRunner put = run("block", "put", a.toString(), b.toString(), "--cid-codec", "dag-cbor", "--mhtype", "sha2-512",
                "--json");
        assertEquals(0, put.status(), put.err());
        String[] lines = put.out().strip().split("\n");
        assertEquals(2, lines.length);
        Cid first = Cid.parse(((Map<?, ?>) TinyJson.parse(lines[0])).get("Key").toString());
        assertEquals(Multicodec.DAG_CBOR, first.codec());
        assertEquals(Multicodec.SHA2_512, first.multihash().code());
        assertTrue(lines[1].endsWith(",\"Size\":3}"), lines[1]);

        CliRunner truncated = run("block", "put", a.toString(), "--mhlen", "20");
        assertEquals(20, Cid.parse(truncated.out().strip()).multihash().length());

        CliRunner v0 = runWithInput("hello\n".getBytes(StandardCharsets.UTF_8), "block", "put", "--format", "v0");
        assertEquals(0, v0.status(), v0.err());
        assertTrue(v0.out().startsWith("Qm"), v0.out());
        assertEquals("6", run("block", "stat", v0.out().strip(), "--json").out().replaceAll(".*\"Size\":(\\d+)}\\s*", "$1"));

        CliRunner missing = run("block", "put", dir.resolve("nope").toString());
        assertEquals(1, missing.status());
        assertTrue(missing.err().contains(dir.resolve("nope") + ": no such file"), missing.err());

        CliRunner badCodec = run("block", "put", a.toString(), "--cid-codec", "dag-frob");
        assertEquals(2, badCodec.status());
        assertTrue(badCodec.err().contains("unknown ipld name 'dag-frob'"), badCodec.err());
    }

    @Test
    void aBlockOverTwoMebibytesIsRefusedUnlessAllowed() throws Exception {
        Path big = dir.resolve("big");
        Files.write(big, new byte[Block.MAX_SIZE + 1]);
        CliRunner refused = run("block", "put", big.toString());
        assertEquals(1, refused.status());
        assertEquals("", refused.out());
        assertTrue(refused.err().contains("over 2 MiB"), refused.err());
        assertTrue(refused.err().contains("--allow-big-block"), refused.err());
        assertTrue(refused.err().contains("nothing was stored"), refused.err());
        assertTrue(run("repo", "stat", "--json").out().contains("\"NumObjects\":0"), "nothing stored");

        Path limit = dir.resolve("limit");
        Files.write(limit, new byte[Block.MAX_SIZE]);
        assertEquals(0, run("block", "put", limit.toString()).status(), "exactly 2 MiB is fine, as in Kubo");

        CliRunner allowed = run("block", "put", big.toString(), "--allow-big-block");
        assertEquals(0, allowed.status(), allowed.err());
        String cid = allowed.out().strip();
        CliRunner.Bytes back = bytes("block", "get", cid);
        assertEquals(0, back.status(), back.stderr());
        assertEquals(Block.MAX_SIZE + 1, back.stdout().length, "a stored big block reads back without the flag");
        CliRunner verify = run("repo", "verify");
        assertEquals(0, verify.status(), verify.out() + verify.err());
    }

    @Test
    void rmRemovesWhatIsNotPinnedAndReportsTheRest() {
        String pinned = runWithInput("pinned".getBytes(StandardCharsets.UTF_8), "block", "put", "--pin").out().strip();
        String loose = runWithInput("loose".getBytes(StandardCharsets.UTF_8), "block", "put").out().strip();
        String absent = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy";

        CliRunner rm = run("block", "rm", pinned, loose, absent);
        assertEquals(1, rm.status());
        assertEquals("removed " + loose + "\n", rm.out());
        assertTrue(rm.err().contains("cannot remove " + pinned + ": pinned: recursive"), rm.err());
        assertTrue(rm.err().contains("cannot remove " + absent + ": block not found"), rm.err());
        assertTrue(rm.err().contains("2 blocks were not removed"), rm.err());
        assertEquals(1, run("block", "stat", loose).status(), "gone");
        assertEquals(0, run("block", "stat", pinned).status(), "kept");

        // a block a recursive pin holds names that pin, as Kubo's "pinned via <root>"
        String child = runWithInput("child".getBytes(StandardCharsets.UTF_8), "block", "put").out().strip();
        String parent = runWithInput(("{\"c\":{\"/\":\"" + child + "\"}}").getBytes(StandardCharsets.UTF_8),
                "dag", "put", "--pin").out().strip();
        CliRunner held = run("block", "rm", child);
        assertEquals(1, held.status());
        assertTrue(held.err().contains("cannot remove " + child + ": pinned via " + parent), held.err());

        CliRunner json = run("block", "rm", absent, "--json");
        assertEquals(1, json.status());
        assertEquals("{\"Hash\":\"" + absent + "\",\"Error\":\"block not found in the repository\"}\n", json.out());

        CliRunner forced = run("block", "rm", absent, "--force", "--json");
        assertEquals(0, forced.status(), forced.err());
        assertEquals("{\"Hash\":\"" + absent + "\"}\n", forced.out());
        CliRunner quiet = run("block", "rm", absent, "-f", "-q");
        assertEquals(0, quiet.status());
        assertEquals("", quiet.out());
    }

    @Test
    void aMissingBlockAndAWrongArgumentSayWhat() {
        CliRunner missing = run("block", "get", HELLO);
        assertEquals(1, missing.status());
        assertEquals("", missing.out());
        assertTrue(missing.err().contains("block " + HELLO + " is not in the repository"), missing.err());
        assertFalse(missing.err().contains("Exception"), missing.err());

        CliRunner wrong = run("block", "stat", "not-a-cid");
        assertEquals(2, wrong.status());
        assertTrue(wrong.err().contains("'not-a-cid' is not a CID or a content path"), wrong.err());
    }
}
