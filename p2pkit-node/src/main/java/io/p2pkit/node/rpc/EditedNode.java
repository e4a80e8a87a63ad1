package io.p2pkit.node.rpc;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.codec.dagpb.PBLink;
import io.p2pkit.ipfs.codec.dagpb.PBNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A DAG-PB node under {@code object patch}, written as boxo's mutable {@code ProtoNode} writes
 * itself, so that the new CIDs are Kubo's: untouched, it keeps its own bytes; once its links
 * change, they are sorted by name (stably) and each is written with a name and a size, empty and
 * 0 when it had none. A node keeps the CID version and hash of the CID it was read under.
 */
final class EditedNode {
    /** UnixFS's empty directory: Data {@code Type: Directory}, boxo's {@code ft.EmptyDirNode}. */
    private static final byte[] EMPTY_DIRECTORY = {0x08, 0x01};
    /** Names compare as Go strings do: by their UTF-8 bytes. */
    private static final Comparator<PBLink> BY_NAME = (a, b) -> Arrays.compareUnsigned(
            a.nameOrEmpty().getBytes(StandardCharsets.UTF_8), b.nameOrEmpty().getBytes(StandardCharsets.UTF_8));

    private final int version;
    private final long hashFunction;
    private final int hashLength;
    private final List<PBLink> links;
    private byte[] data;
    private byte[] encoded;
    private Block written;

    private EditedNode(Cid from, byte[] data, List<PBLink> links, byte[] encoded) {
        this.version = from == null ? 0 : from.version();
        this.hashFunction = from == null ? Multicodec.SHA2_256 : from.multihash().code();
        // the digest length too (a truncated hash stays truncated); identity takes the new bytes' length
        this.hashLength = from == null || hashFunction == Multicodec.IDENTITY ? -1 : from.multihash().length();
        this.data = data;
        this.links = new ArrayList<>(links);
        this.encoded = encoded;
    }

    /** The node in {@code block}; boxo's {@code expected protobuf dag node} for a block of another codec. */
    static EditedNode of(Block block) {
        if (block.cid().codec() != Multicodec.DAG_PB) {
            throw RpcError.failed("expected protobuf dag node");
        }
        PBNode node = PBNode.decode(block.data());
        EditedNode n = new EditedNode(block.cid(), node.data(), node.links(), block.data());
        n.written = block;
        return n;
    }

    /** A new empty UnixFS directory (CIDv0), what {@code --create} puts on the way. */
    static EditedNode emptyDirectory() {
        return new EditedNode(null, EMPTY_DIRECTORY, List.of(), null);
    }

    /** The first link named {@code name}, or null (as boxo's {@code GetNodeLink}). */
    PBLink link(String name) {
        for (PBLink l : links) {
            if (l.nameOrEmpty().equals(name)) {
                return l;
            }
        }
        return null;
    }

    /** Removes every link named {@code name}; whether there was one. */
    boolean remove(String name) {
        boolean found = links.removeIf(l -> l.nameOrEmpty().equals(name));
        if (found) {
            changed();
        }
        return found;
    }

    /** Adds a link (after removing any of that name, for a caller that does) to {@code cid} of cumulative {@code size}. */
    void add(String name, Cid cid, long size) {
        links.add(PBLink.of(cid, name, size));
        changed();
    }

    /** As boxo's {@code Copy} for the final root: a present but empty Data is dropped. */
    void dropEmptyData() {
        if (data != null && data.length == 0) {
            data = null;
            changed();
        }
    }

    private void changed() {
        encoded = null;
        written = null;
    }

    /** The node's block, encoded again when it changed. */
    Block block() {
        if (written == null) {
            if (encoded == null) {
                List<PBLink> sorted = new ArrayList<>(links.size());
                for (PBLink l : links) {
                    sorted.add(PBLink.of(l.hash(), l.nameOrEmpty(), l.tsize() == null ? 0 : l.tsize()));
                }
                sorted.sort(BY_NAME); // List.sort is stable, as Go's sort.Stable
                encoded = PBNode.of(data, sorted).encode();
            }
            Multihash mh = hashLength < 0 ? Multihash.digest(hashFunction, encoded)
                    : Multihash.digest(hashFunction, encoded, hashLength);
            written = Block.of(version == 0 ? Cid.v0(mh) : Cid.v1(Multicodec.DAG_PB, mh), encoded);
        }
        return written;
    }

    /** boxo's {@code ProtoNode.Size}: the encoded length and every link's size. */
    long size() {
        return cumulativeSize(block().data().length, links);
    }

    /** The cumulative size of a DAG-PB node of {@code length} bytes with {@code links}, as boxo counts it. */
    static long cumulativeSize(long length, List<PBLink> links) {
        long size = length;
        for (PBLink l : links) {
            size += l.tsize() == null ? 0 : l.tsize();
        }
        return size;
    }
}
