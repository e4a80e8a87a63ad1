package io.p2pkit.kad.record;

import io.p2pkit.core.crypto.KeyType;
import io.p2pkit.core.crypto.PrivateKey;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class IpnsRecordSignerTest {
    @ParameterizedTest
    @EnumSource(value = KeyType.class, names = {"ED25519", "SECP256K1", "ECDSA"})
    void signedRecordsValidateAndRoundTrip(KeyType type) {
        PrivateKey k = PrivateKey.generate(type);
        Instant until = Instant.parse("2030-01-02T03:04:05.123456789Z");
        byte[] rec = IpnsRecordSigner.sign(k, "/ipfs/bafkqaaa", 300, until, Duration.ofHours(1));
        IpnsValidator v = new IpnsValidator(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
        byte[] key = IpnsValidator.keyFor(k.publicKey().toPeerId());
        v.validate(key, rec);
        IpnsRecord r = IpnsRecord.decode(rec);
        assertEquals("/ipfs/bafkqaaa", r.valueText());
        assertEquals(300, r.sequence());
        assertEquals(until, r.validUntil());
        assertEquals(3_600_000_000_000L, r.ttlNanos());
        assertEquals(true, r.v1FieldsMatchData());
        IpnsValidator later = new IpnsValidator(Clock.fixed(Instant.parse("2031-01-01T00:00:00Z"), ZoneOffset.UTC));
        assertThrows(InvalidRecordException.class, () -> later.validate(key, rec));
    }
}
