package io.p2pkit.node.cli.content;

import io.p2pkit.ipfs.block.Block;
import io.p2pkit.node.cli.Console;
import io.p2pkit.node.cli.options.RepoOption;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Data a command reads: a file named on the command line, or stdin. Opened when read, so that a
 * missing file is reported with its name when its turn comes.
 */
public final class InputData {
    private final String name;
    private final Path file;
    private final InputStream stdin;

    private InputData(String name, Path file, InputStream stdin) {
        this.name = name;
        this.file = file;
        this.stdin = stdin;
    }

    /** @return the data in {@code file} */
    public static InputData file(Path file) {
        return new InputData(file.toString(), Objects.requireNonNull(file, "file"), null);
    }

    /** @return the command's stdin */
    public static InputData stdin(Console console) {
        return new InputData("stdin", null, console.in());
    }

    /**
     * @param bigBlocks whether blocks over 2 MiB are allowed
     * @return the most bytes a block may have
     */
    public static int blockLimit(boolean bigBlocks) {
        return bigBlocks ? RepoOption.BIG_BLOCK_LIMIT : Block.MAX_SIZE;
    }

    /** @return the file's name, or {@code stdin} */
    public String name() {
        return name;
    }

    /** @return the file's size, or -1 for stdin (or a file whose size cannot be known) */
    public long size() {
        try {
            return file == null ? -1 : Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    /**
     * Opens the data. Closing the stream of stdin leaves stdin open.
     *
     * @return the stream
     * @throws IOException naming the file when it cannot be opened
     */
    public InputStream open() throws IOException {
        if (file == null) {
            return new InputStream() {
                @Override
                public int read() throws IOException {
                    return stdin.read();
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return stdin.read(b, off, len);
                }
            };
        }
        try {
            return Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(name, null, "no such file");
        }
    }

    /**
     * Reads the data as one block, refusing more than {@code limit} bytes without reading them all.
     *
     * @param limit the most bytes accepted
     * @return the bytes
     * @throws BlockTooBigException when there are more
     * @throws IOException          when the data cannot be read
     */
    public byte[] readBlock(int limit) throws IOException {
        try (InputStream in = open()) {
            byte[] data = in.readNBytes(limit == Integer.MAX_VALUE ? limit : limit + 1);
            if (data.length > limit) {
                throw new BlockTooBigException(name, limit);
            }
            return data;
        }
    }

    /** Data that would make a block over the limit; the message is Kubo's advice. */
    public static final class BlockTooBigException extends IOException {
        private static final long serialVersionUID = 1L;

        /**
         * @param what  the file, or stdin
         * @param limit the limit in bytes
         */
        public BlockTooBigException(String what, long limit) {
            super(what + ": the block would be over " + (limit == Block.MAX_SIZE ? "2 MiB" : limit + " bytes")
                    + ": big blocks cannot be exchanged with other peers; use 'p2pkit add' to chunk bigger files, or "
                    + "pass --allow-big-block to store it anyway (nothing was stored)");
        }
    }
}
