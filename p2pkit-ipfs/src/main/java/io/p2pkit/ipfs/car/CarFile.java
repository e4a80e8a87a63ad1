package io.p2pkit.ipfs.car;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Varint;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.block.BlockSource;
import io.p2pkit.ipfs.codec.identity.InlineBlocks;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A CAR file opened for random access: a {@link BlockSource} that finds a block by its multihash
 * through the index and reads just its section. A CARv2's own index is used when it is in a format
 * p2pkit reads ({@code MultihashIndexSorted} or {@code IndexSorted}); otherwise (a CARv1, a CARv2
 * without an index or with another format) the sections are scanned once on {@link #open} to build
 * one. Every block read is verified against the CID asked for; an index that points at the wrong
 * place gives a {@link DecodeException}, never a wrong block. Identity CIDs are answered from the
 * CID itself. Thread-safe: reads are positional.
 */
public final class CarFile implements BlockSource, Closeable {
    /** How the index came to be. */
    public enum IndexSource {
        /** Read from the CARv2. */
        STORED,
        /** Built by scanning the sections, since the CAR had no index p2pkit reads. */
        SCANNED
    }

    private final FileChannel channel;
    private final CarLimits limits;
    private final List<Cid> roots;
    private final CarV2Header v2;
    private final long dataOffset;
    private final long dataEnd;
    private final CarIndex index;
    private final IndexSource indexSource;

    private CarFile(FileChannel channel, CarLimits limits, List<Cid> roots, CarV2Header v2, long dataOffset, long dataEnd,
                    CarIndex index, IndexSource indexSource) {
        this.channel = channel;
        this.limits = limits;
        this.roots = roots;
        this.v2 = v2;
        this.dataOffset = dataOffset;
        this.dataEnd = dataEnd;
        this.index = index;
        this.indexSource = indexSource;
    }

    /** Opens with {@link CarLimits#DEFAULT}. */
    public static CarFile open(Path path) throws IOException {
        return open(path, CarLimits.DEFAULT);
    }

    /**
     * Opens a CARv1 or CARv2 file and reads or builds its index.
     *
     * @throws DecodeException when the headers, the index or (while scanning) a section is malformed or truncated
     * @throws IOException     when the file cannot be read
     */
    public static CarFile open(Path path, CarLimits limits) throws IOException {
        Objects.requireNonNull(limits, "limits");
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        try {
            return open(ch, limits);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static CarFile open(FileChannel ch, CarLimits limits) throws IOException {
        long size = ch.size();
        byte[] start = readAt(ch, 0, (int) Math.min(CarV2Header.PRAGMA.length, size));
        CarV2Header v2 = null;
        long dataOffset = 0;
        long dataEnd = size;
        if (Arrays.equals(start, CarV2Header.PRAGMA)) {
            if (size < CarV2Header.FIRST_DATA_OFFSET) {
                throw new DecodeException("car", "truncated: the CARv2 header needs 51 bytes, the file has " + size);
            }
            v2 = CarV2Header.read(readAt(ch, CarV2Header.PRAGMA.length, CarV2Header.SIZE));
            dataOffset = v2.dataOffset();
            dataEnd = v2.dataOffset() + v2.dataSize();
            if (dataEnd > size) {
                throw new DecodeException("car", "truncated: the CARv2 data payload ends at " + dataEnd + " but the file has " + size + " bytes");
            }
            if (v2.hasIndex() && v2.indexOffset() >= size) {
                throw new DecodeException("car", "truncated: the CARv2 index starts at " + v2.indexOffset() + " but the file has " + size + " bytes");
            }
        }
        Section header = sectionAt(ch, dataOffset, dataEnd, limits.maxHeaderSize(), "the header");
        List<Cid> roots = CarV1Header.decode(readAt(ch, header.contentStart, (int) header.contentLength), limits.maxHeaderSize());
        long firstSection = header.contentStart + header.contentLength;
        if (v2 != null && v2.hasIndex()) {
            long available = Math.min(size - v2.indexOffset(), limits.maxIndexSize());
            try {
                CarIndex index = CarIndex.read(new PositionalInput(ch, v2.indexOffset()), available);
                return new CarFile(ch, limits, roots, v2, dataOffset, dataEnd, index, IndexSource.STORED);
            } catch (UnsupportedIndexException e) {
                // fall through to a scan: the data is still a valid CARv1
            }
        }
        CarIndex index = scan(ch, limits, dataOffset, firstSection, dataEnd);
        return new CarFile(ch, limits, roots, v2, dataOffset, dataEnd, index, IndexSource.SCANNED);
    }

    private static CarIndex scan(FileChannel ch, CarLimits limits, long dataOffset, long from, long dataEnd) throws IOException {
        List<CarIndex.Entry> entries = new ArrayList<>();
        long pos = from;
        while (pos < dataEnd) {
            Section s = sectionAt(ch, pos, dataEnd, limits.maxSectionSize(), "the section at offset " + (pos - dataOffset));
            byte[] head = readAt(ch, s.contentStart, (int) Math.min(s.contentLength, CarLimits.MAX_CID_SIZE));
            Cid cid = cidOf(head, pos - dataOffset);
            entries.add(new CarIndex.Entry(cid.multihash(), pos - dataOffset));
            pos = s.contentStart + s.contentLength;
        }
        return CarIndex.of(entries);
    }

    /** @return 1 or 2 */
    public int version() {
        return v2 == null ? 1 : 2;
    }

    /** @return the roots of the (inner) CARv1 */
    public List<Cid> roots() {
        return roots;
    }

    /** @return the CARv2 header, for a CARv2 */
    public Optional<CarV2Header> v2Header() {
        return Optional.ofNullable(v2);
    }

    /** @return the index in use */
    public CarIndex index() {
        return index;
    }

    /** @return whether the index was read from the file or built by a scan */
    public IndexSource indexSource() {
        return indexSource;
    }

    /**
     * @param cid a block's CID (the lookup goes by its multihash)
     * @return the block, verified against {@code cid}, or empty when the CAR does not have it
     * @throws DecodeException when the index points at a section that is malformed, out of the
     *                         data, holds another block, or whose bytes do not match
     */
    @Override
    public Optional<Block> get(Cid cid) throws IOException {
        if (InlineBlocks.isInline(cid)) {
            return InlineBlocks.block(cid);
        }
        OptionalLong offset = index.offset(cid.multihash());
        if (offset.isEmpty()) {
            return Optional.empty();
        }
        long at = dataOffset + offset.getAsLong();
        if (offset.getAsLong() < 0 || at >= dataEnd) {
            throw new DecodeException("car", "the index puts " + cid + " at offset " + offset.getAsLong() + ", outside the data");
        }
        Section s = sectionAt(channel, at, dataEnd, limits.maxSectionSize(), "the section of " + cid);
        byte[] section = readAt(channel, s.contentStart, (int) s.contentLength);
        ByteBuffer buf = ByteBuffer.wrap(section);
        Cid stored = cidOf(section, offset.getAsLong());
        if (!stored.multihash().equals(cid.multihash())) {
            throw new DecodeException("car", "the index puts " + cid + " at offset " + offset.getAsLong() + ", where " + stored + " is");
        }
        buf.position(stored.bytes().length);
        byte[] data = Arrays.copyOfRange(section, buf.position(), section.length);
        if (data.length > limits.maxBlockSize()) {
            throw new DecodeException("car", "block " + cid + " has " + data.length + " bytes, over the cap of " + limits.maxBlockSize());
        }
        return Optional.of(Block.verified(cid, data));
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private static Cid cidOf(byte[] sectionStart, long offset) {
        try {
            return Cid.read(ByteBuffer.wrap(sectionStart));
        } catch (DecodeException e) {
            throw new DecodeException("car", "section at offset " + offset + ": invalid CID: " + e.getMessage(), e);
        }
    }

    /** Where a length-prefixed item's content is. */
    private record Section(long contentStart, long contentLength) {
    }

    private static Section sectionAt(FileChannel ch, long at, long end, int cap, String what) throws IOException {
        byte[] head = readAt(ch, at, (int) Math.min(Varint.MAX_BYTES, end - at));
        long length;
        try {
            length = Varint.read(ByteBuffer.wrap(head));
        } catch (DecodeException e) {
            throw new DecodeException("car", what + ": bad length: " + e.getMessage(), e);
        }
        if (length == 0) {
            throw new DecodeException("car", what + " has length 0");
        }
        if (length > cap) {
            throw new DecodeException("car", what + " claims " + length + " bytes, over the cap of " + cap);
        }
        long contentStart = at + Varint.size(length);
        if (length > end - contentStart) {
            throw new DecodeException("car", "truncated: " + what + " claims " + length + " bytes but "
                    + (end - contentStart) + " remain");
        }
        return new Section(contentStart, length);
    }

    private static byte[] readAt(FileChannel ch, long position, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (ch.read(b, position + b.position()) < 0) {
                throw new DecodeException("car", "truncated: the file ends at " + (position + b.position()));
            }
        }
        return b.array();
    }

    /** A stream over the channel from a position, by positional reads (the channel's position is untouched). */
    private static final class PositionalInput extends InputStream {
        private final FileChannel ch;
        private long position;

        PositionalInput(FileChannel ch, long position) {
            this.ch = ch;
            this.position = position;
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
            int n = ch.read(ByteBuffer.wrap(b, off, len), position);
            if (n > 0) {
                position += n;
            }
            return n;
        }
    }
}
