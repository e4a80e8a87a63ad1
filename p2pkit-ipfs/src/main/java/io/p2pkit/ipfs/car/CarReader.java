package io.p2pkit.ipfs.car;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Varint;
import io.p2pkit.ipfs.block.Block;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads a CAR (version 1, or version 2 through to the end of its data payload) from a stream:
 * the header on {@link #open}, then one section at a time. Every block is checked against its CID
 * ({@link Block#verified}) before it is handed out, and every length is checked against
 * {@link CarLimits} before anything is allocated for it. Truncated or corrupt input ends in a
 * {@link DecodeException} (field {@code "car"}, or a {@link io.p2pkit.ipfs.block.BlockMismatchException})
 * saying where and what; {@link IOException} is left for the stream's own failures.
 *
 * <pre>{@code
 * try (CarReader car = CarReader.open(in)) {
 *     for (Optional<Block> b = car.next(); b.isPresent(); b = car.next()) {
 *         store.put(b.get());
 *     }
 * }
 * }</pre>
 *
 * Roots may be empty (the JavaScript implementation writes such CARs; the spec leaves it open)
 * and duplicate blocks are passed on as they come. A section of length zero is refused. Not
 * thread-safe.
 */
public final class CarReader implements Closeable {
    private final Counted in;
    private final CarLimits limits;
    private final List<Cid> roots;
    private final CarV2Header v2;

    private CarReader(Counted in, CarLimits limits, List<Cid> roots, CarV2Header v2) {
        this.in = in;
        this.limits = limits;
        this.roots = roots;
        this.v2 = v2;
    }

    /** Opens with {@link CarLimits#DEFAULT}. */
    public static CarReader open(InputStream in) throws IOException {
        return open(in, CarLimits.DEFAULT);
    }

    /**
     * Reads the header (and for a CARv2, its header and the inner CARv1's).
     *
     * @param in     the CAR; closed by {@link #close()}
     * @param limits the caps to apply
     * @return a reader positioned at the first section
     * @throws DecodeException when the header is malformed or over the cap
     * @throws IOException     when the stream fails
     */
    public static CarReader open(InputStream in, CarLimits limits) throws IOException {
        Objects.requireNonNull(limits, "limits");
        InputStream buffered = in instanceof BufferedInputStream ? in : new BufferedInputStream(in, 64 * 1024);
        Counted outer = new Counted(buffered, Long.MAX_VALUE);
        long length = readVarint(outer, "the header length");
        if (length < 0) {
            throw new DecodeException("car", "empty input: no header");
        }
        byte[] header = readHeader(outer, length, limits);
        if (Arrays.equals(header, Arrays.copyOfRange(CarV2Header.PRAGMA, 1, CarV2Header.PRAGMA.length))) {
            CarV2Header v2 = CarV2Header.read(readFully(outer, CarV2Header.SIZE, "the CARv2 header"));
            skip(outer, v2.dataOffset() - CarV2Header.FIRST_DATA_OFFSET);
            Counted data = new Counted(buffered, v2.dataSize());
            long innerLength = readVarint(data, "the CARv1 header length");
            if (innerLength < 0) {
                throw new DecodeException("car", "CARv2 data payload is empty: no CARv1 header");
            }
            List<Cid> roots = CarV1Header.decode(readHeader(data, innerLength, limits), limits.maxHeaderSize());
            return new CarReader(data, limits, roots, v2);
        }
        return new CarReader(outer, limits, CarV1Header.decode(header, limits.maxHeaderSize()), null);
    }

    /** @return 1 or 2 */
    public int version() {
        return v2 == null ? 1 : 2;
    }

    /** @return the roots the header names (possibly none) */
    public List<Cid> roots() {
        return roots;
    }

    /** @return the CARv2 header, for a CARv2 */
    public Optional<CarV2Header> v2Header() {
        return Optional.ofNullable(v2);
    }

    /**
     * @return the next block, verified, or empty at the end of the data
     * @throws DecodeException when the section is truncated, malformed or over the cap, or its
     *                         block does not match its CID
     */
    public Optional<Block> next() throws IOException {
        return nextSection().map(CarSection::block);
    }

    /** As {@link #next()}, with where the section sits in the CARv1 payload. */
    public Optional<CarSection> nextSection() throws IOException {
        long offset = in.count;
        long length = readVarint(in, "a section length");
        if (length < 0) {
            if (in.remaining() > 0 && v2 != null) {
                throw new DecodeException("car", "CARv2 data payload ends after " + offset + " of its " + v2.dataSize() + " bytes");
            }
            return Optional.empty();
        }
        if (length == 0) {
            throw new DecodeException("car", "section at offset " + offset + " has length 0");
        }
        if (length > limits.maxSectionSize()) {
            throw new DecodeException("car", "section at offset " + offset + " claims " + length
                    + " bytes, over the cap of " + limits.maxSectionSize());
        }
        byte[] section = readFully(in, (int) length, "the section at offset " + offset);
        ByteBuffer buf = ByteBuffer.wrap(section);
        Cid cid;
        try {
            cid = Cid.read(buf);
        } catch (DecodeException e) {
            throw new DecodeException("car", "section at offset " + offset + ": invalid CID: " + e.getMessage(), e);
        }
        if (section.length - buf.position() > limits.maxBlockSize()) {
            throw new DecodeException("car", "block " + cid + " at offset " + offset + " has " + (section.length - buf.position())
                    + " bytes, over the cap of " + limits.maxBlockSize());
        }
        byte[] data = Arrays.copyOfRange(section, buf.position(), section.length);
        return Optional.of(new CarSection(Block.verified(cid, data), offset, in.count - offset));
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private static byte[] readHeader(Counted in, long length, CarLimits limits) throws IOException {
        if (length == 0) {
            throw new DecodeException("car", "header has length 0");
        }
        if (length > limits.maxHeaderSize()) {
            throw new DecodeException("car", "header claims " + length + " bytes, over the cap of " + limits.maxHeaderSize());
        }
        return readFully(in, (int) length, "the header");
    }

    private static long readVarint(Counted in, String what) throws IOException {
        try {
            return Varint.read(in);
        } catch (EOFException e) {
            throw new DecodeException("car", "truncated: input ends inside " + what);
        } catch (DecodeException e) {
            throw new DecodeException("car", what + ": " + e.getMessage(), e);
        }
    }

    private static byte[] readFully(Counted in, int n, String what) throws IOException {
        // readNBytes grows its buffer as bytes arrive, so a false length cannot make us allocate it all.
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new DecodeException("car", "truncated: " + what + " has " + b.length + " of its " + n + " bytes");
        }
        return b;
    }

    private static void skip(Counted in, long n) throws IOException {
        long left = n;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new DecodeException("car", "truncated: input ends in the padding before the CARv2 data payload");
                }
                skipped = 1;
            }
            left -= skipped;
        }
    }

    /** Counts what is read, and ends after {@code limit} bytes (a CARv2's data payload). */
    private static final class Counted extends InputStream {
        private final InputStream in;
        private final long limit;
        private long count;

        Counted(InputStream in, long limit) {
            this.in = in;
            this.limit = limit;
        }

        long remaining() {
            return limit - count;
        }

        @Override
        public int read() throws IOException {
            if (count >= limit) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (count >= limit) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, limit - count));
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = in.skip(Math.min(n, limit - count));
            count += Math.max(s, 0);
            return s;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
