package io.p2pkit.ipfs.unixfs.importer;

import io.p2pkit.core.multiformats.Cid;

/**
 * Progress of an import, for a progress bar. Called on the importing thread; keep it quick. Every
 * method does nothing by default.
 */
public interface ImportListener {
    /** A listener that ignores everything. */
    ImportListener NONE = new ImportListener() {
    };

    /**
     * File bytes were read.
     *
     * @param path  the file's path inside the import ("" for a single stream)
     * @param total the bytes of this file read so far
     */
    default void bytesRead(String path, long total) {
    }

    /**
     * A file, directory or symlink is done (directories through {@link #directoryImported} unless it is overridden).
     *
     * @param path  its path inside the import ("" for the top-level entry)
     * @param cid   its CID
     * @param size  its cumulative DAG size (the Tsize its parent links it with)
     */
    default void entryImported(String path, Cid cid, long size) {
    }

    /**
     * A directory is done, after everything in it: directories come in post-order, children
     * sorted by name. By default this is {@link #entryImported}; a caller that prints like Kubo
     * (files first, directories after) tells them apart here.
     *
     * @param path  its path inside the import ("" for the top-level directory)
     * @param cid   its CID
     * @param size  its cumulative DAG size
     */
    default void directoryImported(String path, Cid cid, long size) {
        entryImported(path, cid, size);
    }
}
