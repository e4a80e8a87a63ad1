package io.p2pkit.ipfs.car;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Varint;
import io.p2pkit.ipfs.block.Block;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Writes a CARv1 to a stream: the header with its roots on {@link #create}, then one section per
 * {@link #write}, in the order given. Blocks are written as they are (the writer trusts that each
 * block's bytes match its CID, as {@link Block} promises). Not thread-safe.
 *
 * <pre>{@code
 * try (CarWriter car = CarWriter.create(out, List.of(root))) {
 *     for (Block b : blocks) car.write(b);
 * }
 * }</pre>
 */
public final class CarWriter implements Closeable {
    private final OutputStream out;
    private final List<CarIndex.Entry> entries;
    private long size;

    private CarWriter(OutputStream out, boolean recordEntries) {
        this.out = out;
        this.entries = recordEntries ? new ArrayList<>() : null;
    }

    /**
     * Writes the header.
     *
     * @param out   where the CAR goes; closed by {@link #close()}
     * @param roots the roots to name (the spec recommends exactly one; none is allowed)
     * @return the writer
     */
    public static CarWriter create(OutputStream out, List<Cid> roots) throws IOException {
        return create(out, roots, false);
    }

    static CarWriter create(OutputStream out, List<Cid> roots, boolean recordEntries) throws IOException {
        Objects.requireNonNull(out, "out");
        CarWriter w = new CarWriter(out instanceof BufferedOutputStream ? out : new BufferedOutputStream(out, 64 * 1024), recordEntries);
        byte[] header = CarV1Header.encode(List.copyOf(roots));
        w.put(Varint.encode(header.length));
        w.put(header);
        return w;
    }

    /** Writes one section: the block's CID and bytes. */
    public void write(Block block) throws IOException {
        byte[] cid = block.cid().bytes();
        long offset = size;
        put(Varint.encode((long) cid.length + block.size()));
        put(cid);
        put(block.data());
        if (entries != null) {
            entries.add(new CarIndex.Entry(block.cid().multihash(), offset));
        }
    }

    /** @return how many bytes have been written so far, header included */
    public long size() {
        return size;
    }

    /** @return the index of what was written (only for writers that record it) */
    CarIndex index() {
        return CarIndex.of(entries);
    }

    /** Flushes what is buffered, without closing the stream. */
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    private void put(byte[] b) throws IOException {
        out.write(b);
        size += b.length;
    }
}
