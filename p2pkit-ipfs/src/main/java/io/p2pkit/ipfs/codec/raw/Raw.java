package io.p2pkit.ipfs.codec.raw;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.codec.Codec;
import io.p2pkit.ipfs.codec.EncodeException;
import io.p2pkit.ipfs.codec.Limits;
import io.p2pkit.ipfs.ipld.BytesNode;
import io.p2pkit.ipfs.ipld.Node;

import java.util.List;
import java.util.Objects;

/**
 * The raw codec (multicodec {@code 0x55}): a block is one byte string and links nowhere. The
 * identity codec ({@code 0x00}) behaves the same and is {@link #IDENTITY}.
 */
public final class Raw implements Codec {
    /** The raw codec, {@code 0x55}, with {@link Limits#DEFAULT}. */
    public static final Raw DEFAULT = new Raw(Multicodec.RAW, "raw", Limits.DEFAULT);
    /** The identity codec, {@code 0x00}: the bytes are the data, as with raw. */
    public static final Raw IDENTITY = new Raw(Multicodec.IDENTITY, "identity", Limits.DEFAULT);

    private final long code;
    private final String name;
    private final Limits limits;

    private Raw(long code, String name, Limits limits) {
        this.code = code;
        this.name = name;
        this.limits = limits;
    }

    /** @return the raw codec with other limits (only the block size cap applies) */
    public static Raw withLimits(Limits limits) {
        return new Raw(Multicodec.RAW, "raw", Objects.requireNonNull(limits, "limits"));
    }

    @Override
    public long code() {
        return code;
    }

    @Override
    public String name() {
        return name;
    }

    /** @return the bytes as a bytes node (copied) */
    @Override
    public Node decode(byte[] data) {
        if (data.length > limits.maxBlockSize()) {
            throw new DecodeException(name, "block of " + data.length + " bytes exceeds the cap of " + limits.maxBlockSize());
        }
        return BytesNode.of(data);
    }

    /**
     * @param node a bytes node
     * @return its bytes
     * @throws EncodeException for any other kind
     */
    @Override
    public byte[] encode(Node node) {
        if (!(node instanceof BytesNode b)) {
            throw new EncodeException(name, "only bytes can be written, not " + node.kind());
        }
        return b.toByteArray();
    }

    /** @return no links: raw bytes have none */
    @Override
    public List<Cid> links(byte[] data) {
        return List.of();
    }
}
