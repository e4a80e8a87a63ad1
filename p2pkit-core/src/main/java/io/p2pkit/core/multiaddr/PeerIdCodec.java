package io.p2pkit.core.multiaddr;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Base58;
import io.p2pkit.core.multiformats.Multibase;

/**
 * Peer IDs in {@code /p2p}: the binary value is the peer ID's multihash, printed as base58btc.
 * Text input may be a base58btc multihash ({@code Qm...}, {@code 12D3Koo...}, {@code 16Uiu2...})
 * or a CIDv1 with codec {@code libp2p-key} in any multibase. As the peer-id spec and
 * go-multiaddr require, the multihash must be identity or a 32-byte sha2-256.
 */
final class PeerIdCodec implements ValueCodec {
    static final PeerIdCodec INSTANCE = new PeerIdCodec();
    private static final long CID_V1 = 1;
    private static final long LIBP2P_KEY = 0x72;

    private PeerIdCodec() {
    }

    @Override
    public byte[] parse(String text) {
        if (text.isEmpty()) {
            throw new DecodeException("p2p", "empty peer ID");
        }
        byte[] mh;
        if (text.startsWith("Qm") || text.charAt(0) == '1') {
            try {
                mh = Base58.decode(text);
            } catch (DecodeException e) {
                throw new DecodeException("p2p", "peer ID is not base58btc: " + e.getMessage(), e);
            }
        } else {
            mh = fromCid(text);
        }
        validate(mh, 0, mh.length);
        return mh;
    }

    private static byte[] fromCid(String text) {
        byte[] cid;
        try {
            cid = Multibase.decode(text);
        } catch (DecodeException e) {
            throw new DecodeException("p2p", "peer ID is neither base58btc nor a multibase CID: " + e.getMessage(), e);
        }
        ByteCursor c = new ByteCursor(cid, 0, cid.length, "p2p");
        long version = c.readVarint();
        if (version != CID_V1) {
            throw new DecodeException("p2p", "peer ID CID must be version 1, got " + version);
        }
        long codec = c.readVarint();
        if (codec != LIBP2P_KEY) {
            throw new DecodeException("p2p", "peer ID CID must have codec libp2p-key (0x72), got 0x" + Long.toHexString(codec));
        }
        byte[] mh = new byte[c.remaining()];
        System.arraycopy(cid, c.pos, mh, 0, mh.length);
        return mh;
    }

    @Override
    public String format(byte[] src, int offset, int length) {
        byte[] b = new byte[length];
        System.arraycopy(src, offset, b, 0, length);
        return Base58.encode(b);
    }

    @Override
    public void validate(byte[] src, int offset, int length) {
        ByteCursor c = new ByteCursor(src, offset, offset + length, "p2p");
        long code = c.readVarint();
        long digestLength = c.readVarint();
        if (digestLength != c.remaining()) {
            throw new DecodeException("p2p", "multihash digest length " + digestLength
                    + " does not match the " + c.remaining() + " bytes present");
        }
        if (code == MultihashShape.SHA2_256) {
            if (digestLength != 32) {
                throw new DecodeException("p2p", "sha2-256 peer ID digest must be 32 bytes, got " + digestLength);
            }
        } else if (code != MultihashShape.IDENTITY) {
            throw new DecodeException("p2p", "peer ID multihash must be identity or sha2-256, got code 0x" + Long.toHexString(code));
        }
    }
}
