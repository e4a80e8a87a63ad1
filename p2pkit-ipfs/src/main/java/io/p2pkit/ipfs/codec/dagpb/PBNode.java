package io.p2pkit.ipfs.codec.dagpb;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * A DAG-PB node: optional opaque {@code Data} and an ordered list of {@link PBLink}s. This is the
 * binary format's own shape; {@link DagPb#toNode} gives the data-model view ({@code {"Data": …,
 * "Links": [...]}}).
 *
 * <p>The data array is shared, not copied, as with {@link io.p2pkit.ipfs.block.Block}: whoever
 * builds a node gives the array away and nobody may change it afterwards. Links stay in the order
 * given (a decoded node re-encodes to the same bytes); builders of new nodes should sort named
 * links by name bytes, as {@link DagPb#fromNode} requires and UnixFS does.
 */
public final class PBNode {
    private static final PBNode EMPTY = new PBNode(null, List.of());

    private final byte[] data;
    private final List<PBLink> links;

    private PBNode(byte[] data, List<PBLink> links) {
        this.data = data;
        this.links = links;
    }

    /**
     * @param data  the Data field, or null for none (shared, not copied)
     * @param links the links, in the order they are to be written
     * @return the node
     */
    public static PBNode of(byte[] data, List<PBLink> links) {
        List<PBLink> copy = List.copyOf(links);
        return data == null && copy.isEmpty() ? EMPTY : new PBNode(data, copy);
    }

    /** @return a node with links and no Data */
    public static PBNode of(List<PBLink> links) {
        return of(null, links);
    }

    /** @return a node with Data and no links (shared, not copied) */
    public static PBNode of(byte[] data) {
        return of(Objects.requireNonNull(data, "data"), List.of());
    }

    /**
     * Decodes strict DAG-PB with {@link io.p2pkit.ipfs.codec.Limits#DEFAULT}.
     *
     * @throws io.p2pkit.core.DecodeException when malformed (see {@link DagPb})
     */
    public static PBNode decode(byte[] bytes) {
        return DagPb.DEFAULT.decodeNode(bytes);
    }

    /** @return the canonical DAG-PB bytes: links first, then Data */
    public byte[] encode() {
        return PbCodec.encode(this);
    }

    /** @return the Data field (shared: do not modify), or null when absent */
    public byte[] data() {
        return data;
    }

    /** @return whether the Data field is present (it may be present and empty) */
    public boolean hasData() {
        return data != null;
    }

    /** @return the links, in order (unmodifiable) */
    public List<PBLink> links() {
        return links;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PBNode other && Arrays.equals(data, other.data) && links.equals(other.links);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(data) + links.hashCode();
    }

    @Override
    public String toString() {
        String d = data == null ? "none" : data.length <= 32 ? HexFormat.of().formatHex(data) : data.length + " bytes";
        return "PBNode(Data " + d + ", " + links.size() + " links)";
    }
}
