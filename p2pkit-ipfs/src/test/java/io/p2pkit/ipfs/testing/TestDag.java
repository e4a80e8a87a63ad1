package io.p2pkit.ipfs.testing;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.core.multiformats.Varint;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.block.LinkReader;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * DAGs for pin and GC tests without the real codecs: a block of the private-use codec
 * {@link #CODEC} is {@code <varint n><n binary CIDs><payload>}; raw blocks have no links.
 */
public final class TestDag {
    /** A codec from the multicodec private-use range. */
    public static final long CODEC = 0x300001;

    /** Reads links of {@link #CODEC} blocks; every other codec has none. */
    public static final LinkReader LINKS = block -> {
        if (block.cid().codec() != CODEC) {
            return List.of();
        }
        ByteBuffer buf = ByteBuffer.wrap(block.data());
        long n = Varint.read(buf);
        if (n > 1024) {
            throw new DecodeException("test-dag", n + " links");
        }
        List<Cid> links = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            links.add(Cid.read(buf));
        }
        return links;
    };

    private TestDag() {
    }

    /** A raw leaf of {@code size} seeded random bytes. */
    public static Block leaf(SplittableRandom random, int size) {
        byte[] data = new byte[size];
        random.nextBytes(data);
        return Block.create(Multicodec.RAW, Multicodec.SHA2_256, data);
    }

    /** A node linking to {@code children}, with a payload that makes it unique. */
    public static Block node(List<Cid> children, String payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] n = new byte[10];
        out.write(n, 0, Varint.write(children.size(), n, 0));
        for (Cid c : children) {
            out.writeBytes(c.bytes());
        }
        out.writeBytes(payload.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        byte[] data = out.toByteArray();
        return Block.of(Cid.v1(CODEC, Multihash.digest(Multicodec.SHA2_256, data)), data);
    }

    /** A two-level tree: a root over {@code fanout} nodes over {@code fanout} leaves each; root first. */
    public static List<Block> tree(SplittableRandom random, int fanout, int leafSize, String name) {
        List<Block> blocks = new ArrayList<>();
        List<Cid> middles = new ArrayList<>();
        List<Block> below = new ArrayList<>();
        for (int i = 0; i < fanout; i++) {
            List<Cid> leaves = new ArrayList<>();
            for (int j = 0; j < fanout; j++) {
                Block leaf = leaf(random, leafSize);
                below.add(leaf);
                leaves.add(leaf.cid());
            }
            Block middle = node(leaves, name + "/" + i);
            below.add(middle);
            middles.add(middle.cid());
        }
        blocks.add(node(middles, name));
        blocks.addAll(below);
        return blocks;
    }
}
