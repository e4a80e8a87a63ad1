package io.p2pkit.ipfs.unixfs.chunker;

import java.io.IOException;

/**
 * Cuts a stream into chunks, the leaves of a UnixFS file. Reads as it goes: a chunker holds at
 * most one chunk and one read buffer, whatever the size of the stream. Not thread-safe.
 */
public interface Chunker {
    /**
     * @return the next chunk (a new array, never empty), or null when the stream has ended
     * @throws IOException when the stream cannot be read
     */
    byte[] next() throws IOException;
}
