package io.p2pkit.ipfs.ipld;

import java.util.List;

/**
 * An ordered list of nodes.
 *
 * @param values the items, in order (copied into an unmodifiable list; no nulls: use {@link NullNode})
 */
public record ListNode(List<Node> values) implements Node {
    /** The empty list. */
    public static final ListNode EMPTY = new ListNode(List.of());

    public ListNode {
        values = List.copyOf(values);
    }

    /** @return the number of items */
    public int size() {
        return values.size();
    }

    /**
     * @param index a position from 0
     * @return the item there
     * @throws IndexOutOfBoundsException unless {@code 0 <= index < size()}
     */
    public Node get(int index) {
        return values.get(index);
    }

    @Override
    public Kind kind() {
        return Kind.LIST;
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
