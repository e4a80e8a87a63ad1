package io.p2pkit.ipfs.unixfs.importer;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.block.Block;

import java.io.IOException;
import java.nio.file.Path;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Names blocks as the options say (version, hash, inlining) and hands them to the sink.
 *
 * <p>Leaves are hashed on other threads while the importing thread reads and encodes the next
 * ones ({@link #queue}; past a file's first MiB its {@link LeafPipeline} has hashed them
 * already): at most {@link #IN_FLIGHT} at a time, handed to the sink in the order
 * they were queued, and all of them before any block made with {@link #dagPb} or {@link #raw}
 * (parents need their children's CIDs, so children always reach the sink first).
 */
final class BlockWriter implements AutoCloseable {
    /** How many leaves may be hashing at once (each holds its block: at most 2 MiB). */
    static final int IN_FLIGHT = Math.min(16, Math.max(2, 2 * Runtime.getRuntime().availableProcessors()));
    /** Blocks smaller than this are hashed on the importing thread (still handed over in order). */
    static final int PARALLEL_FROM = 64 * 1024;

    private final ImportOptions options;
    private final BlockSink sink;
    private final ArrayDeque<Queued> inFlight = new ArrayDeque<>(IN_FLIGHT);
    private ExecutorService hashers;
    long blocks;

    /** A block whose CID is being computed; {@link #cid} is set once it has gone to the sink. */
    static final class Queued {
        private final long codec;
        private byte[] bytes; // dropped once handed to the sink: a parent may hold the Queued long after
        private Future<Cid> future;
        private Cid cid;
        private final Path file;   // the file the leaf is a range of (add --nocopy), or null
        private final long offset;

        private Queued(long codec, byte[] bytes, Future<Cid> future, Cid cid, Path file, long offset) {
            this.codec = codec;
            this.bytes = bytes;
            this.future = future;
            this.cid = cid;
            this.file = file;
            this.offset = offset;
        }
    }

    BlockWriter(ImportOptions options, BlockSink sink) {
        this.options = options;
        this.sink = sink;
    }

    /** @return the CID of a DAG-PB block, after handing every queued block and then this one to the sink */
    Cid dagPb(byte[] bytes) throws IOException {
        drain();
        return put(Multicodec.DAG_PB, bytes);
    }

    /** @return the CID of a raw leaf (always CIDv1: CIDv0 has no raw codec, as in Kubo) */
    Cid raw(byte[] bytes) throws IOException {
        drain();
        return put(Multicodec.RAW, bytes);
    }

    /**
     * Starts hashing a leaf on another thread.
     *
     * @param codec {@link Multicodec#RAW} or {@link Multicodec#DAG_PB}
     * @param bytes the block
     * @return the queued block, whose CID {@link #cid(Queued)} gives
     */
    Queued queue(long codec, byte[] bytes) throws IOException {
        return queue(codec, bytes, null, null, 0);
    }

    /**
     * Queues a leaf, hashing it on another thread unless its CID is given. A leaf that is the range
     * of {@code file} from {@code offset} reaches the sink through {@link BlockSink#putReference}.
     *
     * @param codec  {@link Multicodec#RAW} or {@link Multicodec#DAG_PB}
     * @param bytes  the block
     * @param named  its CID as {@link #name} gives it, when already known, or null to hash it here
     * @param file   the file's absolute path, or null for a leaf that is only bytes
     * @param offset where it starts in the file
     * @return the queued block
     */
    Queued queue(long codec, byte[] bytes, Cid named, Path file, long offset) throws IOException {
        if (options.inline() && bytes.length <= options.inlineLimit()) {
            return new Queued(codec, bytes, null, Cid.v1(codec, Multihash.identity(bytes)), null, 0);
        }
        if (inFlight.size() >= IN_FLIGHT) {
            complete(inFlight.pollFirst());
        }
        Future<Cid> cid;
        if (named != null) {
            cid = CompletableFuture.completedFuture(named);
        } else if (bytes.length < PARALLEL_FROM) {
            cid = CompletableFuture.completedFuture(name(codec, bytes)); // cheaper than a thread hop
        } else {
            if (hashers == null) {
                hashers = Executors.newVirtualThreadPerTaskExecutor();
            }
            cid = hashers.submit(() -> name(codec, bytes));
        }
        Queued q = new Queued(codec, bytes, cid, null, file, offset);
        inFlight.addLast(q);
        return q;
    }

    /** @return the CID of a queued block, handing it (and every block queued before it) to the sink first */
    Cid cid(Queued q) throws IOException {
        while (q.cid == null) {
            complete(inFlight.pollFirst());
        }
        return q.cid;
    }

    /** Hands every queued block to the sink. */
    void drain() throws IOException {
        while (!inFlight.isEmpty()) {
            complete(inFlight.pollFirst());
        }
    }

    private void complete(Queued q) throws IOException {
        Cid cid;
        try {
            cid = q.future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while hashing");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException(e.getCause());
        }
        if (q.file != null) {
            sink.putReference(Block.of(cid, q.bytes), q.file, q.offset);
        } else {
            sink.put(Block.of(cid, q.bytes));
        }
        blocks++;
        q.cid = cid;
        q.bytes = null;
        q.future = null;
    }

    private Cid put(long codec, byte[] bytes) throws IOException {
        if (options.inline() && bytes.length <= options.inlineLimit()) {
            return Cid.v1(codec, Multihash.identity(bytes));
        }
        Cid cid = name(codec, bytes);
        sink.put(Block.of(cid, bytes));
        blocks++;
        return cid;
    }

    /** @return the CID a block gets under the options, inlining aside */
    Cid name(long codec, byte[] bytes) {
        Multihash mh = Multihash.digest(options.hashFunction(), bytes);
        return codec == Multicodec.DAG_PB && options.cidVersion() == 0 ? Cid.v0(mh) : Cid.v1(codec, mh);
    }

    /** Stops the hashing threads (an import that failed may leave blocks queued; they are dropped). */
    @Override
    public void close() {
        if (hashers != null) {
            hashers.shutdownNow();
            hashers.close();
            hashers = null;
        }
        inFlight.clear();
    }
}
