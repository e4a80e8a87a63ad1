package io.p2pkit.ipfs.blockstore;

import com.sun.nio.file.ExtendedOpenOption;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Synced block files written past the page cache ({@code O_DIRECT}). A synced put waits for the
 * device anyway; written through the page cache, the kernel first copies every byte into cache
 * pages, which on a VM also pays the hypervisor's first touch of those pages, and the fsync then
 * writes them out. Written directly, the device reads the bytes from one of a few reused aligned
 * buffers. Measured in docs/PERFORMANCE.md ("Synced chunks written past the page cache"); the
 * price is that a block just written is not in the page cache when it is first read.
 *
 * <p>Only for blocks from {@link #MIN_BYTES} to {@link #MAX_BYTES} (file chunks): a small block
 * would pay the padding and a truncate for little. A file system that refuses {@code O_DIRECT}
 * (tmpfs, some FUSE and network file systems) turns this off for the store at its first refusal,
 * and the caller writes through the page cache as before.
 */
final class DirectWrites {
    /** Smaller blocks go through the page cache. */
    static final int MIN_BYTES = 64 * 1024;
    /** Larger blocks (over 1 MiB, only with big blocks allowed) go through the page cache. */
    static final int MAX_BYTES = 1024 * 1024 + 4096;

    private final int alignment;
    // aligned buffers of MAX_BYTES rounded up, kept for reuse; never more than the queue holds
    private final ArrayBlockingQueue<ByteBuffer> idle;
    private final int maxBuffers;
    private final AtomicInteger made = new AtomicInteger();
    private volatile boolean refused;

    // alignment: the padding and buffer alignment, a power of two; maxBuffers: the most buffers ever made
    DirectWrites(int alignment, int maxBuffers) {
        this.alignment = alignment;
        this.maxBuffers = maxBuffers;
        this.idle = new ArrayBlockingQueue<>(Math.max(1, maxBuffers));
    }

    /**
     * Direct writes for files in {@code root}'s file system, or {@code null} when its block size
     * is not one that direct I/O can be aligned to here.
     */
    static DirectWrites forStore(Path root, int maxInFlight) {
        long block;
        try {
            block = Files.getFileStore(root).getBlockSize();
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
        // the device's logical block size divides the file system's block size, which is what the JDK checks
        if (block < 512 || block > 65536 || Long.bitCount(block) != 1) {
            return null;
        }
        return new DirectWrites((int) Math.max(block, 4096), maxInFlight);
    }

    /** Whether a block of {@code size} bytes is written directly. */
    boolean wants(int size) {
        return !refused && size >= MIN_BYTES && size <= MAX_BYTES;
    }

    /**
     * Writes {@code data} to the new file {@code tmp} directly and fsyncs it (the size and the
     * device's write cache still need it).
     *
     * @return false when every buffer is in use, or when direct I/O failed here, for whatever
     * reason (direct writes are then off for this store): {@code tmp} is not there, and the caller
     * writes through the page cache, which reports an error that is not direct I/O's own
     * @throws IOException when {@code tmp} already exists, or is not in an existing, writable directory
     */
    boolean write(Path tmp, byte[] data) throws IOException {
        ByteBuffer buf = take();
        if (buf == null) {
            return false; // every buffer is in use: this one goes through the page cache
        }
        try {
            int padded = (data.length + alignment - 1) & -alignment;
            buf.clear();
            buf.put(data);
            // the padding is cut off again below; zeros keep old bytes of the buffer off the device
            while (buf.position() < padded) {
                buf.put((byte) 0);
            }
            buf.flip();
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    ExtendedOpenOption.DIRECT)) {
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                if (padded != data.length) {
                    ch.truncate(data.length);
                }
                ch.force(true);
            }
            return true;
        } catch (FileAlreadyExistsException | NoSuchFileException | AccessDeniedException e) {
            throw e;
        } catch (IOException | UnsupportedOperationException e) {
            // EINVAL from a file system without O_DIRECT, or an alignment it wants and we did not guess
            refused = true;
            Files.deleteIfExists(tmp);
            return false;
        } finally {
            give(buf);
        }
    }

    // an idle buffer, a new one while fewer than the pool's size exist, or null
    private ByteBuffer take() {
        ByteBuffer b = idle.poll();
        if (b != null) {
            return b;
        }
        if (made.incrementAndGet() > maxBuffers) {
            made.decrementAndGet();
            return null;
        }
        int size = (MAX_BYTES + alignment - 1) & -alignment;
        return ByteBuffer.allocateDirect(size + alignment).alignedSlice(alignment);
    }

    private void give(ByteBuffer b) {
        idle.offer(b); // never full: no more buffers exist than it holds
    }
}
