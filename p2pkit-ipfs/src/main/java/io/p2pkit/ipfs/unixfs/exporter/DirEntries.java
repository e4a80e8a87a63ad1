package io.p2pkit.ipfs.unixfs.exporter;

import java.io.IOException;

/**
 * A directory listing read as it goes (a sharded directory one shard at a time).
 *
 * <pre>{@code
 * DirEntries entries = exporter.list(dir, true);
 * for (DirEntry e; (e = entries.next()) != null; ) { … }
 * }</pre>
 */
@FunctionalInterface
public interface DirEntries {
    /**
     * @return the next entry, or null after the last
     * @throws IOException when a block cannot be read
     * @throws io.p2pkit.ipfs.unixfs.UnixfsException when a block is not valid UnixFS
     */
    DirEntry next() throws IOException;
}
