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

    /** Kubo 0.41's {@code cid inspect}: its changelog's example byte for byte, then the other kinds of CID. */
    @Test
    void inspectTakesACidApartAsKubo() {
        assertEquals("""
                CID:        bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi
                Version:    1
                Multibase:  base32 (b)
                Multicodec: dag-pb (0x70)
                Multihash:  sha2-256 (0x12)
                  Length:   32 bytes
                  Digest:   c3c4733ec8affd06cf9e9ff50ffc6bcd2ec85a6170004bb709669c31de94391a
                CIDv0:      QmbWqxBEKC3P8tqsKc98xmWNzrzDtRLMiMPL8wBuTGsMnR
                CIDv1:      bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi
                """, CliRunner.run("cid", "inspect", "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi").out());
        String v0 = ok("cid", "inspect", "QmbWqxBEKC3P8tqsKc98xmWNzrzDtRLMiMPL8wBuTGsMnR");
        assertTrue(v0.contains("Multibase:  base58btc (implicit)\nMulticodec: dag-pb (0x70, implicit)\n"
                + "Multihash:  sha2-256 (0x12, implicit)\n"), v0);
        assertTrue(ok("cid", "inspect", RAW).contains("CIDv0:      not possible, requires dag-pb (0x70), got raw (0x55)\n"));
        String key = ok("cid", "inspect", "k51qzi5uqu5di1vhksvbuzzwr0xq7522ec51uyncd8f8ctdmyts7r9el2co9sr");
        assertTrue(key.contains("Multibase:  base36 (k)\nMulticodec: libp2p-key (0x72)\nMultihash:  identity (0x0)\n"
                + "  Length:   36 bytes\n") && key.endsWith("CIDv1:      k51qzi5uqu5di1vhksvbuzzwr0xq7522ec51uyncd8f8ctdmyts7r9el2co9sr"),
                "a key's CIDv1 in base36: " + key);
        Map<?, ?> json = (Map<?, ?>) TinyJson.parse(ok("cid", "inspect", "--json", RAW));
        Map<?, ?> codec = (Map<?, ?>) json.get("multicodec");
        assertEquals(85, ((Number) codec.get("code")).intValue());
        assertEquals("raw", codec.get("name"));
        assertEquals(false, json.containsKey("cidV0"), "omitted, as Go's omitempty");

        CliRunner peer = CliRunner.run("cid", "inspect", "12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA");
        assertEquals(1, peer.status());
        assertTrue(peer.err().contains("invalid CID: ") && peer.err().contains("Note: the value is a PeerID; inspect its "
                + "CID representation instead:\n  k51qzi5uqu5dhdmyb9bd18pypu2wp5lpv2xnskfmrqa4lb5knqryrotb05e7or"), peer.err());
        Map<?, ?> bad = (Map<?, ?>) TinyJson.parse(ok("cid", "inspect", "--json", "nope"));
        assertTrue(((String) bad.get("errorMsg")).startsWith("invalid CID: "), bad.toString());
        assertEquals("", bad.get("cidV1"));
        assertEquals(RAW, json.get("cid"), "the CID as given");
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
