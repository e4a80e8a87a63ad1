package io.p2pkit.node.ipnsps;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.kad.record.IpnsRecord;
import io.p2pkit.kad.record.IpnsRecordSigner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The better-record rule of go-libp2p-pubsub-router over boxo's IPNS validator, and the validation
 * every received record goes through: signature, key, end of validity, the 10 KiB cap.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RecordVerdictTest {
    private static final PrivateKey KEY = PrivateKey.generateEd25519();
    private static final PeerId NAME = KEY.publicKey().toPeerId();
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private static final String VALUE = "/ipfs/bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4";

    private static byte[] record(long sequence, Duration lifetime) {
        return IpnsRecordSigner.sign(KEY, VALUE, sequence, NOW.plus(lifetime), Duration.ofHours(1));
    }

    @Test
    void aValidRecordIsBetterThanNone() {
        assertEquals(RecordVerdict.BETTER, RecordVerdict.judge(NAME, record(0, Duration.ofHours(1)), null, NOW));
    }

    @Test
    void theHigherSequenceWinsWhateverTheValidity() {
        byte[] old = record(1, Duration.ofDays(30));
        byte[] next = record(2, Duration.ofHours(1));
        assertEquals(RecordVerdict.BETTER, RecordVerdict.judge(NAME, next, old, NOW));
        assertEquals(RecordVerdict.WORSE, RecordVerdict.judge(NAME, old, next, NOW));
    }

    @Test
    void atTheSameSequenceTheLaterEndOfValidityWins() {
        byte[] shorter = record(3, Duration.ofHours(1));
        byte[] longer = record(3, Duration.ofHours(2));
        assertEquals(RecordVerdict.BETTER, RecordVerdict.judge(NAME, longer, shorter, NOW));
        assertEquals(RecordVerdict.WORSE, RecordVerdict.judge(NAME, shorter, longer, NOW));
    }

    @Test
    void theVeryRecordHeldIsTheSame() {
        byte[] r = record(4, Duration.ofHours(1));
        assertEquals(RecordVerdict.SAME, RecordVerdict.judge(NAME, r.clone(), r, NOW));
    }

    @Test
    void equalRecordsOtherwiseAreOrderedByTheirBytesAsBoxoDoes() {
        // the same fields signed by another run: RSA-PSS or not, two encodings can differ; make two that do
        byte[] a = record(5, Duration.ofHours(1));
        byte[] b = IpnsRecordSigner.sign(KEY, VALUE, 5, NOW.plus(Duration.ofHours(1)), Duration.ofHours(2));
        boolean aLarger = Arrays.compareUnsigned(a, b) > 0;
        assertEquals(aLarger ? RecordVerdict.BETTER : RecordVerdict.WORSE, RecordVerdict.judge(NAME, a, b, NOW));
        assertEquals(aLarger ? RecordVerdict.WORSE : RecordVerdict.BETTER, RecordVerdict.judge(NAME, b, a, NOW));
    }

    @Test
    void aHeldRecordThatExpiredLosesToAnyValidOne() {
        byte[] held = record(9, Duration.ofMinutes(1));
        byte[] lower = record(1, Duration.ofHours(1));
        assertEquals(RecordVerdict.BETTER, RecordVerdict.judge(NAME, lower, held, NOW.plus(Duration.ofMinutes(2))));
    }

    @Test
    void anExpiredRecordIsInvalid() {
        assertEquals(RecordVerdict.INVALID, RecordVerdict.judge(NAME, record(0, Duration.ofMinutes(1)), null,
                NOW.plus(Duration.ofMinutes(2))));
    }

    @Test
    void aRecordOfAnotherKeyIsInvalid() {
        PeerId other = PrivateKey.generateEd25519().publicKey().toPeerId();
        assertEquals(RecordVerdict.INVALID, RecordVerdict.judge(other, record(0, Duration.ofHours(1)), null, NOW));
    }

    @Test
    void aRecordWithABrokenSignatureIsInvalid() {
        byte[] r = record(0, Duration.ofHours(1));
        IpnsRecord decoded = IpnsRecord.decode(r);
        byte[] sig = decoded.signatureV2().orElseThrow();
        int at = indexOf(r, sig);
        r[at + sig.length / 2] ^= 1;
        assertEquals(RecordVerdict.INVALID, RecordVerdict.judge(NAME, r, null, NOW));
    }

    @Test
    void garbageAndOversizedDataAreInvalid() {
        assertEquals(RecordVerdict.INVALID, RecordVerdict.judge(NAME, new byte[0], null, NOW));
        assertEquals(RecordVerdict.INVALID, RecordVerdict.judge(NAME, "not a record".getBytes(), null, NOW));
        byte[] r = record(0, Duration.ofHours(1));
        byte[] padded = Arrays.copyOf(r, IpnsRecord.MAX_BYTES + 1); // trailing zeros: over the cap before anything else
        assertEquals(RecordVerdict.INVALID, RecordVerdict.judge(NAME, padded, null, NOW));
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("signature not found in the record");
    }
}
