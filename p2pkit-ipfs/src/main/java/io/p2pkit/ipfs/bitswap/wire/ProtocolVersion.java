package io.p2pkit.ipfs.bitswap.wire;

import java.util.List;

/** The Bitswap protocol IDs p2pkit speaks, newest first, and what each can carry. */
public enum ProtocolVersion {
    V1_2_0("/ipfs/bitswap/1.2.0"),
    V1_1_0("/ipfs/bitswap/1.1.0"),
    V1_0_0("/ipfs/bitswap/1.0.0"),
    /** The original ID, the same wire as 1.0.0. */
    LEGACY("/ipfs/bitswap");

    private final String id;

    ProtocolVersion(String id) {
        this.id = id;
    }

    /** @return the protocol ID */
    public String id() {
        return id;
    }

    /** @return whether blocks travel with their CID prefix (1.1.0 and later) rather than as bare CIDv0 data */
    public boolean hasPayload() {
        return this == V1_2_0 || this == V1_1_0;
    }

    /** @return whether want-have, DONT_HAVE and block presences exist (1.2.0) */
    public boolean hasPresences() {
        return this == V1_2_0;
    }

    /** @return every ID, newest first, as proposed when opening a stream */
    public static List<String> ids() {
        return List.of(V1_2_0.id, V1_1_0.id, V1_0_0.id, LEGACY.id);
    }

    /**
     * @param id a negotiated protocol ID
     * @return its version
     * @throws IllegalArgumentException when it is not a Bitswap ID
     */
    public static ProtocolVersion of(String id) {
        for (ProtocolVersion v : values()) {
            if (v.id.equals(id)) {
                return v;
            }
        }
        throw new IllegalArgumentException("not a Bitswap protocol: " + id);
    }
}
