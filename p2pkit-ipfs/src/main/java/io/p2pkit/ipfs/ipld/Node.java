package io.p2pkit.ipfs.ipld;

import io.p2pkit.core.multiformats.Cid;

import java.util.List;

/**
 * A value of the IPLD data model: null, boolean, integer, float, string, bytes, list, map (with
 * string keys) or link (a CID). Every node is immutable and compares by value, so two nodes are
 * equal exactly when every codec encodes them to the same bytes.
 *
 * <p>Codecs ({@code io.p2pkit.ipfs.codec.*}) turn nodes into blocks and back; paths
 * ({@code io.p2pkit.ipfs.path}) walk them. Switch over the type with pattern matching:
 *
 * <pre>{@code
 * switch (node) {
 *     case MapNode m -> m.get("name");
 *     case Link l -> l.cid();
 *     default -> ...
 * }
 * }</pre>
 */
public sealed interface Node permits NullNode, BoolNode, IntNode, FloatNode, StringNode, BytesNode, ListNode, MapNode, Link {
    /** @return which of the nine kinds this node is */
    Kind kind();

    /**
     * The CIDs this node links to, depth first, maps in their canonical order. Walks without
     * recursion, so any depth is fine.
     *
     * @return the links, in the order met (a CID linked twice appears twice)
     */
    default List<Cid> links() {
        return LinkWalk.collect(this);
    }

    /** @return the null node */
    static NullNode ofNull() {
        return NullNode.INSTANCE;
    }

    /** @return a boolean node */
    static BoolNode of(boolean value) {
        return BoolNode.of(value);
    }

    /** @return an integer node */
    static IntNode of(long value) {
        return IntNode.of(value);
    }

    /**
     * @return a float node
     * @throws IllegalArgumentException for NaN and infinities, which IPLD does not have
     */
    static FloatNode of(double value) {
        return new FloatNode(value);
    }

    /**
     * @return a string node
     * @throws IllegalArgumentException if the string holds an unpaired surrogate (not Unicode text)
     */
    static StringNode of(String value) {
        return new StringNode(value);
    }

    /** @return a bytes node holding a copy of {@code value} */
    static BytesNode of(byte[] value) {
        return BytesNode.of(value);
    }

    /** @return a link node */
    static Link of(Cid cid) {
        return new Link(cid);
    }

    /** @return a list node of {@code values} */
    static ListNode list(Node... values) {
        return new ListNode(List.of(values));
    }
}
