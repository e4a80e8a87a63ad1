package io.p2pkit.kad.record;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;
import io.p2pkit.core.identity.PeerId;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

class IpnsRecordFuzzTest {
    private static final PeerId NAME = PeerId.parse("12D3KooWLQzUv2FHWGVPXTXSZpdHs7oHbXub2G5WC8Tx4NQhyd2d");
    private static final IpnsValidator VALIDATOR = new IpnsValidator(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));

    /** Validation of any bytes either passes or fails with an InvalidRecordException; selection never throws. */
    @FuzzTest
    void validate(byte[] input) {
        byte[] key = IpnsValidator.keyFor(NAME);
        try {
            VALIDATOR.validate(key, input);
        } catch (InvalidRecordException expected) {
            // clean rejection
        }
        VALIDATOR.select(key, List.of(input, input));
        try {
            IpnsRecord.decode(input);
        } catch (DecodeException expected) {
            // clean rejection
        }
    }
}
