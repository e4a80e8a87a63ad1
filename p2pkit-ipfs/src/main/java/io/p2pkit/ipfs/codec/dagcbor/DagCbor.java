package io.p2pkit.ipfs.codec.dagcbor;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.codec.Codec;
import io.p2pkit.ipfs.codec.Limits;
import io.p2pkit.ipfs.ipld.Node;

import java.util.List;
import java.util.Objects;

/**
 * DAG-CBOR (multicodec {@code 0x71}), strict in both directions.
 *
 * <p>The encoder writes the one canonical form; the decoder accepts only that form, so whatever it
 * decodes re-encodes to the same bytes and hence the same CID. Refused, each with a
 * {@link io.p2pkit.core.DecodeException} saying where and why: integers and lengths not in their
 * shortest form; indefinite lengths and the break code; map keys that are not strings, that repeat,
 * or that are out of order (shorter keys first, then bytewise); any tag but 42, and 42 not written
 * as {@code 0xd82a}; a tag-42 payload that is not a byte string starting with {@code 0x00} and
 * holding exactly one valid CID; 16- and 32-bit floats; NaN and infinities; undefined and other
 * simple values; invalid UTF-8; bytes after the top-level item. {@link Limits} caps the block size,
 * the nesting depth and the number of nodes.
 *
 * <p>{@link #links} alone is lenient, so that data from looser encoders can still be pinned, and
 * {@link #lenient} makes a codec for user input (Kubo's {@code dag put}) that reads non-canonical
 * CBOR and so stores it canonically.
 */
public final class DagCbor implements Codec {
    /** With {@link Limits#DEFAULT}. */
    public static final DagCbor DEFAULT = new DagCbor(Limits.DEFAULT);

    private final Limits limits;
    private final boolean lenient;

    /** @param limits what the decoder accepts at most (the encoder uses the depth cap) */
    public DagCbor(Limits limits) {
        this(limits, false);
    }

    private DagCbor(Limits limits, boolean lenient) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.lenient = lenient;
    }

    /**
     * A codec whose decoder reads user input as Kubo's {@code dag put --input-codec dag-cbor}
     * does: map keys in any order, longer integer and length forms, indefinite lengths, 16- and
     * 32-bit floats, undefined as null, unknown tags dropped; duplicate keys are still refused.
     * Never use it for blocks from the network or the blockstore, whose bytes must be canonical.
     *
     * @param limits what the decoder accepts at most
     * @return the lenient codec (it encodes canonically, as every DagCbor)
     */
    public static DagCbor lenient(Limits limits) {
        return new DagCbor(limits, true);
    }

    @Override
    public long code() {
        return Multicodec.DAG_CBOR;
    }

    @Override
    public String name() {
        return "dag-cbor";
    }

    @Override
    public Node decode(byte[] data) {
        return new CborDecoder(data, limits, lenient).readDocument();
    }

    /**
     * The tag-42 links, depth first in the block's order, read leniently (see
     * {@link CborLinkScanner}): a block that is valid CBOR but not canonical DAG-CBOR (older
     * encoders, Filecoin data) still gives its links, so pins and garbage collection can walk it.
     */
    @Override
    public List<Cid> links(byte[] data) {
        return new CborLinkScanner(data, limits).scan();
    }

    @Override
    public byte[] encode(Node node) {
        return new CborEncoder(limits.maxDepth()).encode(Objects.requireNonNull(node, "node"));
    }
}
