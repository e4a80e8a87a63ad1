package io.p2pkit.node.cli;

import io.p2pkit.testing.TinyJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CidCommandTest {
    private static final String V0 = "QmZULkCELmmk5XNfCgTnCyFgAVxBRBXyDHGGMVoLFLiXEN";
    private static final String V0_AS_V1 = "bafybeiffndsajwhk3lwjewwdxqntmjm4b5wxaaanokonsggenkbw6slwk4";
    private static final String RAW = "bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am";

    private static String ok(String... argv) {
        CliRunner r = CliRunner.run(argv);
        assertEquals(0, r.status(), r.err());
        return r.out().strip();
    }

    @Test
    void base32MakesCidV1() {
        assertEquals(V0_AS_V1 + "\n" + RAW, ok("cid", "base32", V0, RAW));
        String base58 = ok("cid", "format", "-b", "base58btc", RAW);
        assertTrue(base58.startsWith("zb2"), base58);
        assertEquals(RAW, ok("cid", "base32", base58));
        CliRunner stdin = CliRunner.runWithInput((V0 + "\n\n" + RAW + "\n").getBytes(), "cid", "base32");
        assertEquals(V0_AS_V1 + "\n" + RAW + "\n", stdin.out());
    }

    @Test
    void formatTakesKubosLetters() {
        assertEquals("cidv0-dag-pb-sha2-256-32", ok("cid", "format", "-f", "%P", V0));
        assertEquals("base58btc z cidv0 0 dag-pb 112 sha2-256 18 32 %", ok("cid", "format", "-f", "%b %B %v %V %c %C %h %H %L %%", V0));
        assertEquals(V0 + " " + V0, ok("cid", "format", "-f", "%s %S", V0));
        assertEquals("base32 b cidv1 raw 85", ok("cid", "format", "-f", "%b %B %v %c %C", RAW));
        assertEquals(RAW.substring(1), ok("cid", "format", "-f", "%S", RAW));
        assertEquals("zQmZULkCELmmk5XNfCgTnCyFgAVxBRBXyDHGGMVoLFLiXEN", ok("cid", "format", "-f", "%m", V0));
    }

    @Test
    void formatConvertsVersionsBasesAndCodecs() {
        // as Kubo: the base stays the input's, so a Qm… made CIDv1 is written in base58btc
        assertEquals(V0_AS_V1, ok("cid", "base32", ok("cid", "format", "-v", "1", V0)));
        assertEquals(V0_AS_V1, ok("cid", "format", "-v", "1", "-b", "base32", V0));
        assertEquals(V0, ok("cid", "format", "-v", "0", V0_AS_V1));
        String v1base58 = ok("cid", "format", "-b", "base58btc", V0);
        assertTrue(v1base58.startsWith("zdj7"), "-b alone makes a CIDv1: " + v1base58);
        assertEquals(V0_AS_V1, ok("cid", "base32", v1base58));
        assertTrue(ok("cid", "format", "-b", "base36", RAW).startsWith("k"));
        assertTrue(ok("cid", "format", "-b", "k", RAW).startsWith("k"));
        assertEquals(RAW, ok("cid", "format", "--mc", "raw", ok("cid", "format", "--mc", "dag-pb", RAW)));
        assertTrue(ok("cid", "format", "--mc", "dag-cbor", RAW).startsWith("bafyrei"));
    }

    @Test
    void aBadCidIsReportedAndTheOthersStillPrinted() {
        CliRunner r = CliRunner.run("cid", "format", "-v", "0", RAW, V0_AS_V1, "nonsense");
        assertEquals(1, r.status());
        assertEquals(V0 + "\n", r.out());
        assertTrue(r.err().contains(RAW + ": can't convert non-dag-pb nodes to cidv0"), r.err());
        assertTrue(r.err().contains("nonsense: "), r.err());
        assertTrue(r.err().contains("p2pkit cid format: error: some CIDs could not be converted"), r.err());

        CliRunner json = CliRunner.run("cid", "format", "nonsense", RAW, "--json");
        assertEquals(1, json.status());
        String[] lines = json.out().strip().split("\n");
        Map<?, ?> bad = (Map<?, ?>) TinyJson.parse(lines[0]);
        assertEquals("nonsense", bad.get("CidStr"));
        assertEquals("", bad.get("Formatted"));
        assertTrue(!bad.get("ErrorMsg").toString().isEmpty());
        assertEquals("{\"CidStr\":\"" + RAW + "\",\"Formatted\":\"" + RAW + "\",\"ErrorMsg\":\"\"}", lines[1]);
    }

    @Test
    void aWrongFormatOrOptionIsAUsageError() {
        assertEquals(2, CliRunner.run("cid", "format", "-f", "%x", RAW).status());
        assertEquals(2, CliRunner.run("cid", "format", "-f", "plain", RAW).status());
        assertEquals(2, CliRunner.run("cid", "format", "-f", "%", RAW).status());
        assertEquals(2, CliRunner.run("cid", "format", "-v", "2", RAW).status());
        assertEquals(2, CliRunner.run("cid", "format", "-v", "0", "-b", "base32", RAW).status());
        assertEquals(2, CliRunner.run("cid", "format", "-b", "base99", RAW).status());
    }

    @Test
    void optionErrorsAreKubos() {
        CliRunner r = CliRunner.run("cid", "format", "--mc", "nothing", RAW);
        assertEquals(2, r.status());
        assertTrue(r.err().contains("unknown multicodec: \"nothing\""), r.err());
        assertTrue(CliRunner.run("cid", "format", "-b", "base99", RAW).err().contains("unsupported multibase encoding: base99"));
        // go-multicodec takes a known code in Go's notation, and any table name
        assertEquals(ok("cid", "format", "--mc", "dag-cbor", RAW), ok("cid", "format", "--mc", "0x71", RAW));
        assertEquals(ok("cid", "format", "--mc", "dag-cbor", RAW), ok("cid", "format", "--mc", "113", RAW));
    }

    @Test
    void basesCodecsAndHashesAreKubosLists() {
        String bases = CliRunner.run("cid", "bases", "--prefix", "--numeric").out();
        assertTrue(bases.startsWith("        0  identity\n0      48  base2\nb      98  base32\n"), "identity's NUL shows as a space: "
                + bases);
        assertTrue(bases.endsWith("\uD83D\uDE80  128640  base256emoji\n"), bases);
        assertEquals(21, bases.lines().count());
        assertEquals(ok("cid", "bases", "--prefix", "--numeric"), ok("multibase", "list", "--numeric", "--prefix"));
        assertEquals("{\"Code\":98,\"Name\":\"base32\"}", ok("cid", "bases", "--json").lines()
                .filter(l -> l.contains("\"base32\"")).findFirst().orElseThrow());

        assertEquals("raw\ndag-pb\ndag-cbor\nlibp2p-key\ndag-json", ok("cid", "codecs", "--supported"));
        assertEquals(44, ok("cid", "codecs").lines().count());
        assertTrue(ok("cid", "codecs", "-n").startsWith("81  cbor\n   85  raw\n"), "stripped of its first spaces");
        String hashes = ok("cid", "hashes", "--numeric");
        assertEquals(73, hashes.lines().count());
        assertTrue(hashes.endsWith("45663  blake2s-248\n45664  blake2s-256"), hashes);
        assertEquals(hashes, ok("cid", "hashes", "-n", "-s"));
        assertEquals("{\"Code\":18,\"Name\":\"sha2-256\"}", ok("cid", "hashes", "--json").lines().toList().get(2));
    }
}
