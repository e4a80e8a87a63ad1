package io.p2pkit.pubsub;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.p2pkit.core.DecodeException;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RpcCodecFuzzTest {
    /** Any input decodes to an RPC that survives a re-encode, or is rejected with a DecodeException. */
    @FuzzTest
    void decode(byte[] input) {
        Rpc rpc;
        try {
            rpc = RpcCodec.decode(input, RpcLimits.DEFAULT);
        } catch (DecodeException expected) {
            return;
        }
        assertEquals(rpc, RpcCodec.decode(RpcCodec.encode(rpc), RpcLimits.DEFAULT));
        for (PubsubMessage m : rpc.messages()) {
            MessageSigning.check(SignaturePolicy.STRICT_SIGN, m);
            MessageIdFunction.FROM_AND_SEQNO.apply(m);
        }
    }
}
