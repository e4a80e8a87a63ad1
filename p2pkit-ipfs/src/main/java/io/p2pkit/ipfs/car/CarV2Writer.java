package io.p2pkit.ipfs.car;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.block.Block;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;

/**
 * Writes a CARv2 with a {@code MultihashIndexSorted} index. The header says how large the data is
 * and where the index starts, which is known only at the end, so this writes to a seekable channel:
 * pragma and a placeholder header, the CARv1 payload as blocks come, then on {@link #close()} the
 * index and the real header. Not thread-safe.
 */
public final class CarV2Writer implements Closeable {
    private final SeekableByteChannel channel;
    private final CarWriter data;
    private boolean closed;

    private CarV2Writer(SeekableByteChannel channel, CarWriter data) {
        this.channel = channel;
        this.data = data;
    }

    /** Creates (or replaces) the file at {@code path}. */
    public static CarV2Writer create(Path path, List<Cid> roots) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        try {
            return create(ch, roots);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * @param channel an empty channel, positioned at 0; closed by {@link #close()}
     * @param roots   the roots of the inner CARv1
     */
    public static CarV2Writer create(SeekableByteChannel channel, List<Cid> roots) throws IOException {
        Objects.requireNonNull(channel, "channel");
        writeFully(channel, ByteBuffer.wrap(CarV2Header.PRAGMA));
        writeFully(channel, ByteBuffer.allocate(CarV2Header.SIZE)); // placeholder until close()
        OutputStream payload = new FilterOutputStream(Channels.newOutputStream(channel)) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush(); // the channel stays open for the index and the header
            }
        };
        return new CarV2Writer(channel, CarWriter.create(new BufferedOutputStream(payload, 64 * 1024), roots, true));
    }

    /** Appends a block to the data payload. */
    public void write(Block block) throws IOException {
        data.write(block);
    }

    /** Writes the index and the header, and closes the channel. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try (channel) {
            data.close();
            long dataSize = data.size();
            CarIndex index = data.index();
            channel.position(CarV2Header.FIRST_DATA_OFFSET + dataSize);
            writeFully(channel, ByteBuffer.wrap(index.toByteArray()));
            channel.position(CarV2Header.PRAGMA.length);
            writeFully(channel, ByteBuffer.wrap(CarV2Header.of(dataSize, true).bytes()));
        }
    }

    private static void writeFully(SeekableByteChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }
}
