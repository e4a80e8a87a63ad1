package io.p2pkit.ipfs.filestore;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multibase;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.block.DirectBuffers;
import io.p2pkit.ipfs.blockstore.Blockstore;
import io.p2pkit.ipfs.unixfs.importer.BlockSink;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;

/**
 * Kubo's filestore: a blockstore over the repository's own ({@code main}) whose other blocks are
 * not copied but referenced, a range of a file under {@code root} ({@code add --nocopy}).
 *
 * <p>Reads try the main store, then the references; a referenced block is read from its file and
 * hashed, and a file that vanished or changed fails the read with a {@link FilestoreException}
 * naming it, never with wrong bytes. {@link #delete} removes both the copy and the reference,
 * never the file; {@link #keys} lists both, so that GC collects references like blocks.
 *
 * <p>The root is the repository directory's parent, as Kubo's {@code filepath.Dir(repoPath)}.
 */
public final class Filestore implements Blockstore {
    /** Kubo's error when the filestore is off (boxo's ErrFilestoreNotEnabled). */
    public static final String NOT_ENABLED = "filestore is not enabled, see https://git.io/vNItf";
    /** Kubo's error for add --nocopy when neither the filestore nor the urlstore is on. */
    public static final String NOCOPY_NOT_ENABLED = "either the filestore or the urlstore must be enabled to use nocopy, "
            + "see: https://github.com/ipfs/kubo/blob/master/docs/experimental-features.md#ipfs-filestore";
    /** A reference larger than this is damaged: the importer's chunks are at most {@link Block#MAX_SIZE}. */
    private static final long MAX_REF_SIZE = Block.MAX_SIZE;

    private final Blockstore main;
    private final FileRefStore refs;
    private final Path root;

    /**
     * @param main the repository's own blockstore; the filestore owns it from now on
     * @param refs where references are kept
     * @param root the directory references must be under
     */
    public Filestore(Blockstore main, FileRefStore refs, Path root) {
        this.main = main;
        this.refs = refs;
        this.root = root.toAbsolutePath().normalize();
    }

    /** @return the directory referenced files must be under */
    public Path root() {
        return root;
    }

    /** @return the repository's own blockstore */
    public Blockstore main() {
        return main;
    }

    /** Kubo's datastore key of a multihash: base32, upper case, unpadded. */
    static String keyOf(Multihash mh) {
        return Multibase.encode(Multibase.Encoding.BASE32_UPPER, mh.bytes()).substring(1);
    }

    private static Multihash multihashOf(String key) {
        return Multihash.decode(Multibase.decode("B" + key));
    }

    /**
     * Records that {@code block} is the range of {@code file} from {@code offset}; nothing is
     * recorded when the block is here already (as boxo's Filestore.Put).
     *
     * @param blocks the blocks with their places, in file order
     * @throws IOException when a file is not under the root (Kubo's text) or the store fails
     */
    public void putReferences(List<Placed> blocks) throws IOException {
        Map<String, byte[]> batch = new LinkedHashMap<>();
        for (Placed p : blocks) {
            Multihash mh = p.key();
            if (mh.code() == Multicodec.IDENTITY || main.has(mh) || batch.containsKey(keyOf(mh))
                    || refs.ref(keyOf(mh)).isPresent()) {
                continue;
            }
            batch.put(keyOf(mh), new FileRef(relative(p.file()), p.offset(), p.size()).encode());
        }
        if (!batch.isEmpty()) {
            refs.putRefs(batch);
        }
    }

    /**
     * The sink of {@code add --nocopy}: the leaves it is given as references are recorded here,
     * the other blocks go to {@code below}.
     *
     * @param below where the other blocks go (the repository's usual sink)
     * @return the sink
     */
    public BlockSink sink(BlockSink below) {
        return new ReferencingSink(this, below);
    }

    /**
     * A block's place in a file.
     *
     * @param key    the block's multihash
     * @param size   its length
     * @param file   the file's absolute path
     * @param offset where the block starts
     */
    public record Placed(Multihash key, long size, Path file, long offset) {
    }

