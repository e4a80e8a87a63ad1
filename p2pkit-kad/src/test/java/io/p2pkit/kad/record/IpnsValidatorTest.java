package io.p2pkit.kad.record;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.testing.Vectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The IPNS record vectors of ipfs/gateway-conformance, with the outcomes the IPNS spec gives. */
class IpnsValidatorTest {
    private static final Clock NOW = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    private static final String DIR = "ipfs-gateway-conformance/fixtures/";

    private static PeerId nameOf(String file) {
        String name = Path.of(file).getFileName().toString();
        name = name.substring(0, name.indexOf(name.contains("_") ? '_' : '.'));
        return name.startsWith("k51") ? PeerId.fromMultihash(Cid.parse(name).multihash()) : PeerId.parse(name);
    }

    @ParameterizedTest
    @CsvSource({
            "ipns_records/k51qzi5uqu5dm4tm0wt8srkg9h9suud4wuiwjimndrkydqm81cqtlb5ak6p7ku_v1.ipns-record, false, ",
            "ipns_records/k51qzi5uqu5dlkw8pxuw9qmqayfdeh4kfebhmreauqdc6a7c3y7d5i9fi8mk9w_v1-v2.ipns-record, true, /ipfs/bafkqaddwgevxmmraojswg33smq",
            "ipns_records/k51qzi5uqu5dlmit2tuwdvnx4sbnyqgmvbxftl0eo3f33wwtb9gr7yozae9kpw_v1-v2-broken-v1-value.ipns-record, false, ",
            "ipns_records/k51qzi5uqu5diamp7qnnvs1p1gzmku3eijkeijs3418j23j077zrkok63xdm8c_v1-v2-broken-signature-v2.ipns-record, false, ",
            "ipns_records/k51qzi5uqu5dilgf7gorsh9vcqqq4myo6jd4zmqkuy9pxyxi5fua3uf7axph4y_v1-v2-broken-signature-v1.ipns-record, true, /ipfs/bafkqahtwgevxmmrao5uxi2bamjzg623fnyqhg2lhnzqxi5lsmuqhmmi",
            "ipns_records/k51qzi5uqu5dit2ku9mutlfgwyz8u730on38kd10m97m36bjt66my99hb6103f_v2.ipns-record, true, /ipfs/bafkqadtwgiww63tmpeqhezldn5zgi",
            "path_gateway_dag/k51qzi5uqu5dghjous0agrwavl8vzl64xckoqzwqeqwudfr74kfd11zcyk3b7l.ipns-record, true, ",
            "path_gateway_dag/k51qzi5uqu5dhjghbwdvbo6mi40htrq6e2z4pwgp15pgv3ho1azvidttzh8yy2.ipns-record, true, ",
            "subdomain_gateway/12D3KooWLQzUv2FHWGVPXTXSZpdHs7oHbXub2G5WC8Tx4NQhyd2d.ipns-record, true, ",
            "subdomain_gateway/QmVujd5Vb7moysJj8itnGufN7MEtPRCNHkKpNuA4onsRa3.ipns-record, true, ",
    })
    void conformanceVectors(String file, boolean valid, String value) {
        byte[] bytes = Vectors.bytes(DIR + file);
        byte[] key = IpnsValidator.keyFor(nameOf(file));
        IpnsValidator v = new IpnsValidator(NOW);
        if (valid) {
            v.validate(key, bytes);
            if (value != null) {
                assertEquals(value, IpnsRecord.decode(bytes).valueText());
            }
        } else {
            assertThrows(InvalidRecordException.class, () -> v.validate(key, bytes));
        }
    }

    @Test
    void expiredRecordsAreInvalid() {
        String file = "ipns_records/k51qzi5uqu5dit2ku9mutlfgwyz8u730on38kd10m97m36bjt66my99hb6103f_v2.ipns-record";
        byte[] bytes = Vectors.bytes(DIR + file);
        IpnsValidator later = new IpnsValidator(Clock.fixed(Instant.parse("2124-01-01T00:00:00Z"), ZoneOffset.UTC));
        InvalidRecordException e = assertThrows(InvalidRecordException.class,
                () -> later.validate(IpnsValidator.keyFor(nameOf(file)), bytes));
        assertTrue(e.getMessage().contains("expired"));
    }

    @Test
    void aRecordUnderAnotherNameIsInvalid() {
        byte[] bytes = Vectors.bytes(DIR + "ipns_records/k51qzi5uqu5dit2ku9mutlfgwyz8u730on38kd10m97m36bjt66my99hb6103f_v2.ipns-record");
        PeerId other = nameOf("ipns_records/k51qzi5uqu5dlkw8pxuw9qmqayfdeh4kfebhmreauqdc6a7c3y7d5i9fi8mk9w_v1-v2.ipns-record");
        assertThrows(InvalidRecordException.class, () -> new IpnsValidator(NOW).validate(IpnsValidator.keyFor(other), bytes));
    }

    @Test
    void selectionPrefersHigherSequenceThenLaterValidity() {
        PrivateKey k = PrivateKey.generateEd25519();
        Duration ttl = Duration.ofHours(1);
        byte[] seq1 = IpnsRecordSigner.sign(k, "/ipfs/a", 1, Instant.parse("2030-01-01T00:00:00Z"), ttl);
        byte[] seq2 = IpnsRecordSigner.sign(k, "/ipfs/b", 2, Instant.parse("2029-01-01T00:00:00Z"), ttl);
        byte[] seq2later = IpnsRecordSigner.sign(k, "/ipfs/c", 2, Instant.parse("2031-01-01T00:00:00Z"), ttl);
        IpnsValidator v = new IpnsValidator(NOW);
        byte[] key = IpnsValidator.keyFor(k.publicKey().toPeerId());
        for (byte[] r : List.of(seq1, seq2, seq2later)) {
            v.validate(key, r);
        }
        assertEquals(1, v.select(key, List.of(seq1, seq2)));
        assertEquals(2, v.select(key, List.of(seq1, seq2, seq2later)));
        assertEquals(0, v.select(key, List.of(seq2later, seq1)));
    }
}
