package io.p2pkit.core.multiaddr;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiformats.Base58;

import java.util.Arrays;

/**
 * Peer IDs in {@code /p2p}: the binary value is the peer ID's multihash, printed as base58btc.
 * Text input may be a base58btc multihash ({@code Qm...}, {@code 12D3Koo...}, {@code 16Uiu2...})
 * or a CIDv1 with codec {@code libp2p-key} in any multibase. Validity is {@link PeerId}'s, so that
 * every accepted value is a peer ID: identity (1 to 42 bytes) or 32-byte sha2-256. go-multiaddr
 * also accepts longer identity multihashes, which no spec-conforming key produces.
 */
final class PeerIdCodec implements ValueCodec {
    static final PeerIdCodec INSTANCE = new PeerIdCodec();

    private PeerIdCodec() {
    }

    @Override
    public byte[] parse(String text) {
        if (text.isEmpty()) {
            throw new DecodeException("p2p", "empty peer ID");
        }
        return PeerId.parse(text).bytes();
    }

    @Override
    public String format(byte[] src, int offset, int length) {
        return Base58.encode(Arrays.copyOfRange(src, offset, offset + length));
    }

    @Override
    public void validate(byte[] src, int offset, int length) {
        PeerId.decode(Arrays.copyOfRange(src, offset, offset + length));
    }
}
