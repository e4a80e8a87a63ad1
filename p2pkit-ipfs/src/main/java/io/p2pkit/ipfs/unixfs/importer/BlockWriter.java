package io.p2pkit.ipfs.unixfs.importer;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.block.Block;

import java.io.IOException;

/** Names blocks as the options say (version, hash, inlining) and hands them to the sink. */
final class BlockWriter {
    private final ImportOptions options;
    private final BlockSink sink;
    long blocks;

    BlockWriter(ImportOptions options, BlockSink sink) {
        this.options = options;
        this.sink = sink;
    }

    /** @return the CID of a DAG-PB block, after handing the block to the sink */
    Cid dagPb(byte[] bytes) throws IOException {
        return put(Multicodec.DAG_PB, bytes);
    }

    /** @return the CID of a raw leaf (always CIDv1: CIDv0 has no raw codec, as in Kubo) */
    Cid raw(byte[] bytes) throws IOException {
        return put(Multicodec.RAW, bytes);
    }

    private Cid put(long codec, byte[] bytes) throws IOException {
        if (options.inline() && bytes.length <= options.inlineLimit()) {
            return Cid.v1(codec, Multihash.identity(bytes));
        }
        Multihash mh = Multihash.digest(options.hashFunction(), bytes);
        Cid cid = codec == Multicodec.DAG_PB && options.cidVersion() == 0 ? Cid.v0(mh) : Cid.v1(codec, mh);
        sink.put(Block.of(cid, bytes));
        blocks++;
        return cid;
    }
}
