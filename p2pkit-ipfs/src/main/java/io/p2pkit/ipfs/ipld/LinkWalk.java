package io.p2pkit.ipfs.ipld;

import io.p2pkit.core.multiformats.Cid;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** Collects the links in a node, depth first, with a stack of its own instead of recursion. */
final class LinkWalk {
    private LinkWalk() {
    }

    static List<Cid> collect(Node root) {
        List<Cid> out = new ArrayList<>();
        Deque<Node> stack = new ArrayDeque<>();
        stack.push(root);
        while (!stack.isEmpty()) {
            switch (stack.pop()) {
                case Link l -> out.add(l.cid());
                case ListNode list -> {
                    for (int i = list.size() - 1; i >= 0; i--) {
                        push(stack, list.get(i));
                    }
                }
                case MapNode map -> {
                    for (int i = map.size() - 1; i >= 0; i--) {
                        push(stack, map.valueAt(i));
                    }
                }
                default -> {
                }
            }
        }
        return out;
    }

    private static void push(Deque<Node> stack, Node n) {
        // Only containers and links can hold links; skipping the rest keeps the stack small.
        if (n instanceof Link || n instanceof ListNode || n instanceof MapNode) {
            stack.push(n);
        }
    }
}
