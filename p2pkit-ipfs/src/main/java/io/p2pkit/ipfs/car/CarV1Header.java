package io.p2pkit.ipfs.car;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.codec.Limits;
import io.p2pkit.ipfs.codec.dagcbor.DagCbor;
import io.p2pkit.ipfs.ipld.IntNode;
import io.p2pkit.ipfs.ipld.Link;
import io.p2pkit.ipfs.ipld.ListNode;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.ipld.Node;

import java.util.ArrayList;
import java.util.List;

/** The DAG-CBOR header of a CARv1: {@code {"roots": [CID…], "version": 1}}, and nothing else. */
final class CarV1Header {
    private CarV1Header() {
    }

    static byte[] encode(List<Cid> roots) {
        List<Node> links = new ArrayList<>(roots.size());
        for (Cid root : roots) {
            links.add(new Link(root));
        }
        return DagCbor.DEFAULT.encode(MapNode.of("roots", new ListNode(links), "version", IntNode.of(1)));
    }

    /**
     * @param bytes the header block (after its length varint)
     * @return the roots
     * @throws DecodeException (field {@code "car"}) unless it is exactly a version 1 header
     */
    static List<Cid> decode(byte[] bytes, int maxSize) {
        Node header;
        try {
            header = new DagCbor(new Limits(maxSize, 4, maxSize)).decode(bytes);
        } catch (DecodeException e) {
            throw new DecodeException("car", "header is not valid DAG-CBOR: " + e.getMessage(), e);
        }
        if (!(header instanceof MapNode map)) {
            throw new DecodeException("car", "header is a " + header.kind() + ", not a map");
        }
        Node version = map.get("version").orElse(null);
        if (!(version instanceof IntNode v)) {
            throw new DecodeException("car", "header has no integer version");
        }
        if (!v.equals(IntNode.of(1))) {
            throw new DecodeException("car", v.equals(IntNode.of(2))
                    ? "a CARv2 must start with the exact 11-byte pragma" : "unsupported CAR version " + v);
        }
        for (String key : map.keys()) {
            if (!key.equals("roots") && !key.equals("version")) {
                throw new DecodeException("car", "header has an unknown field \"" + key + "\"");
            }
        }
        if (!(map.get("roots").orElse(null) instanceof ListNode list)) {
            throw new DecodeException("car", "header has no list of roots");
        }
        List<Cid> roots = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Link l)) {
                throw new DecodeException("car", "root " + i + " is a " + list.get(i).kind() + ", not a CID");
            }
            roots.add(l.cid());
        }
        return List.copyOf(roots);
    }
}
