package io.p2pkit.kad.provider;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * An append-only file of small records, each framed as {@code u32 length, u32 CRC32C(payload),
 * payload}. Appends are written and fsynced as one batch. Opening replays the file and stops at
 * the first frame that is torn (shorter than it claims), oversized or fails its CRC; the file is
 * then cut back to the last good frame, so a crash in the middle of a write loses only that
 * write and nothing after a corrupted frame is trusted. {@link #rewrite} replaces the whole file
 * atomically (write a temporary file, fsync, rename), which is how the store compacts.
 */
public final class ProviderLog implements Closeable {
    /** Largest payload accepted in one frame. */
    public static final int MAX_PAYLOAD = 4096;
    private static final int HEADER = 8;

    private final Path file;
    private FileChannel channel;
    private long frames;

    private ProviderLog(Path file, FileChannel channel, long frames) {
        this.file = file;
        this.channel = channel;
        this.frames = frames;
    }

    /**
     * Opens (creating if needed) the log at {@code file} and returns it with the payloads of its
     * good prefix.
     */
    public static Opened open(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            List<byte[]> payloads = new ArrayList<>();
            long size = ch.size();
            long pos = 0;
            ByteBuffer header = ByteBuffer.allocate(HEADER);
            while (pos + HEADER <= size) {
                header.clear();
                readFully(ch, header, pos);
                header.flip();
                int len = header.getInt();
                int crc = header.getInt();
                if (len < 0 || len > MAX_PAYLOAD || pos + HEADER + len > size) {
                    break;
                }
                ByteBuffer body = ByteBuffer.allocate(len);
                readFully(ch, body, pos + HEADER);
                byte[] payload = body.array();
                if (crc(payload) != crc) {
                    break;
                }
                payloads.add(payload);
                pos += HEADER + len;
            }
            if (pos != size) {
                ch.truncate(pos);
                ch.force(true);
            }
            ch.position(pos);
            return new Opened(new ProviderLog(file, ch, payloads.size()), payloads);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** A log just opened and what it held. */
    public record Opened(ProviderLog log, List<byte[]> payloads) {
    }

    /** Appends {@code payloads} and fsyncs once. */
    public void append(List<byte[]> payloads) throws IOException {
        if (payloads.isEmpty()) {
            return;
        }
        int total = 0;
        for (byte[] p : payloads) {
            if (p.length > MAX_PAYLOAD) {
                throw new IllegalArgumentException("payload of " + p.length + " bytes is over " + MAX_PAYLOAD);
            }
            total += HEADER + p.length;
        }
        ByteBuffer buf = ByteBuffer.allocate(total);
        for (byte[] p : payloads) {
            buf.putInt(p.length).putInt(crc(p)).put(p);
        }
        buf.flip();
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
        channel.force(false);
        frames += payloads.size();
    }

    /** Replaces the file's content by {@code payloads}, atomically. */
    public void rewrite(List<byte[]> payloads) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".compact");
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            for (byte[] p : payloads) {
                ByteBuffer b = ByteBuffer.allocate(HEADER + p.length);
                b.putInt(p.length).putInt(crc(p)).put(p).flip();
                while (b.hasRemaining()) {
                    out.write(b);
                }
            }
            out.force(true);
        }
        channel.close();
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        channel.position(channel.size());
        frames = payloads.size();
    }

    /** Frames in the file (live and dead). */
    public long frames() {
        return frames;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private static int crc(byte[] payload) {
        CRC32C c = new CRC32C();
        c.update(payload);
        return (int) c.getValue();
    }

    private static void readFully(FileChannel ch, ByteBuffer dst, long pos) throws IOException {
        while (dst.hasRemaining()) {
            int n = ch.read(dst, pos + dst.position());
            if (n < 0) {
                throw new IOException("file ended while reading");
            }
        }
    }
}
