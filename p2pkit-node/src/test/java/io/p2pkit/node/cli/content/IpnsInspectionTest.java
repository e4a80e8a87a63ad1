package io.p2pkit.node.cli.content;

import io.p2pkit.core.crypto.KeyType;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.multiformats.Multibase;
import io.p2pkit.core.protobuf.ProtobufWriter;
import io.p2pkit.kad.record.IpnsRecordSigner;
import io.p2pkit.node.config.GoDurations;
import io.p2pkit.node.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code name inspect}: the records and outputs in {@code ipns-inspect/} are Kubo 0.39's (an
 * Ed25519 record from {@code ipfs name publish}, an RSA one with its key embedded, and what
 * {@code ipfs name inspect} printed for each), so p2pkit must print the same bytes, validity
 * judged at a fixed time.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class IpnsInspectionTest {
    /** Before the Ed25519 record's end of validity, after the RSA one's. */
    private static final Instant NOW = Instant.parse("2026-11-24T00:00:00Z");
    private static final String ED_NAME = "12D3KooWHz7AEJzbRD66xbLErTe5aCRH8ucnijCRdRWXoJ6tSCbq";
    private static final String RSA_NAME = "k2k4r8lymfirneh06tffnyb8krcvamkh3h7a5xxpfygobpdcdq5duamf";
    private static final String OTHER = "/ipns/k51qzi5uqu5djejcj9das04p3wen7mowcz0z5iq3tw0yxaa8ko01odjley7fdg";

    private static byte[] golden(String name) throws IOException {
        try (InputStream in = IpnsInspectionTest.class.getResourceAsStream("ipns-inspect/" + name)) {
            return in.readAllBytes();
        }
    }

    private static String goldenText(String name) throws IOException {
        return new String(golden(name), StandardCharsets.UTF_8);
    }

    private static Map<String, Object> inspect(String record, String verify, boolean dump) throws IOException {
        return IpnsInspection.inspect(golden(record), Optional.ofNullable(verify), dump, NOW).json();
    }

    @Test
    void kubosRecordsReadAsKuboPrintsThem() throws IOException {
        assertEquals(goldenText("ed25519.text"), IpnsInspection.text(inspect("ed25519.ipns", null, true)));
        assertEquals(goldenText("ed25519.verify.json"), Json.write(inspect("ed25519.ipns", ED_NAME, true)) + "\n");
        assertEquals(goldenText("ed25519.other.json"), Json.write(inspect("ed25519.ipns", OTHER, false)) + "\n");
        assertEquals(goldenText("rsa.verify.text"), IpnsInspection.text(inspect("rsa.ipns", RSA_NAME, false)));
        assertEquals(goldenText("rsa.other.text"), IpnsInspection.text(inspect("rsa.ipns", ED_NAME, false)));
        assertEquals(goldenText("rsa.verify.json"), Json.write(inspect("rsa.ipns", RSA_NAME, true)) + "\n");
    }

    @Test
    void aRecordP2pkitSignsIsValidForItsNameOnly() {
        PrivateKey key = PrivateKey.generate(KeyType.ED25519);
        String name = key.publicKey().toPeerId().toString(Multibase.Encoding.BASE36);
        byte[] record = IpnsRecordSigner.sign(key, "/ipns/example.com/a", 7, NOW.plusSeconds(60), Duration.ofMinutes(1));
        IpnsInspection valid = IpnsInspection.inspect(record, Optional.of(name), false, NOW);
        assertEquals(new IpnsInspection.Validation(true, "", name), valid.validation().orElseThrow());
        Map<?, ?> entry = (Map<?, ?>) valid.json().get("Entry");
        assertEquals("/ipns/example.com/a", entry.get("Value"));
        assertEquals(7L, ((Number) entry.get("Sequence")).longValue());
        assertEquals(60_000_000_000L, entry.get("TTL"));
        assertEquals("record is expired", IpnsInspection.inspect(record, Optional.of(name), false,
                NOW.plusSeconds(61)).validation().orElseThrow().reason());
        assertEquals("public key is not embedded in peer ID", IpnsInspection.inspect(record, Optional.of(RSA_NAME), false,
                NOW).validation().orElseThrow().reason(), "an RSA name's key is not inlined, and the record embeds none");
        assertEquals("signature verification failed", IpnsInspection.inspect(record, Optional.of(ED_NAME), false, NOW)
                .validation().orElseThrow().reason(), "another Ed25519 name's key does not verify it");
    }

    @Test
    void fieldsThatAreMissingAreLeftOutAndTheRestShown() {
        // a V2-only record whose signed data has a binary CID for its value and no TTL
        byte[] cid = io.p2pkit.core.multiformats.Cid.parse("bafkqaaa").bytes();
        byte[] data = cbor(Map.of("Value", cid, "ValidityType", 0L, "Sequence", 3L,
                "Validity", "2026-11-24T01:00:00.5Z".getBytes(StandardCharsets.US_ASCII)));
        ProtobufWriter w = new ProtobufWriter();
        w.bytes(8, new byte[64]);
        w.bytes(9, data);
        byte[] record = w.toByteArray();
        Map<String, Object> json = IpnsInspection.inspect(record, Optional.empty(), false, NOW).json();
        assertEquals("V2", json.get("SignatureType"));
        assertEquals((long) record.length, ((Number) json.get("PbSize")).longValue());
        Map<?, ?> entry = (Map<?, ?>) json.get("Entry");
        assertEquals("/ipfs/bafkqaaa", entry.get("Value"));
        assertEquals("2026-11-24T01:00:00.5Z", entry.get("Validity"));
        assertNull(entry.get("TTL"));
        String text = IpnsInspection.text(json);
        assertFalse(text.contains("TTL"), text);
        assertTrue(text.startsWith("Value:          \"/ipfs/bafkqaaa\"\nValidity Type:  '\\x00'\n"), text);
        assertTrue(text.endsWith("\nThis record was not verified. Pass '--verify k51...' to verify.\n"), text);
    }

    /** A small canonical DAG-CBOR map of byte strings and unsigned integers, for hand-made records. */
    private static byte[] cbor(Map<String, Object> map) {
        var b = io.p2pkit.ipfs.ipld.MapNode.builder();
        map.forEach((k, v) -> b.put(k, v instanceof byte[] bytes ? io.p2pkit.ipfs.ipld.BytesNode.of(bytes)
                : io.p2pkit.ipfs.ipld.IntNode.of((Long) v)));
        return io.p2pkit.ipfs.codec.dagcbor.DagCbor.DEFAULT.encode(b.build());
    }

    @Test
    void badRecordsAndNamesFailWithKubosWords() throws IOException {
        IllegalArgumentException garbage = assertThrows(IllegalArgumentException.class,
                () -> IpnsInspection.inspect("hello\n".getBytes(StandardCharsets.US_ASCII), Optional.empty(), true, NOW));
        assertEquals("record is malformed\nproto: cannot parse invalid wire-format data", garbage.getMessage());
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
                () -> IpnsInspection.inspect(new byte[10 * 1024 + 1], Optional.empty(), true, NOW));
        assertEquals("record exceeds allowed size limit", big.getMessage());
        ProtobufWriter noData = new ProtobufWriter();
        noData.bytes(1, "/ipfs/bafkqaaa".getBytes(StandardCharsets.US_ASCII));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> IpnsInspection.inspect(noData.toByteArray(), Optional.empty(), true, NOW));
        assertEquals("record is malformed\nrecord is missing the dag-cbor data field", missing.getMessage());
        IllegalArgumentException name = assertThrows(IllegalArgumentException.class,
                () -> inspect("ed25519.ipns", "bad", false));
        assertTrue(name.getMessage().startsWith("failed to parse peer ID: "), name.getMessage());
    }

    @ParameterizedTest(name = "{0} ns is {1}")
    @CsvSource({"0, 0s", "750, 750ns", "1500, 1.5µs", "300000000, 300ms", "1500000000, 1.5s", "300000000000, 5m0s",
            "90000000000, 1m30s", "9900000000000, 2h45m0s", "3600000000000, 1h0m0s", "172800000000000, 48h0m0s",
            "-1500000000, -1.5s"})
    void durationsAreWrittenAsGoWritesThem(long nanos, String text) {
        assertEquals(text, GoDurations.format(Duration.ofNanos(nanos)));
    }

    @Test
    void theHexDumpIsGos() {
        assertEquals("00000000  68 69                                             |hi|\n",
                IpnsInspection.hexDump("hi".getBytes(StandardCharsets.US_ASCII)));
        byte[] sixteen = new byte[16];
        sixteen[15] = '~';
        assertEquals("00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 7e  |...............~|\n",
                IpnsInspection.hexDump(sixteen));
        assertEquals("", IpnsInspection.hexDump(new byte[0]));
    }
}
