package io.p2pkit.node.rpc;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * go-ipfs-cmds' stdin arguments: the lines of a multipart body's first entry, one argument each,
 * for a command whose last string argument takes them ({@link RpcArgument#stdin()}). Kubo's
 * {@code ipfs} sends what it reads on standard input so, as a part named {@code stdin}, once it
 * has taken the first line itself as an {@code arg=} when the argument is required.
 *
 * <p>Lines are read as go-ipfs-cmds' {@code arguments.Scan} reads them: a line ends at {@code \n},
 * and a {@code \r} just before it goes too; the last line needs no ending; an empty line is an
 * empty argument. The entry is read as the lines are asked for, never further, and at most
 * {@link #MAX_BYTES} bytes and {@link #MAX_ARGUMENTS} lines of it (Kubo has no bound).
 */
final class BodyArguments {
    /** The most bytes read as arguments, line endings included. */
    static final int MAX_BYTES = 4 << 20;
    /** The most arguments read: a line of a few bytes costs far more held as a string. */
    static final int MAX_ARGUMENTS = 100_000;

    private final InputStream in;
    private final boolean directory;
    private final byte[] buf = new byte[8192];
    private int pos;
    private int limit;
    private boolean ended;
    private long bytes;
    private int count;
    private RpcError failure;

    private BodyArguments(InputStream in, boolean directory) {
        this.in = in;
        this.directory = directory;
    }

    /**
     * The lines of the body's first entry.
     *
     * @param uploads the body's entries
     * @return them, or null when the body has no entry (then there are none, as in go-ipfs-cmds)
     * @throws RpcError (a client error) when the body is malformed before its first entry
     */
    static BodyArguments first(Uploads uploads) {
        Uploads.Entry entry = uploads.next();
        if (entry == null) {
            return null;
        }
        return switch (entry.kind()) {
            // boxo makes a name with a '/' a directory holding the file; either way there are no lines
            case DIRECTORY -> new BodyArguments(InputStream.nullInputStream(), true);
            case FILE -> new BodyArguments(entry.body(), entry.path().contains("/"));
            // boxo reads a symlink's target as the file's bytes
            case SYMLINK -> new BodyArguments(new ByteArrayInputStream(entry.target().getBytes(StandardCharsets.UTF_8)),
                    entry.path().contains("/"));
        };
    }

    /** The lines of {@code in} (for tests). */
    static BodyArguments of(InputStream in) {
        return new BodyArguments(in, false);
    }

    /**
     * The next argument.
     *
     * @return it, or null after the last
     * @throws RpcError a command failure when the body breaks off or its first entry is a
     *                  directory (go-ipfs-cmds answers these as the command's errors; Kubo itself
     *                  crashes on a directory), a client error beyond the bounds
     */
    String next() {
        if (failure != null) {
            throw failure;
        }
        try {
            return line();
        } catch (IOException e) {
            failure = RpcError.failed(e.getMessage());
        } catch (RpcError e) {
            failure = e;
        }
        throw failure;
    }

    private String line() throws IOException {
        if (directory) {
            throw RpcError.failed("the body's first entry is a directory, not lines of arguments");
        }
        if (ended) {
            return null;
        }
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            if (pos == limit) {
                int n = in.read(buf, 0, buf.length);
                if (n < 0) {
                    ended = true;
                    return line.size() == 0 ? null : argument(line.toByteArray(), false);
                }
                pos = 0;
                limit = n;
            }
            int end = pos;
            while (end < limit && buf[end] != '\n') {
                end++;
            }
            boolean complete = end < limit;
            int taken = end - pos + (complete ? 1 : 0);
            bytes += taken;
            if (bytes > MAX_BYTES) {
                throw RpcError.client("the arguments in the body are over " + MAX_BYTES + " bytes");
            }
            line.write(buf, pos, end - pos);
            pos += taken;
            if (complete) {
                return argument(line.toByteArray(), true);
            }
        }
    }

    private String argument(byte[] line, boolean terminated) {
        if (++count > MAX_ARGUMENTS) {
            throw RpcError.client("the body holds more than " + MAX_ARGUMENTS + " arguments");
        }
        int length = line.length;
        if (terminated && length > 0 && line[length - 1] == '\r') {
            length--;
        }
        return new String(line, 0, length, StandardCharsets.UTF_8);
    }
}