    /**
     * Checks, before an import, that references to {@code file} (or to files under it) can be kept.
     *
     * @param file an absolute path
     * @throws IOException Kubo's text when it is not under the root
     */
    public void requireUnderRoot(Path file) throws IOException {
        relative(file);
    }

    /**
     * The path a reference keeps: relative to the root, '/'-separated.
     *
     * @param file an absolute path
     * @return it relative to the root
     * @throws IOException Kubo's text when it is not under the root
     */
    String relative(Path file) throws IOException {
        Path abs = file.toAbsolutePath().normalize();
        if (!abs.startsWith(root) || abs.equals(root)) {
            throw new IOException("cannot add filestore references outside ipfs root (" + root + ")");
        }
        return root.relativize(abs).toString().replace(java.io.File.separatorChar, '/');
    }

    @Override
    public Optional<Block> get(Cid cid) throws IOException {
        Optional<Block> own = main.get(cid);
        if (own.isPresent()) {
            return own;
        }
        Optional<byte[]> stored = refs.ref(keyOf(cid.multihash()));
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Block.of(cid, read(cid.multihash(), decode(stored.get()))));
    }

    @Override
    public Optional<ByteBuffer> read(Cid cid, DirectBuffers buffers) throws IOException {
        Optional<ByteBuffer> own = main.read(cid, buffers);
        return own.isPresent() ? own : Blockstore.super.read(cid, buffers);
    }

    private static FileRef decode(byte[] stored) throws FilestoreException {
        try {
            return FileRef.decode(stored);
        } catch (DecodeException e) {
            throw new FilestoreException(FilestoreStatus.OTHER_ERROR, e.getMessage());
        }
    }

    /** Reads a reference's range and checks it against the multihash (boxo's readFileDataObj). */
    private byte[] read(Multihash key, FileRef ref) throws FilestoreException {
        if (ref.size() < 0 || ref.size() > MAX_REF_SIZE || ref.offset() < 0) {
            throw new FilestoreException(FilestoreStatus.OTHER_ERROR, "reference to " + ref.filePath()
                    + " has a size of " + ref.size() + " at offset " + ref.offset());
        }
        Path file = root.resolve(ref.filePath());
        byte[] out = new byte[(int) ref.size()];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.wrap(out);
            long at = ref.offset();
            while (buf.hasRemaining()) {
                int n = ch.read(buf, at);
                if (n < 0) {
                    throw new FilestoreException(FilestoreStatus.FILE_CHANGED, "EOF");
                }
                at += n;
            }
        } catch (NoSuchFileException e) {
            throw new FilestoreException(FilestoreStatus.FILE_NOT_FOUND, "open " + file + ": no such file or directory");
        } catch (AccessDeniedException e) {
            throw new FilestoreException(FilestoreStatus.FILE_ERROR, "open " + file + ": permission denied");
        } catch (FilestoreException e) {
            throw e;
        } catch (IOException e) {
            throw new FilestoreException(FilestoreStatus.FILE_ERROR, "read " + file + ": " + e.getMessage());
        }
        if (!Multihash.isSupported(key.code()) || !Multihash.digest(key.code(), out).equals(key)) {
            throw new FilestoreException(FilestoreStatus.FILE_CHANGED,
                    "data in file did not match. " + ref.filePath() + " offset " + ref.offset());
        }
        return out;
    }

    /**
     * Stores a block in the main store, unless it is here as a reference (as boxo's Filestore.Put:
     * pinning or {@code block put} does not copy a referenced block). A copying {@code add} writes
     * to {@link #main()} directly, as Kubo's writes to its base blockstore: that is how duplicates
     * ({@link #duplicates()}) come about.
     */
    @Override
    public void put(Block block) throws IOException {
        if (!hasReference(block.cid().multihash())) {
            main.put(block);
        }
    }

    @Override
    public void putMany(List<Block> blocks) throws IOException {
        main.putMany(copies(blocks));
    }

    /** The main store's writer, for the blocks that have no reference here (as {@link #putMany}). */
    @Override
    public io.p2pkit.ipfs.blockstore.BlockWrites writes() {
        io.p2pkit.ipfs.blockstore.BlockWrites inMain = main.writes();
        return new io.p2pkit.ipfs.blockstore.BlockWrites() {
            @Override
            public void putMany(List<Block> blocks) throws IOException {
                inMain.putMany(copies(blocks));
            }

            @Override
            public void sync() throws IOException {
                inMain.sync();
            }
        };
    }

    private List<Block> copies(List<Block> blocks) throws IOException {
        List<Block> copies = new ArrayList<>(blocks.size());
        for (Block b : blocks) {
            if (!hasReference(b.cid().multihash())) {
                copies.add(b);
            }
        }
        return copies;
    }

    @Override
    public boolean has(Multihash key) throws IOException {
        return main.has(key) || refs.ref(keyOf(key)).isPresent();
    }

    /** @return whether the block is here only as a reference, so its bytes must not be cached */
    @Override
    public boolean isReference(Multihash key) throws IOException {
        return refs.ref(keyOf(key)).isPresent() && !main.has(key);
    }

    /**
     * @param key a multihash
     * @return whether a reference is kept for it (whether or not the main store has it too)
     * @throws IOException when the store cannot be read
     */
    public boolean hasReference(Multihash key) throws IOException {
        return refs.ref(keyOf(key)).isPresent();
    }

    /** Removes the copy and the reference; the file is left alone. */
    @Override
    public boolean delete(Multihash key) throws IOException {
        boolean own = main.delete(key);
        boolean ref = refs.removeRef(keyOf(key));
        return own || ref;
    }

    /**
     * Removes the reference only ({@code filestore verify --remove-bad-blocks}).
     *
     * @param key the block
     * @return whether there was one
     * @throws IOException when it cannot be removed
     */
    public boolean deleteReference(Multihash key) throws IOException {
        return refs.removeRef(keyOf(key));
    }

    @Override
    public OptionalInt sizeOf(Multihash key) throws IOException {
        OptionalInt own = main.sizeOf(key);
        if (own.isPresent()) {
            return own;
        }
        Optional<byte[]> stored = refs.ref(keyOf(key));
        if (stored.isEmpty()) {
            return OptionalInt.empty();
        }
        long size = decode(stored.get()).size();
        return size >= 0 && size <= MAX_REF_SIZE ? OptionalInt.of((int) size) : OptionalInt.empty();
    }

    /** The main store's keys, then the references' (as boxo's AllKeysChan). */
    @Override
    public Stream<Multihash> keys() throws IOException {
        List<String> refKeys = refs.refKeys();
        return Stream.concat(main.keys(), refKeys.stream().flatMap(k -> {
            try {
                return Stream.of(multihashOf(k));
            } catch (DecodeException e) {
                return Stream.empty(); // a damaged key: filestore ls reports it, GC cannot name it
            }
        }));
    }

    /** Blocks and references. */
    @Override
    public long count() {
        return main.count() + refs.refCount();
    }

    /** The main store's bytes: referenced files take no room in the repository. */
    @Override
    public long totalSize() {
        return main.totalSize();
    }

    // --- filestore ls / verify / dups

    /**
     * {@code filestore ls} or {@code verify} of every reference.
     *
     * @param verify    read each block back from its file
     * @param fileOrder sorted by file and offset instead of by key
     * @return one entry per reference
     * @throws IOException when the reference store cannot be read
     */
    public List<FilestoreEntry> all(boolean verify, boolean fileOrder) throws IOException {
        List<FilestoreEntry> out = new ArrayList<>();
        List<String> keys = refs.refKeys();
        if (!fileOrder) {
            for (String k : keys) {
                entry(k, verify).ifPresent(out::add);
            }
            return out;
        }
        record Sorted(String key, FileRef ref, String error) {
        }
        List<Sorted> sorted = new ArrayList<>();
        for (String k : keys) {
            Optional<byte[]> stored = refs.ref(k);
            if (stored.isEmpty()) {
                continue;
            }
            try {
                sorted.add(new Sorted(k, FileRef.decode(stored.get()), null));
            } catch (DecodeException e) {
                sorted.add(new Sorted(k, new FileRef("", 0, 0), e.getMessage()));
            }
        }
        sorted.sort(Comparator.comparing((Sorted s) -> s.ref.filePath()).thenComparingLong(s -> s.ref.offset())
                .thenComparing(Sorted::key));
        for (Sorted s : sorted) {
            Cid cid = cidOf(s.key);
            if (s.error != null) {
                out.add(new FilestoreEntry(FilestoreStatus.OTHER_ERROR, s.error, cid, "", 0, 0));
            } else if (cid == null) {
                out.add(entry(null, s.ref, FilestoreStatus.OTHER_ERROR, "cannot decode key " + s.key));
            } else {
                out.add(check(cid, s.ref, verify));
            }
        }
        return out;
    }

    /**
     * {@code filestore ls} or {@code verify} of one block.
     *
     * @param cid    the block
     * @param verify read it back from its file
     * @return its entry; {@link FilestoreStatus#KEY_NOT_FOUND} when there is no reference
     * @throws IOException when the reference store cannot be read
     */
    public FilestoreEntry one(Cid cid, boolean verify) throws IOException {
        Multihash mh = cid.multihash();
        Cid key = Cid.v1(Multicodec.RAW, mh);
        Optional<byte[]> stored = refs.ref(keyOf(mh));
        if (stored.isEmpty()) {
            return new FilestoreEntry(FilestoreStatus.KEY_NOT_FOUND, "ipld: could not find " + key, key, "", 0, 0);
        }
        try {
            return check(key, FileRef.decode(stored.get()), verify);
        } catch (DecodeException e) {
            return new FilestoreEntry(FilestoreStatus.OTHER_ERROR, e.getMessage(), key, "", 0, 0);
        }
    }

    private Optional<FilestoreEntry> entry(String k, boolean verify) throws IOException {
        Optional<byte[]> stored = refs.ref(k);
        if (stored.isEmpty()) {
            return Optional.empty(); // removed since the keys were listed
        }
        Cid cid = cidOf(k);
        FileRef ref;
        try {
            ref = FileRef.decode(stored.get());
        } catch (DecodeException e) {
            return Optional.of(new FilestoreEntry(FilestoreStatus.OTHER_ERROR, e.getMessage(), cid, "", 0, 0));
        }
        if (cid == null) {
            return Optional.of(entry(null, ref, FilestoreStatus.OTHER_ERROR, "cannot decode key " + k));
        }
        return Optional.of(check(cid, ref, verify));
    }

    private static Cid cidOf(String key) {
        try {
            return Cid.v1(Multicodec.RAW, multihashOf(key));
        } catch (DecodeException e) {
            return null;
        }
    }

    private FilestoreEntry check(Cid cid, FileRef ref, boolean verify) {
        if (verify) {
            try {
                read(cid.multihash(), ref);
            } catch (FilestoreException e) {
                return entry(cid, ref, e.status(), e.getMessage());
            }
        }
        return entry(cid, ref, FilestoreStatus.OK, "");
    }

    private static FilestoreEntry entry(Cid cid, FileRef ref, FilestoreStatus status, String error) {
        return new FilestoreEntry(status, error, cid, ref.filePath(), ref.offset(), ref.size());
    }

    /**
     * {@code filestore dups}: the referenced blocks the main store has a copy of too.
     *
     * @return their CIDs (v1, raw), in key order
     * @throws IOException when a store cannot be read
     */
    public List<Cid> duplicates() throws IOException {
        List<Cid> out = new ArrayList<>();
        for (String k : refs.refKeys()) {
            Cid cid = cidOf(k);
            if (cid != null && main.has(cid.multihash())) {
                out.add(cid);
            }
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        main.close();
    }
}
