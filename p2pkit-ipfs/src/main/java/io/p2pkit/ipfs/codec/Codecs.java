package io.p2pkit.ipfs.codec;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.block.LinkReader;
import io.p2pkit.ipfs.codec.dagcbor.DagCbor;
import io.p2pkit.ipfs.codec.dagjson.DagJson;
import io.p2pkit.ipfs.codec.dagpb.DagPb;
import io.p2pkit.ipfs.codec.raw.Raw;
import io.p2pkit.ipfs.ipld.Node;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The codecs p2pkit knows, by multicodec code: what reads a block given its CID. Also the
 * {@link LinkReader} that pins and garbage collection walk DAGs with. Immutable.
 *
 * <pre>{@code
 * Codecs codecs = Codecs.standard();
 * Node node = codecs.decode(block);
 * Block b = codecs.encode(Multicodec.DAG_CBOR, node);
 * }</pre>
 */
public final class Codecs implements LinkReader {
    private static final Codecs STANDARD = of(DagPb.DEFAULT, DagCbor.DEFAULT, DagJson.DEFAULT, Raw.DEFAULT, Raw.IDENTITY);

    private final Map<Long, Codec> byCode;

    private Codecs(Map<Long, Codec> byCode) {
        this.byCode = byCode;
    }

    /** @return dag-pb, dag-cbor, dag-json, raw and identity, with {@link Limits#DEFAULT} */
    public static Codecs standard() {
        return STANDARD;
    }

    /** @return the standard codecs with other limits, e.g. a larger block cap for {@code --allow-big-block} */
    public static Codecs standard(Limits limits) {
        return of(new DagPb(limits), new DagCbor(limits), new DagJson(limits), Raw.withLimits(limits), Raw.IDENTITY);
    }

    /**
     * @param codecs the codecs to know
     * @return a registry of them
     * @throws IllegalArgumentException if two share a code
     */
    public static Codecs of(Codec... codecs) {
        Map<Long, Codec> m = new LinkedHashMap<>();
        for (Codec c : codecs) {
            if (m.putIfAbsent(c.code(), c) != null) {
                throw new IllegalArgumentException("two codecs for 0x" + Long.toHexString(c.code()));
            }
        }
        return new Codecs(Map.copyOf(m));
    }

    /** @return the codec for {@code code}, or empty when there is none */
    public Optional<Codec> find(long code) {
        return Optional.ofNullable(byCode.get(code));
    }

    /**
     * @return the codec for {@code code}
     * @throws UnsupportedCodecException when there is none
     */
    public Codec get(long code) {
        Codec c = byCode.get(code);
        if (c == null) {
            throw new UnsupportedCodecException(code);
        }
        return c;
    }

    /**
     * @param block a block
     * @return the node its bytes encode, read with the codec its CID names
     * @throws UnsupportedCodecException   when that codec is unknown
     * @throws io.p2pkit.core.DecodeException when the bytes are malformed for it
     */
    public Node decode(Block block) {
        return get(block.cid().codec()).decode(block.data());
    }

    /**
     * @param codec a multicodec code, e.g. {@link Multicodec#DAG_CBOR}
     * @param node  a node
     * @return its block, named by a CIDv1 with a sha2-256 multihash
     * @throws EncodeException when the codec cannot represent the node
     */
    public Block encode(long codec, Node node) {
        return encode(codec, Multicodec.SHA2_256, node);
    }

    /**
     * @param codec        a multicodec code
     * @param hashFunction a multihash function code, e.g. {@link Multicodec#SHA2_256}
     * @param node         a node
     * @return its block, named by a CIDv1
     */
    public Block encode(long codec, long hashFunction, Node node) {
        return Block.create(codec, hashFunction, get(codec).encode(node));
    }

    /**
     * {@inheritDoc}
     *
     * <p>dag-pb: each link's Hash in block order; dag-cbor: every tag-42 link, depth first, in
     * key order; dag-json: every {@code {"/": …}} link in document order; raw and identity: none.
     *
     * @throws UnsupportedCodecException when the block's codec is unknown (its links cannot be
     *                                   known, and treating it as a leaf could lose its children)
     */
    @Override
    public List<Cid> links(Block block) {
        return get(block.cid().codec()).links(block.data());
    }
}
