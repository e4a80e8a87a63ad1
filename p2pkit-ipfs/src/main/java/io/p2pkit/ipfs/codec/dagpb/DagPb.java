package io.p2pkit.ipfs.codec.dagpb;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.codec.Codec;
import io.p2pkit.ipfs.codec.EncodeException;
import io.p2pkit.ipfs.codec.Limits;
import io.p2pkit.ipfs.ipld.BytesNode;
import io.p2pkit.ipfs.ipld.IntNode;
import io.p2pkit.ipfs.ipld.Link;
import io.p2pkit.ipfs.ipld.ListNode;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.ipld.Node;
import io.p2pkit.ipfs.ipld.StringNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * DAG-PB (multicodec {@code 0x70}), the codec of UnixFS.
 *
 * <p>Decoding is strict as the spec asks: PBLink fields in order Hash, Name, Tsize, none repeated;
 * no fields or wire types outside the schema; every link has a Hash that is a valid CID; Links in
 * one run, and Data at most once. The spec lets decoders accept Data written before the Links
 * (older IPFS data has it), so that is accepted, and such a block re-encodes in canonical order
 * (Links first), to different bytes. Also refused: varints not in their shortest form, Tsize over
 * 2<sup>63</sup>-1, Names that are not UTF-8, blocks over the {@link Limits} size cap.
 *
 * <p>The data-model form is {@code {"Data": bytes (optional), "Links": [{"Hash": link, "Name":
 * string (optional), "Tsize": int (optional)}, …]}}; {@link #fromNode} checks it as the spec's
 * negative fixtures expect, including that links are sorted by name bytes.
 */
public final class DagPb implements Codec {
    /** With {@link Limits#DEFAULT}. */
    public static final DagPb DEFAULT = new DagPb(Limits.DEFAULT);

    private final Limits limits;

    /** @param limits the block size cap (and the cap on links, {@link Limits#maxNodes()}) */
    public DagPb(Limits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    @Override
    public long code() {
        return Multicodec.DAG_PB;
    }

    @Override
    public String name() {
        return "dag-pb";
    }

    /**
     * @param data a block's bytes
     * @return the node, its links in block order
     * @throws io.p2pkit.core.DecodeException when malformed, naming the byte offset and what was wrong
     */
    public PBNode decodeNode(byte[] data) {
        return PbCodec.decode(data, limits);
    }

    /** @return the node's canonical bytes (the same as {@link PBNode#encode()}) */
    public byte[] encodeNode(PBNode node) {
        return PbCodec.encode(node);
    }

    @Override
    public Node decode(byte[] data) {
        return toNode(decodeNode(data), false);
    }

    @Override
    public byte[] encode(Node node) {
        return PbCodec.encode(fromNode(node));
    }

    /** The link hashes in block order, without building the data-model form. */
    @Override
    public List<Cid> links(byte[] data) {
        List<PBLink> links = PbCodec.decode(data, limits, false).links();
        List<Cid> out = new ArrayList<>(links.size());
        for (PBLink l : links) {
            out.add(l.hash());
        }
        return out;
    }

    /** @return the data-model form of {@code node} */
    public static MapNode toNode(PBNode node) {
        return toNode(node, true);
    }

    private static MapNode toNode(PBNode node, boolean copyData) {
        List<Node> links = new ArrayList<>(node.links().size());
        for (PBLink l : node.links()) {
            MapNode.Builder b = MapNode.builder().put("Hash", new Link(l.hash()));
            if (l.name() != null) {
                b.put("Name", new StringNode(l.name()));
            }
            if (l.tsize() != null) {
                b.put("Tsize", IntNode.of(l.tsize()));
            }
            links.add(b.build());
        }
        MapNode.Builder b = MapNode.builder().put("Links", new ListNode(links));
        if (node.hasData()) {
            b.put("Data", copyData ? BytesNode.of(node.data()) : BytesNode.wrap(node.data()));
        }
        return b.build();
    }

    /**
     * Reads the data-model form of a DAG-PB node.
     *
     * @param node a map {@code {"Data"?: bytes, "Links": [{"Hash": link, "Name"?: string, "Tsize"?: int}]}}
     * @return the node
     * @throws EncodeException naming what does not fit the form: another kind, extra keys, Data not
     *                         bytes, Links missing or not a list, a link without a Hash or with
     *                         fields of the wrong kind, a negative Tsize, links not sorted by name
     */
    public static PBNode fromNode(Node node) {
        if (!(node instanceof MapNode map)) {
            throw invalid("a DAG-PB node is a map, not a " + node.kind());
        }
        for (String key : map.keys()) {
            if (!key.equals("Data") && !key.equals("Links")) {
                throw invalid("extraneous properties (\"" + key + "\"; only Data and Links)");
            }
        }
        byte[] data = null;
        Node d = map.get("Data").orElse(null);
        if (d != null) {
            if (!(d instanceof BytesNode bytes)) {
                throw invalid("Data must be bytes (not a " + d.kind() + ")");
            }
            data = bytes.toByteArray();
        }
        if (!(map.get("Links").orElse(null) instanceof ListNode list)) {
            throw invalid("Links must be a list (" + map.get("Links").map(n -> "not a " + n.kind()).orElse("it is missing") + ")");
        }
        List<PBLink> links = new ArrayList<>(list.size());
        byte[] previousName = new byte[0];
        for (int i = 0; i < list.size(); i++) {
            PBLink link = link(i, list.get(i));
            byte[] name = link.nameOrEmpty().getBytes(StandardCharsets.UTF_8);
            if (Arrays.compareUnsigned(previousName, name) > 0) {
                throw invalid("links must be sorted by Name bytes (link " + i + " \"" + link.nameOrEmpty()
                        + "\" comes after \"" + new String(previousName, StandardCharsets.UTF_8) + "\")");
            }
            previousName = name;
            links.add(link);
        }
        return PBNode.of(data, links);
    }

    private static PBLink link(int i, Node n) {
        if (!(n instanceof MapNode m)) {
            throw invalid("bad link (link " + i + " is a " + n.kind() + ", not a map)");
        }
        for (String key : m.keys()) {
            if (!key.equals("Hash") && !key.equals("Name") && !key.equals("Tsize")) {
                throw invalid("extraneous properties on link (link " + i + " has \"" + key + "\"; only Hash, Name and Tsize)");
            }
        }
        Node hash = m.get("Hash").orElse(null);
        if (hash == null) {
            throw invalid("link must have a Hash (link " + i + " has none)");
        }
        if (!(hash instanceof Link l)) {
            throw invalid("link Hash must be a CID (link " + i + " has a " + hash.kind() + ")");
        }
        String name = null;
        Node nameNode = m.get("Name").orElse(null);
        if (nameNode != null) {
            if (!(nameNode instanceof StringNode s)) {
                throw invalid("link Name must be a string (link " + i + " has a " + nameNode.kind() + ")");
            }
            name = s.value();
        }
        Long tsize = null;
        Node sizeNode = m.get("Tsize").orElse(null);
        if (sizeNode != null) {
            if (!(sizeNode instanceof IntNode size)) {
                throw invalid("link Tsize must be an integer (link " + i + " has a " + sizeNode.kind() + ")");
            }
            if (size.signum() < 0) {
                throw invalid("link Tsize cannot be negative (link " + i + ")");
            }
            if (!size.fitsLong()) {
                throw invalid("link Tsize cannot exceed 2^63-1 (link " + i + " has " + size + ")");
            }
            tsize = size.longValue();
        }
        return new PBLink(l.cid(), name, tsize);
    }

    private static EncodeException invalid(String why) {
        return new EncodeException("dag-pb", "invalid DAG-PB form: " + why);
    }
}
