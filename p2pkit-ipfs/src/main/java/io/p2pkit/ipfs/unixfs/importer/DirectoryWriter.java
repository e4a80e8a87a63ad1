package io.p2pkit.ipfs.unixfs.importer;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.unixfs.pb.Mtime;

import java.io.IOException;
import java.util.List;

/**
 * Writes one directory from entries that are already stored, as the importer writes the
 * directories it builds: a basic node with its links sorted, or a HAMT when the options' size
 * estimate passes their threshold. A mutable tree (MFS) rewrites a changed directory this way.
 */
public final class DirectoryWriter {
    private DirectoryWriter() {
    }

    /**
     * An entry of a directory.
     *
     * @param name  its name
     * @param cid   what it links to
     * @param tsize the cumulative size of what it links to
     */
    public record Link(String name, Cid cid, long tsize) {
    }

    /**
     * A written directory.
     *
     * @param cid   its CID (the root shard's when sharded)
     * @param tsize its cumulative size, as a parent links it
     */
    public record Written(Cid cid, long tsize) {
    }

    /**
     * @param options CID version, hash, HAMT threshold and fanout
     * @param sink    where the directory's blocks go
     * @param entries its entries, names unique
     * @param mode    the mode the node carries, or null
     * @param mtime   the modification time it carries, or null
     * @return the directory
     * @throws IOException              when a block cannot be stored
     * @throws IllegalArgumentException when a name appears twice
     */
    public static Written write(ImportOptions options, BlockSink sink, List<Link> entries, Integer mode, Mtime mtime)
            throws IOException {
        try (BlockWriter writer = new BlockWriter(options, sink)) {
            DirectoryBuilder dir = new DirectoryBuilder(options, writer, mode, mtime);
            for (Link l : entries) {
                dir.add(l.name(), new Child(l.cid(), l.tsize(), 0));
            }
            Child c = dir.finish();
            writer.drain();
            sink.flush();
            return new Written(c.cid(), c.tsize());
        }
    }
}
