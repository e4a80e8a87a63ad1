package io.p2pkit.ipfs.mfs;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;

/**
 * The CID version and hash function new MFS nodes are made with (Kubo's {@code --cid-version}
 * and {@code --hash}).
 *
 * @param version      0 or 1
 * @param hashFunction a multihash code; CIDv0 takes sha2-256 only
 */
public record CidPrefix(int version, long hashFunction) {
    /** Kubo's default: CIDv0, sha2-256. */
    public static final CidPrefix V0 = new CidPrefix(0, Multicodec.SHA2_256);

    /** @throws IllegalArgumentException for another version, or CIDv0 with another hash */
    public CidPrefix {
        if (version != 0 && version != 1) {
            throw new IllegalArgumentException("unknown CID version " + version);
        }
        if (version == 0 && hashFunction != Multicodec.SHA2_256) {
            throw new IllegalArgumentException("CIDv0 only supports sha2-256");
        }
    }

    /**
     * Kubo's reading of the two options: a hash alone means CIDv1.
     *
     * @param version      the asked version, or null
     * @param hashFunction the asked hash, or null
     * @return the prefix, or null when neither was asked (inherit the parent's)
     */
    public static CidPrefix of(Integer version, Long hashFunction) {
        if (version == null && hashFunction == null) {
            return null;
        }
        int v = version == null || (hashFunction != null && version == 0) ? (hashFunction == null ? 0 : 1) : version;
        return new CidPrefix(v, hashFunction == null ? Multicodec.SHA2_256 : hashFunction);
    }

    /** @return the prefix {@code cid} was made with */
    public static CidPrefix of(Cid cid) {
        return new CidPrefix(cid.version(), cid.multihash().code());
    }
}
