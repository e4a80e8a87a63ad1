package io.p2pkit.interop;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.bitswap.Bitswap;
import io.p2pkit.ipfs.bitswap.BitswapConfig;
import io.p2pkit.ipfs.bitswap.ProviderFinder;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.codec.Codecs;
import io.p2pkit.ipfs.codec.dagcbor.DagCbor;
import io.p2pkit.ipfs.ipld.IntNode;
import io.p2pkit.ipfs.ipld.Link;
import io.p2pkit.ipfs.ipld.ListNode;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.ipld.Node;
import io.p2pkit.ipfs.ipld.StringNode;
import io.p2pkit.ipfs.repo.OpenOptions;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;

import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** p2pkit's side of the Bitswap interop tests: a repository on disk and a loopback host whose Bitswap serves it and fetches into it. */
final class BitswapSide implements Closeable {
    final Repository repo;
    final Host host;
    final Bitswap bitswap;

    private BitswapSide(Repository repo, Host host, Bitswap bitswap) {
        this.repo = repo;
        this.host = host;
        this.bitswap = bitswap;
    }

    /** A new repository at {@code root}, a host on 127.0.0.1 and Bitswap with its defaults. */
    static BitswapSide start(Path root) throws IOException {
        Repository.init(root, RepoConfig.defaults());
        Repository repo = Repository.open(root, OpenOptions.of(Codecs.standard()));
        try {
            Host host = Host.builder().listen("/ip4/127.0.0.1/tcp/0").build();
            return new BitswapSide(repo, host, Bitswap.attach(host, repo.blocks().local(), BitswapConfig.defaults(),
                    ProviderFinder.NONE));
        } catch (IOException | RuntimeException e) {
            repo.close();
            throw e;
        }
    }

    /** The host's address with {@code /p2p/}. */
    String address() {
        return host.addresses().get(0) + "/p2p/" + host.peerId();
    }

    /**
     * Stores a dag-cbor DAG of five blocks: a root naming three children, each linking to one raw leaf.
     *
     * @return the root block
     */
    Block putCborDag() throws IOException {
        Block leaf = Block.create(Multicodec.RAW, Multicodec.SHA2_256, "a raw leaf from p2pkit".getBytes(StandardCharsets.UTF_8));
        repo.blocks().put(leaf);
        List<Node> children = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Node child = MapNode.of("index", IntNode.of(i), "leaf", new Link(leaf.cid()));
            Block b = Block.create(Multicodec.DAG_CBOR, Multicodec.SHA2_256, DagCbor.DEFAULT.encode(child));
            repo.blocks().put(b);
            children.add(new Link(b.cid()));
        }
        Node root = MapNode.of("name", new StringNode("p2pkit dag-cbor"), "children", new ListNode(children));
        Block top = Block.create(Multicodec.DAG_CBOR, Multicodec.SHA2_256, DagCbor.DEFAULT.encode(root));
        repo.blocks().put(top);
        return top;
    }

    /** Closes the host, then the repository. */
    @Override
    public void close() throws IOException {
        try {
            host.close();
        } finally {
            repo.close();
        }
    }
}
