package io.p2pkit.nat.relay;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ReservationVoucherFuzzTest {
    /** Any payload decodes to a voucher that survives re-encoding, or is rejected with a DecodeException. */
    @FuzzTest(maxDuration = "60s")
    void decodePayload(byte[] input) {
        ReservationVoucher v;
        try {
            v = ReservationVoucher.decodePayload(input);
        } catch (DecodeException expected) {
            return;
        }
        assertEquals(v, ReservationVoucher.decodePayload(v.encodePayload()));
    }

    /** Any envelope opens (signature, type and signer checked) or is rejected with a DecodeException. */
    @FuzzTest(maxDuration = "60s")
    void open(byte[] input) {
        try {
            ReservationVoucher.open(input);
        } catch (DecodeException expected) {
            // rejected cleanly
        }
    }
}
