package io.p2pkit.ipfs.unixfs.importer;

import io.p2pkit.ipfs.codec.dagpb.PBNode;
import io.p2pkit.ipfs.unixfs.pb.Mtime;
import io.p2pkit.ipfs.unixfs.pb.UnixfsData;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;

/**
 * Imports a tree that arrives entry by entry, as a multipart upload to Kubo's {@code add} sends
 * it: each directory before what is in it, and what is in a directory together (parents that never
 * arrive are made, empty of metadata). File bytes are read as a stream, so memory holds only the
 * directories still open. Each top-level entry becomes a DAG of its own, or, with
 * {@link ImportOptions#wrapWithDirectory()}, every one goes into one new directory.
 *
 * <pre>{@code
 * TreeImporter tree = new TreeImporter(options, BlockSink.of(repo.blocks()), listener);
 * tree.directory("photos", null, null);
 * tree.file("photos/a.jpg", in, null, null);
 * List<TreeImporter.Root> roots = tree.finish();
 * }</pre>
 *
 * <p>Not thread-safe: one upload at a time, then {@link #close()}.
 */
public final class TreeImporter implements AutoCloseable {
    /** A finished top-level entry: its name ("" for the wrapping directory) and result. */
    public record Root(String name, ImportResult result) {
    }

    private final ImportOptions options;
    private final BlockSink sink;
    private final ImportListener listener;
    private final BlockWriter writer;
    private final Deque<Open> open = new ArrayDeque<>();
    private final List<Root> roots = new ArrayList<>();
    private final DirectoryBuilder wrapper;
    private long bytes;
    private long files;
    private long directories;

    /** A directory still taking entries. */
    private record Open(String path, DirectoryBuilder builder) {
    }

    /**
     * @param options  how to build the DAGs
     * @param sink     where the blocks go ({@link BlockSink#NONE} to compute CIDs only)
     * @param listener told about each entry, directories after everything in them
     */
    public TreeImporter(ImportOptions options, BlockSink sink, ImportListener listener) {
        this.options = Objects.requireNonNull(options, "options");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.writer = new BlockWriter(options, sink);
        this.wrapper = options.wrapWithDirectory()
                ? new DirectoryBuilder(options, writer, options.mode(), options.mtime()) : null;
    }

    /**
     * Opens a directory; its entries follow.
     *
     * @param path  its path, names separated by '/' (no leading '/', no "." or "..")
     * @param mode  its mode, or null
     * @param mtime its modification time, or null
     * @throws IOException when it comes after its parent was closed, or twice
     */
    public void directory(String path, Integer mode, Mtime mtime) throws IOException {
        enter(path);
        open.push(new Open(path, new DirectoryBuilder(options, writer, mode, mtime)));
    }

    /**
     * Imports a file from a stream, read to its end.
     *
     * @param path  its path
     * @param in    its bytes
     * @param mode  its mode, or null
     * @param mtime its modification time, or null
     * @throws IOException when the stream or the sink fails, or the path is out of order
     */
    public void file(String path, InputStream in, Integer mode, Mtime mtime) throws IOException {
        file(path, in, mode, mtime, null);
    }

    /**
     * Imports a file from a stream, its raw leaves handed to the sink as ranges of {@code source}
     * ({@link BlockSink#putReference}): {@code add --nocopy}, where the stream is that file's bytes.
     *
     * @param path   its path
     * @param in     its bytes
     * @param mode   its mode, or null
     * @param mtime  its modification time, or null
     * @param source the file's absolute path, or null to store the leaves
     * @throws IOException when the stream or the sink fails, or the path is out of order
     */
    public void file(String path, InputStream in, Integer mode, Mtime mtime, Path source) throws IOException {
        String name = enter(path);
        FileImporter f = new FileImporter(options, writer, options.chunker().open(in), listener, path, source);
        Child c = f.build(mode, mtime);
        bytes += f.bytesRead();
        files++;
        listener.entryImported(path, c.cid(), c.tsize());
        add(path, name, c);
    }

    /**
     * Stores a symlink (Kubo stores its mtime, never its mode).
     *
     * @param path   its path
     * @param target what it points to
     * @param mtime  its modification time, or null
     * @throws IOException when the sink fails or the path is out of order
     */
    public void symlink(String path, String target, Mtime mtime) throws IOException {
        String name = enter(path);
        byte[] block = PBNode.of(UnixfsData.symlink(target.getBytes(StandardCharsets.UTF_8)).withMtime(mtime).encode())
                .encode();
        Child c = new Child(writer.dagPb(block), block.length, 0);
        listener.entryImported(path, c.cid(), c.tsize());
        add(path, name, c);
    }

    /**
     * Closes every open directory and writes the last blocks.
     *
     * @return the top-level entries in the order they came, or the one wrapping directory
     * @throws IOException when the sink fails
     */
    public List<Root> finish() throws IOException {
        while (!open.isEmpty()) {
            closeTop();
        }
        if (wrapper != null) {
            Child c = wrapper.finish();
            directories++;
            listener.directoryImported("", c.cid(), c.tsize());
            roots.add(new Root("", result(c)));
        }
        writer.drain();
        sink.flush();
        return List.copyOf(roots);
    }

    @Override
    public void close() {
        writer.close();
    }

    /** Closes the directories {@code path} is not in, opens the parents it lacks; returns its own name. */
    private String enter(String path) throws IOException {
        if (path.isEmpty() || path.startsWith("/") || path.endsWith("/") || ("/" + path + "/").contains("/../")
                || ("/" + path + "/").contains("/./") || path.contains("//")) {
            throw new IOException("'" + path + "' is not a relative path of names");
        }
        while (!open.isEmpty() && !path.startsWith(open.peek().path() + "/")) {
            closeTop();
        }
        String parent = open.isEmpty() ? "" : open.peek().path();
        String rest = parent.isEmpty() ? path : path.substring(parent.length() + 1);
        int slash;
        while ((slash = rest.indexOf('/')) >= 0) {
            // a parent that never came as a part of its own: made empty, as Kubo's multipart reader does
            String dir = parent.isEmpty() ? rest.substring(0, slash) : parent + "/" + rest.substring(0, slash);
            if (open.isEmpty() && isRootDone(dir)) {
                throw new IOException("'" + path + "' comes after its directory '" + dir + "' was finished");
            }
            open.push(new Open(dir, new DirectoryBuilder(options, writer, null, null)));
            parent = dir;
            rest = rest.substring(slash + 1);
        }
        if (open.isEmpty() && isRootDone(path)) {
            throw new IOException("'" + path + "' appears twice");
        }
        return rest;
    }

    private boolean isRootDone(String name) {
        return roots.stream().anyMatch(r -> r.name().equals(name));
    }

    private void add(String path, String name, Child c) throws IOException {
        if (!open.isEmpty()) {
            try {
                open.peek().builder().add(name, c);
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new IOException(e.getMessage(), e);
            }
        } else if (wrapper != null) {
            addToWrapper(name, c);
        } else {
            roots.add(new Root(path, result(c)));
        }
    }

    private void closeTop() throws IOException {
        Open dir = open.pop();
        Child c = dir.builder().finish();
        directories++;
        listener.directoryImported(dir.path(), c.cid(), c.tsize());
        int slash = dir.path().lastIndexOf('/');
        add(dir.path(), slash < 0 ? dir.path() : dir.path().substring(slash + 1), c);
    }

    private void addToWrapper(String name, Child c) throws IOException {
        try {
            wrapper.add(name, c);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private ImportResult result(Child root) {
        return new ImportResult(root.cid(), root.tsize(), bytes, files, directories, writer.blocks);
    }
}
