package io.p2pkit.ipfs.filestore;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a {@link Filestore} keeps its references: keys are Kubo's datastore keys for a
 * multihash (base32, upper case, no padding), values {@link FileRef#encode()}'s bytes.
 * Changes are durable when the methods return.
 */
public interface FileRefStore {
    /**
     * Records references, all at once.
     *
     * @param refs key to {@code DataObj} bytes
     * @throws IOException when they cannot be recorded
     */
    void putRefs(Map<String, byte[]> refs) throws IOException;

    /**
     * @param key a key
     * @return its {@code DataObj} bytes, or empty
     * @throws IOException when the store cannot be read
     */
    Optional<byte[]> ref(String key) throws IOException;

    /**
     * @param key a key
     * @return whether there was a reference to remove
     * @throws IOException when it cannot be removed
     */
    boolean removeRef(String key) throws IOException;

    /**
     * @return every key, in key order
     * @throws IOException when the store cannot be read
     */
    List<String> refKeys() throws IOException;

    /** @return how many references there are */
    long refCount();
}
