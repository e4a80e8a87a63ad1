package io.p2pkit.ipfs.codec;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.ipld.Node;

import java.util.List;

/**
 * An IPLD codec: turns block bytes into a data-model {@link Node} and back. Implementations are
 * immutable and thread-safe; decoders enforce their {@link Limits}.
 */
public interface Codec {
    /** @return the multicodec code, e.g. {@code 0x71} for dag-cbor */
    long code();

    /** @return the multicodec name, e.g. {@code "dag-cbor"} */
    String name();

    /**
     * @param data a block's bytes
     * @return the node they encode
     * @throws io.p2pkit.core.DecodeException when the bytes are not valid for this codec, naming what was wrong
     */
    Node decode(byte[] data);

    /**
     * @param node a node
     * @return its bytes in this codec
     * @throws EncodeException when this codec cannot represent the node
     */
    byte[] encode(Node node);

    /**
     * The CIDs a block links to, in the order the codec lists them.
     *
     * @param data a block's bytes
     * @return its links
     * @throws io.p2pkit.core.DecodeException when the bytes are not valid for this codec
     */
    default List<Cid> links(byte[] data) {
        return decode(data).links();
    }
}
