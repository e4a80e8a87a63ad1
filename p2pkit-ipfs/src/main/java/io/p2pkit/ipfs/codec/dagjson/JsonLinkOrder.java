package io.p2pkit.ipfs.codec.dagjson;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.ipld.Link;
import io.p2pkit.ipfs.ipld.ListNode;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.ipld.Node;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/** The links of a node in DAG-JSON's order: depth first, map entries sorted by key bytes. */
final class JsonLinkOrder {
    private JsonLinkOrder() {
    }

    static List<Cid> links(Node root) {
        List<Cid> out = new ArrayList<>();
        Deque<Node> stack = new ArrayDeque<>();
        stack.push(root);
        while (!stack.isEmpty()) {
            switch (stack.pop()) {
                case Link l -> out.add(l.cid());
                case ListNode list -> {
                    for (int i = list.size() - 1; i >= 0; i--) {
                        stack.push(list.get(i));
                    }
                }
                case MapNode map -> {
                    Integer[] order = new Integer[map.size()];
                    byte[][] keys = new byte[map.size()][];
                    for (int i = 0; i < order.length; i++) {
                        order[i] = i;
                        keys[i] = map.keyAt(i).getBytes(StandardCharsets.UTF_8);
                    }
                    Arrays.sort(order, (a, b) -> Arrays.compareUnsigned(keys[a], keys[b]));
                    for (int i = order.length - 1; i >= 0; i--) {
                        stack.push(map.valueAt(order[i]));
                    }
                }
                default -> {
                }
            }
        }
        return out;
    }
}
