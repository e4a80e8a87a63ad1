package io.p2pkit.ipfs.codec.dagjson;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.codec.Codec;
import io.p2pkit.ipfs.codec.Limits;
import io.p2pkit.ipfs.ipld.Node;

import java.util.List;
import java.util.Objects;

/**
 * DAG-JSON (multicodec {@code 0x0129}).
 *
 * <p>The encoder writes the canonical form: no whitespace; map keys sorted by their UTF-8 bytes;
 * links as {@code {"/":"<cid>"}} (base58 for CIDv0, base32 for CIDv1); bytes as
 * {@code {"/":{"bytes":"<base64, no padding>"}}}; integers in plain decimal; floats as the
 * shortest decimal that reads back exactly, in JavaScript's layout, always with a fraction or an
 * exponent so they read back as floats. A map that would read back as a link or bytes
 * ({@code {"/": "…"}}, {@code {"/": {"bytes": "…"}}}) cannot be written: {@link
 * io.p2pkit.ipfs.codec.EncodeException}.
 *
 * <p>The decoder is strict JSON (RFC 8259) with DAG-JSON's rules: a repeated map key, an invalid
 * CID or base64 in the special forms, an integer outside -2<sup>64</sup>..2<sup>64</sup>-1, a float
 * too large for a double, an unpaired surrogate and invalid UTF-8 are all refused. Whitespace,
 * key order and string escapes are layout and are accepted in any form, so decoding then encoding
 * may change the bytes of non-canonical input. {@link Limits} caps size, depth and node count.
 */
public final class DagJson implements Codec {
    /** With {@link Limits#DEFAULT}. */
    public static final DagJson DEFAULT = new DagJson(Limits.DEFAULT);

    private final Limits limits;

    /** @param limits what the decoder accepts at most (the encoder uses the depth cap) */
    public DagJson(Limits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    @Override
    public long code() {
        return Multicodec.DAG_JSON;
    }

    @Override
    public String name() {
        return "dag-json";
    }

    @Override
    public Node decode(byte[] data) {
        return new JsonDecoder(data, limits).readDocument();
    }

    @Override
    public byte[] encode(Node node) {
        return new JsonEncoder(limits.maxDepth()).encode(Objects.requireNonNull(node, "node"));
    }

    /** The links, in the order they appear in canonical DAG-JSON (maps sorted by key bytes). */
    @Override
    public List<Cid> links(byte[] data) {
        return JsonLinkOrder.links(decode(data));
    }
}
