package io.p2pkit.node.interop;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Just enough of the Redis protocol (RESP2) for the libp2p transport-interop test plans: the
 * listener pushes its address with {@code RPUSH} and the dialer takes it with {@code BLPOP}.
 * Replies are size-checked so that a wrong server cannot make us allocate without bound.
 */
public final class RedisClient implements Closeable {
    private static final int MAX_REPLY_BYTES = 64 * 1024;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    /** Connects to {@code host:port}. */
    public RedisClient(String hostPort, Duration timeout) throws IOException {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            throw new IOException("redis address must be host:port, got " + hostPort);
        }
        socket = new Socket();
        socket.connect(new InetSocketAddress(hostPort.substring(0, colon),
                Integer.parseInt(hostPort.substring(colon + 1))), (int) timeout.toMillis());
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** {@code RPUSH key value}: appends to a list and returns its new length. */
    public long rpush(String key, String value) throws IOException {
        Object r = command("RPUSH", key, value);
        if (r instanceof Long n) {
            return n;
        }
        throw new IOException("unexpected RPUSH reply: " + r);
    }

    /**
     * {@code BLPOP key timeout}: waits for an element at the head of the list.
     *
     * @return the element, or null if none came within {@code timeout}
     */
    public String blpop(String key, Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis() + 5000);
        Object r = command("BLPOP", key, Long.toString(Math.max(1, timeout.toSeconds())));
        if (r == null) {
            return null;
        }
        if (r instanceof List<?> l && l.size() == 2) {
            return (String) l.get(1);
        }
        throw new IOException("unexpected BLPOP reply: " + r);
    }

    private Object command(String... args) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        buf.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.UTF_8));
        for (String a : args) {
            byte[] b = a.getBytes(StandardCharsets.UTF_8);
            buf.writeBytes(("$" + b.length + "\r\n").getBytes(StandardCharsets.UTF_8));
            buf.writeBytes(b);
            buf.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.write(buf.toByteArray());
        out.flush();
        return reply(0);
    }

    private Object reply(int depth) throws IOException {
        if (depth > 4) {
            throw new IOException("redis reply nested too deeply");
        }
        int type = in.read();
        String line = line();
        switch (type) {
            case '+':
                return line;
            case '-':
                throw new IOException("redis error: " + line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int n = Integer.parseInt(line);
                if (n < 0) {
                    return null;
                }
                if (n > MAX_REPLY_BYTES) {
                    throw new IOException("redis reply of " + n + " bytes is too large");
                }
                byte[] b = in.readNBytes(n + 2);
                if (b.length != n + 2) {
                    throw new EOFException("redis closed the connection");
                }
                return new String(b, 0, n, StandardCharsets.UTF_8);
            }
            case '*': {
                int n = Integer.parseInt(line);
                if (n < 0) {
                    return null;
                }
                if (n > 1024) {
                    throw new IOException("redis array of " + n + " elements is too large");
                }
                List<Object> l = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    l.add(reply(depth + 1));
                }
                return l;
            }
            case -1:
                throw new EOFException("redis closed the connection");
            default:
                throw new IOException("unknown redis reply type " + (char) type);
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\r') {
            if (c < 0) {
                throw new EOFException("redis closed the connection");
            }
            if (b.size() > MAX_REPLY_BYTES) {
                throw new IOException("redis reply line too long");
            }
            b.write(c);
        }
        if (in.read() != '\n') {
            throw new IOException("malformed redis reply");
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
