package io.p2pkit.kad.record;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.crypto.PublicKey;
import io.p2pkit.core.identity.PeerId;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The {@code ipns} namespace: key {@code /ipns/<peer ID bytes>}, value an IPNS record. Valid
 * when it has V2 data signed (over {@code "ipns-signature:" || data}) by the key of the named
 * peer (embedded in the record or inlined in the peer ID), its V1 fields (if any) match the data,
 * its validity type is EOL and the EOL is in the future. V1 signatures are not checked, as the
 * IPNS spec says. The best record has the highest sequence, then the latest EOL.
 */
public final class IpnsValidator implements RecordValidator {
    /** The key prefix. */
    public static final String PREFIX = "/ipns/";
    private static final byte[] SIGNATURE_PREFIX = "ipns-signature:".getBytes(StandardCharsets.US_ASCII);

    private final Clock clock;

    /** A validator judging expiry by {@code clock}. */
    public IpnsValidator(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void validate(byte[] key, byte[] value) {
        PeerId name = PublicKeyValidator.peerOf(key);
        IpnsRecord r = parse(value);
        check(name, r, clock.instant());
    }

    /** Checks a decoded record as the record of {@code name} at {@code now}. */
    public static void check(PeerId name, IpnsRecord r, Instant now) {
        PublicKey key;
        try {
            Optional<byte[]> embedded = r.publicKey();
            if (embedded.isPresent()) {
                key = PublicKey.unmarshal(embedded.get());
            } else {
                key = PublicKey.fromPeerId(name).orElseThrow(() -> new InvalidRecordException("IpnsEntry.pubKey",
                        "missing, and the name " + name + " does not inline its key"));
            }
        } catch (DecodeException e) {
            if (e instanceof InvalidRecordException ire) {
                throw ire;
            }
            throw new InvalidRecordException("IpnsEntry.pubKey", e.getMessage(), e);
        }
        if (!key.toPeerId().equals(name)) {
            throw new InvalidRecordException("IpnsEntry.pubKey", "the key is " + key.toPeerId() + "'s, not " + name + "'s");
        }
        byte[] sig = r.signatureV2().orElseThrow(() -> new InvalidRecordException("IpnsEntry.signatureV2", "missing"));
        byte[] data = r.data();
        byte[] signed = new byte[SIGNATURE_PREFIX.length + data.length];
        System.arraycopy(SIGNATURE_PREFIX, 0, signed, 0, SIGNATURE_PREFIX.length);
        System.arraycopy(data, 0, signed, SIGNATURE_PREFIX.length, data.length);
        if (!key.verify(signed, sig)) {
            throw new InvalidRecordException("IpnsEntry.signatureV2", "does not verify");
        }
        if (r.hasV1Fields() && !r.v1FieldsMatchData()) {
            throw new InvalidRecordException("IpnsEntry", "the V1 fields differ from the signed V2 data");
        }
        if (r.validityType() != 0) {
            throw new InvalidRecordException("IpnsEntry.data.ValidityType", "unknown validity type " + r.validityType());
        }
        Instant eol;
        try {
            eol = r.validUntil();
        } catch (DecodeException e) {
            throw new InvalidRecordException("IpnsEntry.data.Validity", e.getMessage(), e);
        }
        if (!eol.isAfter(now)) {
            throw new InvalidRecordException("IpnsEntry.data.Validity", "expired at " + eol);
        }
    }

    private static IpnsRecord parse(byte[] value) {
        try {
            return IpnsRecord.decode(value);
        } catch (InvalidRecordException e) {
            throw e;
        } catch (DecodeException e) {
            throw new InvalidRecordException(e.field(), e.getMessage(), e);
        }
    }

    @Override
    public int select(byte[] key, List<byte[]> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("nothing to select from");
        }
        int best = -1;
        IpnsRecord bestRecord = null;
        for (int i = 0; i < values.size(); i++) {
            IpnsRecord r;
            try {
                r = IpnsRecord.decode(values.get(i));
                r.validUntil();
            } catch (DecodeException e) {
                continue;
            }
            if (bestRecord == null || better(r, bestRecord)) {
                best = i;
                bestRecord = r;
            }
        }
        return Math.max(best, 0);
    }

    private static boolean better(IpnsRecord a, IpnsRecord b) {
        int bySeq = Long.compareUnsigned(a.sequence(), b.sequence());
        if (bySeq != 0) {
            return bySeq > 0;
        }
        return a.validUntil().isAfter(b.validUntil());
    }

    /** The key for {@code peer}'s IPNS record. */
    public static byte[] keyFor(PeerId peer) {
        return NamespacedKey.of(PREFIX, peer.bytes());
    }
}
