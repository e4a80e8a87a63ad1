package io.p2pkit.ipfs.block;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;

import java.util.Objects;

/**
 * A block: bytes and the CID that names them.
 *
 * <p>Blocks from outside (the network, a CAR file, a user's {@code block put} with a given CID)
 * enter through {@link #verified}, which hashes the bytes and refuses them when they do not match
 * their CID. Blocks this node made itself, or read back from its own store, use {@link #of}.
 * The byte array is shared, not copied: nobody may change it once it is in a block.
 */
public final class Block {
    /**
     * The largest block p2pkit accepts from outside unless told otherwise: 2 MiB, as Kubo's
     * Bitswap and {@code --allow-big-block} draw the line (1 MiB chunks plus their framing fit).
     */
    public static final int MAX_SIZE = 2 * 1024 * 1024;

    private final Cid cid;
    private final byte[] data;

    private Block(Cid cid, byte[] data) {
        this.cid = Objects.requireNonNull(cid, "cid");
        this.data = Objects.requireNonNull(data, "data");
    }

    /**
     * A block whose CID is known to match, without hashing again.
     *
     * @param cid  its CID
     * @param data its bytes, not copied
     * @return the block
     */
    public static Block of(Cid cid, byte[] data) {
        return new Block(cid, data);
    }

    /**
     * A new CIDv1 block: hashes {@code data} with {@code hashFunction}.
     *
     * @param codec        the multicodec of the content, e.g. {@link Multicodec#RAW}
     * @param hashFunction the multihash function, e.g. {@link Multicodec#SHA2_256}
     * @param data         the bytes, not copied
     * @return the block
     */
    public static Block create(long codec, long hashFunction, byte[] data) {
        return new Block(Cid.v1(codec, Multihash.digest(hashFunction, data)), data);
    }

    /**
     * A block from outside, checked against its CID.
     *
     * @param cid  the CID it claims
     * @param data its bytes, not copied
     * @return the block
     * @throws BlockMismatchException when the bytes do not hash to the CID's multihash, or the hash
     *                                function is one p2pkit cannot compute
     */
    public static Block verified(Cid cid, byte[] data) {
        Multihash claimed = cid.multihash();
        if (!Multihash.isSupported(claimed.code())) {
            throw new BlockMismatchException(cid, "its hash function 0x" + Long.toHexString(claimed.code())
                    + " is not supported, so the block cannot be verified");
        }
        Multihash actual;
        try {
            actual = claimed.code() == Multicodec.IDENTITY ? Multihash.identity(data)
                    : Multihash.digest(claimed.code(), data, claimed.length());
        } catch (IllegalArgumentException e) {
            throw new BlockMismatchException(cid, e.getMessage());
        }
        if (!actual.equals(claimed)) {
            throw new BlockMismatchException(cid, "its " + data.length + " bytes hash to " + actual);
        }
        return new Block(cid, data);
    }

    /** @return the CID */
    public Cid cid() {
        return cid;
    }

    /** @return the bytes (shared: do not modify) */
    public byte[] data() {
        return data;
    }

    /** @return the number of bytes */
    public int size() {
        return data.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Block b && cid.equals(b.cid);
    }

    @Override
    public int hashCode() {
        return cid.hashCode();
    }

    @Override
    public String toString() {
        return "Block(" + cid + ", " + data.length + " bytes)";
    }
}
