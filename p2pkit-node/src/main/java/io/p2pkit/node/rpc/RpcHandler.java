package io.p2pkit.node.rpc;

import io.p2pkit.core.transport.SocketSafeInterrupt;
import io.p2pkit.node.Node;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Kubo's RPC API at {@code /api/v0/}, as go-ipfs-cmds serves it: POST only, the command from the
 * path, {@code arg=} and options from the query, files (or lines of arguments, for commands whose
 * last argument takes them) from a multipart body, the output as JSON values or bytes, and errors
 * as {@code {"Message":…,"Code":…,"Type":"error"}} (or, for a request that names no command or
 * cannot be parsed, go's plain-text {@code http.Error}).
 */
public final class RpcHandler extends Handler.Abstract {
    /** Where the commands are mounted. */
    public static final String PREFIX = "/api/v0/";
    /** The most bytes of a body for a command that takes no files. */
    public static final long MAX_PLAIN_BODY = 1 << 20;
    /** The most bytes of a refused body read before answering (the rest is not read). */
    private static final long MAX_DRAINED = 16L << 20;
    /** The most bytes of one multipart part's headers. */
    public static final int MAX_PART_HEADER_BYTES = 16 * 1024;

    /** Kubo's global option naming the multibase of the CIDs a command writes. */
    static final String CID_BASE = "cid-base";
    /** Kubo's global option that writes CIDv0 as CIDv1. */
    static final String UPGRADE_CIDV0 = "upgrade-cidv0-in-output";

    /** The options every command takes. */
    static final List<RpcOption> GLOBAL = List.of(
            RpcOption.string("encoding", "enc").withDefault("json"),
            RpcOption.bool("stream-channels"), RpcOption.bool("offline"),
            RpcOption.string("timeout"), RpcOption.string(CID_BASE), RpcOption.bool(UPGRADE_CIDV0));

    private final Node node;
    private final RpcCommands commands;
    /** What {@code diag/cmds} reports. */
    private final RequestLog requests = new RequestLog(java.time.Clock.systemUTC());
    private final ScheduledExecutorService timeouts = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "p2pkit-rpc-timeouts");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param node     the node the commands act on
     * @param commands what is served
     */
    public RpcHandler(Node node, RpcCommands commands) {
        this.node = node;
        this.commands = commands;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        try {
            serve(request, response);
            callback.succeeded();
        } catch (Throwable t) {
            callback.failed(t);
        }
        return true;
    }

    @Override
    protected void doStop() throws Exception {
        timeouts.shutdownNow();
        super.doStop();
    }

    private void serve(Request request, Response response) throws IOException {
        String method = request.getMethod();
        if (HttpMethod.OPTIONS.is(method)) {
            response.getHeaders().put("Allow", "OPTIONS, POST");
            response.setStatus(204);
            return;
        }
        if (!HttpMethod.POST.is(method)) {
            response.getHeaders().put("Allow", "OPTIONS, POST");
            plainError(response, 405, "405 - Method Not Allowed");
            return;
        }
        String path = request.getHttpURI().getDecodedPath();
        if (path == null || !path.startsWith(PREFIX)) {
            plainError(response, 404, "404 page not found");
            return;
        }
        RpcCommands.Resolved resolved = commands.resolve(path.substring(PREFIX.length()));
        if (resolved == null) {
            plainError(response, 404, "404 page not found");
            return;
        }
        RpcCommand command = resolved.command();
        RpcRequest parsed;
        try {
            parsed = parse(request, command, resolved.pathArgument());
        } catch (RpcError e) {
            if (hasBody(request)) {
                // Read (and drop) a bounded part of the body first: closing on unread bytes resets the
                // connection, and the client would lose the answer. Close it even so: a body whose last
                // bytes came after the answer made Jetty close a connection the client was reusing.
                drain(Content.Source.asInputStream(request), MAX_DRAINED);
                response.getHeaders().put("Connection", "close");
            }
            plainError(response, 400, e.getMessage());
            return;
        }
        // recorded once parsed, as go-ipfs-cmds logs a request only when it runs
        RequestLog.Entry entry = requests.start(command.path(), parsed.options(), parsed.arguments());
        try {
            run(command, parsed, new RpcResponse(response, parsed, command.text()), request, entry);
        } finally {
            requests.finish(entry); // already done unless the answer itself failed
        }
    }

    private void run(RpcCommand command, RpcRequest request, RpcResponse response, Request http,
                     RequestLog.Entry entry) throws IOException {
        // The deadline must not land inside a write to a peer's socket: that would close the connection.
        SocketSafeInterrupt self = SocketSafeInterrupt.register();
        java.util.concurrent.atomic.AtomicBoolean expired = new java.util.concurrent.atomic.AtomicBoolean();
        ScheduledFuture<?> deadline = request.string("timeout")
                .map(t -> timeouts.schedule(() -> {
                    expired.set(true); // before the interrupt, so that the command's thread sees why
                    self.interrupt();
                }, GoDuration.parse(t).toNanos(), TimeUnit.NANOSECONDS))
                .orElse(null);
        RpcError error = null;
        try {
            command.run().run(request, response);
        } catch (RpcError e) {
            error = e;
        } catch (InterruptedException e) {
            error = RpcError.failed(expired.get() ? "context deadline exceeded" : "context canceled");
        } catch (Exception e) {
            // a fetch inside a block read is interrupted as an InterruptedIOException, flag set again
            boolean interrupted = e instanceof java.io.InterruptedIOException && Thread.currentThread().isInterrupted();
            error = interrupted ? RpcError.failed(expired.get() ? "context deadline exceeded" : "context canceled")
                    : Errors.toRpc(e);
        } finally {
            if (deadline != null && !deadline.cancel(false)) {
                firedOrFiring(deadline); // one firing right now must be done before the interrupt is cleared
            }
            self.close();
            Thread.interrupted(); // a deadline that fired late must not reach Jetty's thread
        }
        // The command is over before its answer's last bytes go out: a client that sends its next
        // request (diag cmds clear, say) as soon as it has the answer must find this one finished.
        requests.finish(entry);
        if (error != null) {
            if (hasBody(http)) {
                // A command that refused before reading its upload (a bad argument): read (and drop) a
                // bounded rest of it first, as Go's net/http does. Closing on unread bytes resets the
                // connection, and the client, still writing, would get "broken pipe" instead of the error.
                drain(Content.Source.asInputStream(http), MAX_DRAINED);
            }
            response.fail(error);
        } else {
            response.finish();
            if (hasBody(http)) {
                // a command that took only the first line, or no body at all: the client may still be
                // sending the rest, and a connection closed on unread bytes would cost it the answer it was sent
                drain(Content.Source.asInputStream(http), MAX_DRAINED);
            }
        }
    }

    /** Waits for a deadline that could not be cancelled any more to finish firing (a few instructions). */
    private static void firedOrFiring(ScheduledFuture<?> deadline) {
        boolean interrupted = false;
        while (!deadline.isDone()) {
            try {
                deadline.get();
            } catch (InterruptedException e) {
                interrupted = true; // the deadline's own interrupt, most likely; cleared by the caller
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException e) {
                break;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Builds the request as go-ipfs-cmds' parseRequest does; a problem is a client error (plain 400). */
    private RpcRequest parse(Request request, RpcCommand command, String pathArgument) throws IOException {
        List<String> strings = new ArrayList<>();
        if (pathArgument != null) {
            strings.add(pathArgument);
        }
        Map<String, RpcOption> byName = new HashMap<>();
        for (RpcOption o : GLOBAL) {
            o.names().forEach(n -> byName.put(n, o));
        }
        for (RpcOption o : command.options()) {
            o.names().forEach(n -> byName.put(n, o));
        }
        Map<String, List<String>> query = query(request.getHttpURI().getQuery());
        Map<String, Object> options = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : query.entrySet()) {
            if (e.getKey().equals("arg")) {
                strings.addAll(e.getValue());
                continue;
            }
            RpcOption o = byName.get(e.getKey());
            if (o == null) {
                continue; // go-ipfs-cmds keeps unknown options; no command reads them
            }
            if (o.type() == RpcOption.Type.STRINGS) {
                options.put(o.name(), List.copyOf(e.getValue()));
            } else if (e.getValue().size() > 1) {
                throw RpcError.client("expected key " + o.name() + " to have only a single value, received ["
                        + String.join(" ", e.getValue()) + "]");
            } else {
                options.put(o.name(), o.parse(e.getValue().getFirst()));
            }
        }
        for (RpcOption o : command.options()) {
            if (o.defaultValue() != null) {
                options.putIfAbsent(o.name(), o.defaultValue());
            }
        }
        options.putIfAbsent("encoding", "json");
        String encoding = options.get("encoding").toString();
        if (!encoding.equals("json") && !encoding.equals("text")) {
            throw RpcError.client("invalid encoding: " + encoding);
        }
        if (options.get("timeout") != null) {
            GoDuration.parse(options.get("timeout").toString());
        }
        String contentType = request.getHeaders().get("Content-Type");
        boolean multipart = multipart(request);
        // as go-ipfs-cmds' CheckArguments: the body's first entry holds the lines, even when arg= gave the argument
        BodyArguments lines = command.takesBodyArguments() && multipart
                ? BodyArguments.first(uploads(request, contentType)) : null;
        checkArguments(command, strings, lines);
        Uploads files = null;
        if (command.takesFiles()) {
            if (multipart) {
                files = uploads(request, contentType);
            } else if (command.arguments().stream().anyMatch(a -> a.file() && a.required())) {
                String name = command.arguments().stream().filter(RpcArgument::file).findFirst().orElseThrow().name();
                throw RpcError.client("file argument '" + name + "' is required");
            }
        } else if (!(command.takesBodyArguments() && multipart) && request.getLength() > MAX_PLAIN_BODY) {
            throw RpcError.client("request body too large: this command takes no files, and at most "
                    + MAX_PLAIN_BODY + " bytes");
        }
        return new RpcRequest(node, strings, options, files, lines, new ClientPresence(request), requests);
    }

    /** Whether the request carries a body (HTTP/1.1: a Content-Length above 0, or a transfer coding). */
    private static boolean hasBody(Request request) {
        return request.getLength() > 0 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
    }

    private static boolean multipart(Request request) {
        String contentType = request.getHeaders().get("Content-Type");
        return contentType != null && HeaderValues.mediaType(contentType).equals("multipart/form-data");
    }

    /** The entries of a multipart body. */
    private static Uploads uploads(Request request, String contentType) {
        String boundary = HeaderValues.params(contentType).get("boundary");
        if (boundary == null) {
            throw RpcError.client("no multipart boundary param in Content-Type");
        }
        InputStream body = Content.Source.asInputStream(request);
        try {
            return new Uploads(new MultipartReader(body, boundary, MAX_PART_HEADER_BYTES));
        } catch (IOException e) {
            throw RpcError.client(e.getMessage());
        }
    }

    /** Reads and drops up to {@code max} bytes, fewer when the stream ends first. */
    private static void drain(InputStream in, long max) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long left = max;
        for (int n; left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) >= 0; ) {
            left -= n;
        }
    }

    /**
     * go-ipfs-cmds' CheckArguments: each required string argument must be there; one that may come
     * from the body and did not come as {@code arg=} is the body's first line.
     */
    private static void checkArguments(RpcCommand command, List<String> strings, BodyArguments lines) {
        int required = 0;
        boolean variadic = false;
        for (RpcArgument a : command.arguments()) {
            if (a.file()) {
                continue;
            }
            variadic |= a.variadic();
            if (!a.required()) {
                break;
            }
            required++;
            if (required > strings.size() && a.stdin() && lines != null) {
                String line = lines.next();
                if (line != null) {
                    strings.add(line);
                }
            }
            if (required > strings.size()) {
                throw RpcError.client("argument \"" + a.name() + "\" is required");
            }
        }
        long stringArgs = command.arguments().stream().filter(a -> !a.file()).count();
        if (!variadic && strings.size() > stringArgs) {
            // go-ipfs-cmds does not refuse values beyond the last argument; no command reads them
            strings.subList((int) stringArgs, strings.size()).clear();
        }
    }

    /** The query's pairs in order, decoded as Go's url.ParseQuery decodes them (pairs that do not decode are dropped). */
    static Map<String, List<String>> query(String query) {
        Map<String, List<String>> pairs = new LinkedHashMap<>();
        if (query == null || query.isEmpty()) {
            return pairs;
        }
        for (String pair : query.split("[&]")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), java.nio.charset.StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8);
                pairs.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
            } catch (IllegalArgumentException e) {
                continue; // url.ParseQuery skips a pair it cannot decode
            }
        }
        return pairs;
    }

    /** go-ipfs-cmds' error value. */
    static Map<String, Object> errorBody(String message, int code) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("Message", message == null ? "" : message);
        o.put("Code", code);
        o.put("Type", "error");
        return o;
    }

    /** Go's http.Error: the text and a newline, as text/plain. */
    private static void plainError(Response response, int status, String text) throws IOException {
        response.setStatus(status);
        response.getHeaders().put("Content-Type", "text/plain; charset=utf-8");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        byte[] body = (text + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        response.getHeaders().put("Content-Length", body.length); // whole, so a client still sending reads all of it
        try (var out = Content.Sink.asOutputStream(response)) {
            out.write(body);
        }
    }
}
