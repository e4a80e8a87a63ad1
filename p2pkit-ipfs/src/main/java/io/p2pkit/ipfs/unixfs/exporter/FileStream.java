package io.p2pkit.ipfs.unixfs.exporter;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.block.BlockSource;
import io.p2pkit.ipfs.block.DirectBuffers;
import io.p2pkit.ipfs.unixfs.UnixfsException;
import io.p2pkit.ipfs.unixfs.UnixfsException.Reason;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Semaphore;

/**
 * A byte range of a UnixFS file, read block by block as it is consumed. Children that end before
 * the range starts are skipped by their blocksizes without being read, so seeking costs one block
 * per level. Holds one block per level of the DAG, and reads the next few ahead
 * ({@link BlockPrefetch}). Every node on the way is checked: its type, its sizes against its
 * parent's blocksizes, loops, and depth.
 *
 * <p>Blocks below the root are read into pooled direct buffers, and leaves are served from there
 * in place: {@link #transferTo(WritableByteChannel)} hands each leaf's bytes to the channel with
 * no copy in Java.
 */
final class FileStream extends InputStream {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /** The chunk a direct buffer's bytes go through to an {@link OutputStream}. */
    private static final int SCRATCH = 64 * 1024;

    private final BlockPrefetch blocks;
    private final Deque<Frame> stack = new ArrayDeque<>();
    private final long end;
    private long pos;
    /** The bytes being served, from its position to its limit; empty when none are. */
    private ByteBuffer current = EMPTY;
    private byte[] scratch;
    private boolean closed;

    /** A node being read: where it starts in the file and which child comes next. */
    private static final class Frame {
        final UnixfsNode node;
        final long start;
        /** The pooled buffer the node was read into, given back when the frame is done; or null. */
        final ByteBuffer buffer;
        boolean dataServed;
        int next;
        long nextStart;

        Frame(UnixfsNode node, long start, ByteBuffer buffer) {
            this.node = node;
            this.start = start;
            this.buffer = buffer;
            this.nextStart = start + node.inlineLength();
        }
    }

    FileStream(BlockSource blocks, Semaphore prefetchBudgetKib, UnixfsNode root, long offset, long length) {
        this(blocks, prefetchBudgetKib, DirectBuffers.SHARED, root, offset, length);
    }

    FileStream(BlockSource blocks, Semaphore prefetchBudgetKib, DirectBuffers buffers, UnixfsNode root, long offset,
               long length) {
        this.blocks = new BlockPrefetch(blocks, prefetchBudgetKib, buffers);
        long size = root.fileSize();
        this.pos = Math.min(offset, size);
        this.end = length < 0 || length > size - pos ? size : pos + length;
        stack.push(new Frame(root, 0, null));
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!current.hasRemaining() && !advance()) {
            return -1;
        }
        int n = Math.min(len, current.remaining());
        current.get(b, off, n);
        pos += n;
        return n;
    }

    /** Writes each block's bytes straight from the block: no copy through a buffer. */
    @Override
    public long transferTo(OutputStream out) throws IOException {
        long total = 0;
        while (current.hasRemaining() || advance()) {
            int n = current.remaining();
            if (current.hasArray()) {
                out.write(current.array(), current.arrayOffset() + current.position(), n);
                current.position(current.limit());
            } else {
                if (scratch == null) {
                    scratch = new byte[SCRATCH];
                }
                while (current.hasRemaining()) {
                    int c = Math.min(SCRATCH, current.remaining());
                    current.get(scratch, 0, c);
                    out.write(scratch, 0, c);
                }
            }
            pos += n;
            total += n;
        }
        return total;
    }

    /**
     * Writes the rest of the range to {@code out}, each leaf's bytes from the buffer it was read
     * into.
     *
     * @return the bytes written
     */
    long transferTo(WritableByteChannel out) throws IOException {
        long total = 0;
        while (current.hasRemaining() || advance()) {
            int n = current.remaining();
            while (current.hasRemaining()) {
                out.write(current);
            }
            pos += n;
            total += n;
        }
        return total;
    }

    /** Stops reading ahead and gives back every buffer held. */
    @Override
    public void close() {
        closed = true;
        releaseAll();
    }

    private void releaseAll() {
        current = EMPTY;
        while (!stack.isEmpty()) {
            blocks.release(stack.pop().buffer);
        }
        blocks.close();
    }

    @Override
    public long skip(long n) throws IOException {
        long left = Math.min(Math.max(n, 0), end - pos);
        int inCurrent = (int) Math.min(left, current.remaining());
        current.position(current.position() + inCurrent);
        pos += inCurrent;
        long rest = left - inCurrent;
        if (rest > 0) {
            pos += rest; // the next advance() skips whole children by their blocksizes
        }
        return left;
    }

    /** Loads the next stretch of bytes at {@code pos}; false at the end of the range. */
    private boolean advance() throws IOException {
        current = EMPTY;
        if (closed) {
            throw new IOException("the file stream is closed");
        }
        while (pos < end && !stack.isEmpty()) {
            Frame f = stack.peek();
            if (!f.dataServed) {
                f.dataServed = true;
                int length = f.node.inlineLength();
                if (pos < f.start + length) {
                    ByteBuffer bytes = f.node.inlineBuffer();
                    current = bytes.position((int) (pos - f.start)).limit((int) Math.min(length, end - f.start));
                    return true;
                }
            }
            if (f.next >= f.node.children()) {
                blocks.release(stack.pop().buffer);
                continue;
            }
            int i = f.next++;
            long childStart = f.nextStart;
            long childSize = f.node.data().blocksize(i);
            f.nextStart += childSize;
            if (childStart + childSize <= pos) {
                continue; // wholly before the range: never read
            }
            Cid cid = f.node.pb().links().get(i).hash();
            readAhead(f);
            for (Frame ancestor : stack) {
                if (ancestor.node.cid().equals(cid)) {
                    throw new UnixfsException(Reason.LOOP, f.node.cid(), "link " + i + " leads back to " + cid + ", its own ancestor");
                }
            }
            if (stack.size() >= Exporter.MAX_DEPTH) {
                throw new UnixfsException(Reason.TOO_DEEP, cid, "file DAG deeper than " + Exporter.MAX_DEPTH + " levels");
            }
            ByteBuffer block = blocks.read(cid).orElseThrow(() -> new BlockNotFoundException(cid));
            UnixfsNode child;
            try {
                child = UnixfsNode.filePart(cid, block);
                long actual = child.fileSize();
                if (actual != childSize) {
                    throw new UnixfsException(Reason.SIZE_MISMATCH, f.node.cid(), "blocksize " + i + " says " + childSize
                            + " bytes but " + cid + " holds " + actual);
                }
            } catch (RuntimeException e) {
                blocks.release(block);
                throw e;
            }
            if (child.leaf() == null) {
                blocks.release(block);  // decoded from a copy
                block = null;
            }
            stack.push(new Frame(child, childStart, block));
        }
        releaseAll();
        return false;
    }

    /** Asks for the children after the one {@code f} is about to read, as far as the range goes and the window allows. */
    private void readAhead(Frame f) {
        long start = f.nextStart;
        for (int j = f.next; j < f.node.children() && start < end && blocks.hasRoom(); j++) {
            long size = f.node.data().blocksize(j);
            blocks.ask(f.node.pb().links().get(j).hash(), size);
            start += size;
        }
    }
}
