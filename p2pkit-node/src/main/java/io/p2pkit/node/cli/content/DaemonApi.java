package io.p2pkit.node.cli.content;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.codec.dagjson.DagJson;
import io.p2pkit.ipfs.ipld.IntNode;
import io.p2pkit.ipfs.ipld.Link;
import io.p2pkit.ipfs.ipld.ListNode;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.ipld.Node;
import io.p2pkit.ipfs.ipld.StringNode;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.cli.CommandFailedException;
import io.p2pkit.node.cli.command.DaemonCommand;
import io.p2pkit.node.http.HttpAddress;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamRequestContent;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpMethod;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The RPC API of the daemon running on a repository, found as Kubo's clients find it: through
 * the repository's {@code api} file. Commands that would otherwise wait for the daemon to let go
 * of the repository ({@code add}, {@code cat}, {@code get}, {@code pin add}, {@code dag export}…)
 * ask it instead. Jetty's client, because it reads the {@code X-Stream-Error} trailer with which
 * the daemon (as Kubo's) reports a failure after its output began: such a failure ends the body
 * with a {@link CommandFailedException}, never as a quietly short answer.
 */
public final class DaemonApi implements AutoCloseable {
    private static final Pattern MESSAGE = Pattern.compile("\"Message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    /** The api file is one multiaddr; anything longer is not one. */
    private static final int MAX_API_FILE = 1024;
    /** How long the daemon may take to start answering: a long fetch or pin streams its progress before. */
    private static final long ANSWER_HOURS = 24;
    private static final String STREAM_ERROR = "X-Stream-Error";

    private final URI base;
    private final HttpClient http;
    /** The repository's RPC secrets, read once the daemon has asked for one; none before. */
    private volatile List<NodeConfig.ApiAccess.Authorization> secrets = List.of();

    private DaemonApi(URI base, HttpClient http) {
        this.base = base;
        this.http = http;
    }

    /**
     * The daemon on {@code root}, if its {@code api} file names an address that answers;
     * empty when there is no file or nothing listens there any more (a daemon that was killed).
     */
    public static Optional<DaemonApi> find(Path root) {
        String text;
        try {
            byte[] bytes = Files.readAllBytes(root.resolve(DaemonCommand.API_FILE));
            if (bytes.length > MAX_API_FILE) {
                return Optional.empty();
            }
            text = new String(bytes, StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new CommandFailedException("cannot read " + root.resolve(DaemonCommand.API_FILE) + ": " + e.getMessage(), e);
        }
        InetSocketAddress address;
        try {
            address = HttpAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CommandFailedException(root.resolve(DaemonCommand.API_FILE) + " does not hold an address: " + text);
        }
        HttpClient http = ApiHttpClient.create();
        http.setConnectTimeout(5_000);
        http.setName("p2pkit-rpc-client");
        DaemonApi api = new DaemonApi(URI.create(HttpAddress.url(address)), http);
        try {
            http.start();
            api.probe(root);
            return Optional.of(api);
        } catch (ConnectException e) {
            api.close();
            return Optional.empty();
        } catch (IOException e) {
            api.close();
            throw new CommandFailedException("the daemon at " + text + " does not answer: " + e.getMessage(), e);
        } catch (CommandFailedException e) {
            api.close();
            throw e; // the daemon's own words: it refused, or its version failed
        } catch (Exception e) {
            api.close();
            throw new CommandFailedException("cannot start an HTTP client: " + e.getMessage(), e);
        }
    }

    /**
     * Asks for the daemon's version; when it wants a secret (the repository's config has
     * {@code api.authorization.*}, Kubo's {@code API.Authorizations}), reads the secrets there and
     * asks again with one: whoever may read the repository's {@code api} file may read its config,
     * so this gives away nothing, and spares the user Kubo's {@code --api-auth}.
     */
    private void probe(Path root) throws IOException {
        try {
            post("version", List.of(), Map.of()).close();
        } catch (Denied e) {
            List<NodeConfig.ApiAccess.Authorization> found;
            try {
                found = DaemonCommand.apiAccess(io.p2pkit.ipfs.repo.Repository.readConfig(root).other()).authorizations();
            } catch (RuntimeException | IOException x) {
                throw new CommandFailedException(e.getMessage() + " (and the repository's config, where its secrets "
                        + "are, cannot be read: " + x.getMessage() + ")", x);
            }
            if (found.isEmpty()) {
                throw e;
            }
            secrets = found;
            post("version", List.of(), Map.of()).close();
        }
    }

    /** The daemon refused the request (403): a browser origin it does not allow, or no secret that opens the path. */
    private static final class Denied extends CommandFailedException {
        private static final long serialVersionUID = 1L;

        Denied(String message) {
            super(message);
        }
    }

    /** Adds the first of the repository's secrets that opens {@code command}, if the daemon wants one. */
    private Request authorized(Request request, String command) {
        String path = "/api/v0/" + command;
        for (NodeConfig.ApiAccess.Authorization a : secrets) {
            if (a.allows(path)) {
                return request.headers(h -> h.put(org.eclipse.jetty.http.HttpHeader.AUTHORIZATION, a.header()));
            }
        }
        return request; // none opens it: the daemon says so
    }

    /**
     * The daemon running on {@code root}, for a command that only a daemon can answer; close it.
     *
     * @throws CommandFailedException when none runs there, saying how to start one
     */
    public static DaemonApi require(Path root) {
        return find(root).orElseThrow(() -> new CommandFailedException(
                "no daemon is running on " + root + ": start one with 'p2pkit daemon'"));
    }

    /** What a command does through a running daemon. */
    @FunctionalInterface
    public interface Use {
        /** Runs the command through {@code api}. */
        void run(DaemonApi api) throws IOException;
    }

    /**
     * Runs {@code use} through the daemon on {@code root} when one runs there (the command must
     * then not open the repository, which the daemon holds).
     *
     * @return whether a daemon ran it
     */
    public static boolean use(Path root, Use use) throws IOException {
        Optional<DaemonApi> daemon = find(root);
        if (daemon.isEmpty()) {
            return false;
        }
        try (DaemonApi api = daemon.get()) {
            use.run(api);
        }
        return true;
    }

    /**
     * Runs {@code command} ({@code cat}, {@code pin/add}…) with its arguments and options and
     * returns the response body, to be closed.
     *
     * @throws CommandFailedException with the daemon's message when the command failed (also while
     *                                the body is read, when the daemon reports it in its trailer)
     * @throws IOException            when the daemon cannot be reached
     */
    public InputStream post(String command, List<String> args, Map<String, String> options) throws IOException {
        return send(authorized(http.newRequest(uri(command, args, List.copyOf(options.entrySet()))), command)
                .method(HttpMethod.POST));
    }

    /**
     * The same with options that may repeat, in order (a list option such as {@code diag/profile}'s
     * {@code collectors}, which Kubo's CLI sends as one parameter per value).
     */
    public InputStream post(String command, List<String> args, List<Map.Entry<String, String>> options)
            throws IOException {
        return send(authorized(http.newRequest(uri(command, args, options)), command).method(HttpMethod.POST));
    }

    /**
     * The same with a request body, such as the multipart form {@code add} sends; the body is
     * read as it is sent.
     *
     * @param contentType the body's type
     * @param body        the body, closed once sent
     */
    public InputStream upload(String command, List<String> args, Map<String, String> options, String contentType,
                              InputStream body) throws IOException {
        return send(authorized(http.newRequest(uri(command, args, List.copyOf(options.entrySet()))), command)
                .method(HttpMethod.POST).body(new InputStreamRequestContent(contentType, body, 64 * 1024)));
    }

    private URI uri(String command, List<String> args, List<Map.Entry<String, String>> options) {
        StringBuilder query = new StringBuilder();
        for (String arg : args) {
            query.append(query.isEmpty() ? "?" : "&").append("arg=").append(URLEncoder.encode(arg, StandardCharsets.UTF_8));
        }
        for (Map.Entry<String, String> o : options) {
            query.append(query.isEmpty() ? "?" : "&").append(URLEncoder.encode(o.getKey(), StandardCharsets.UTF_8))
                    .append('=').append(URLEncoder.encode(o.getValue(), StandardCharsets.UTF_8));
        }
        return URI.create(base + "/api/v0/" + command + query);
    }

    private static InputStream send(Request request) throws IOException {
        InputStreamResponseListener listener = new InputStreamResponseListener();
        request.send(listener);
        Response r;
        try {
            r = listener.get(ANSWER_HOURS, TimeUnit.HOURS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            request.abort(e);
            throw new InterruptedIOException("interrupted while asking the daemon");
        } catch (TimeoutException e) {
            request.abort(e);
            throw new IOException("the daemon did not answer in " + ANSWER_HOURS + " hours", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ConnectException c) {
                throw c;
            }
            throw new IOException(e.getCause() == null ? e.toString() : e.getCause().getMessage(), e.getCause());
        }
        InputStream body = listener.getInputStream();
        if (r.getStatus() != 200) {
            String text;
            try (body) {
                text = new String(body.readNBytes(64 * 1024), StandardCharsets.UTF_8);
            }
            // a command asked for text (encoding=text) fails in text: its message, as Kubo's CLI prints it
            String type = r.getHeaders().get("Content-Type");
            // and a refusal (403) says why in text too
            boolean plain = (r.getStatus() == 500 || r.getStatus() == 403) && type != null && type.startsWith("text/plain") && !text.isBlank();
            String message = errorMessage(text).or(() -> plain ? java.util.Optional.of(text.strip())
                    : java.util.Optional.empty()).orElse("the daemon answered " + r.getStatus() + ": " + text.strip());
            throw r.getStatus() == 403 ? new Denied(message) : new CommandFailedException(message);
        }
        return new FilterInputStream(body) {
            @Override
            public int read() throws IOException {
                return checked(super.read());
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return checked(super.read(b, off, len));
            }

            private int checked(int n) {
                if (n < 0) {
                    HttpFields trailers = r.getTrailers();
                    String error = trailers == null ? null : trailers.get(STREAM_ERROR);
                    if (error != null && !error.isEmpty()) {
                        throw new CommandFailedException(error);
                    }
                }
                return n;
            }
        };
    }

    /** The {@code Message} of an error answer ({@code {"Message":…,"Code":…,"Type":"error"}}), its escapes read. */
    private static java.util.Optional<String> errorMessage(String body) {
        try {
            if (DagJson.DEFAULT.decode(body.strip().getBytes(StandardCharsets.UTF_8)) instanceof MapNode m
                    && m.get("Message").orElse(null) instanceof StringNode message) {
                return java.util.Optional.of(message.value());
            }
        } catch (io.p2pkit.core.DecodeException e) {
            // not JSON: then the first "Message" string, as it stands
            System.getLogger(DaemonApi.class.getName()).log(System.Logger.Level.DEBUG, "an error answer that is not JSON", e);
        }
        Matcher m = MESSAGE.matcher(body);
        return m.find() ? java.util.Optional.of(m.group(1)) : java.util.Optional.empty();
    }

    /**
     * The strings of the list {@code field} in the JSON object {@code in} holds, such as the
     * {@code Pins} of {@code pin/add}'s answer (read up to 16 MiB).
     */
    public static List<String> strings(InputStream in, String field) throws IOException {
        byte[] json = in.readNBytes(16 << 20);
        try {
            if (DagJson.DEFAULT.decode(json) instanceof MapNode m && m.get(field).orElse(null) instanceof ListNode list) {
                return list.values().stream().filter(StringNode.class::isInstance)
                        .map(n -> ((StringNode) n).value()).toList();
            }
        } catch (io.p2pkit.core.DecodeException e) {
            throw new CommandFailedException("the daemon's answer is not JSON: " + e.getMessage(), e);
        }
        throw new CommandFailedException("the daemon's answer has no " + field + ": "
                + new String(json, 0, Math.min(json.length, 200), StandardCharsets.UTF_8));
    }

    /** The longest JSON line {@link #nextObject} reads: far over any event of Kubo's commands. */
    private static final int MAX_LINE = 1 << 20;

    /**
     * The next JSON object of a stream of them, one per line (what {@code add}, {@code ls
     * --stream} and other commands with many values answer); null at the end.
     *
     * @throws CommandFailedException when a line is over 1 MiB or not a JSON object
     */
    public static MapNode nextObject(InputStream in) throws IOException {
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0 && line.size() == 0) {
                return null;
            }
            if (b < 0 || b == '\n') {
                if (line.size() == 0) {
                    continue;
                }
                try {
                    if (DagJson.DEFAULT.decode(line.toByteArray()) instanceof MapNode m) {
                        return m;
                    }
                } catch (io.p2pkit.core.DecodeException e) {
                    throw new CommandFailedException("the daemon's answer is not JSON: " + e.getMessage(), e);
                }
                throw new CommandFailedException("the daemon's answer is not a JSON object: " + line.toString(StandardCharsets.UTF_8));
            }
            if (line.size() >= MAX_LINE) {
                throw new CommandFailedException("the daemon's answer has a line over " + MAX_LINE + " bytes");
            }
            line.write(b);
        }
    }

    /**
     * Runs a command that answers one JSON object ({@code block/stat}, {@code repo/stat}…) and reads it.
     *
     * @throws CommandFailedException when the command fails or answers no object
     */
    public MapNode object(String command, List<String> args, Map<String, String> options) throws IOException {
        try (InputStream in = new java.io.BufferedInputStream(post(command, args, options))) {
            MapNode m = nextObject(in);
            if (m == null) {
                throw new CommandFailedException("the daemon's " + command + " answered nothing");
            }
            return m;
        }
    }

    /** A string field of a daemon's answer; "" when absent. */
    public static String text(MapNode m, String key) {
        return m.get(key).filter(StringNode.class::isInstance).map(n -> ((StringNode) n).value()).orElse("");
    }

    /** A number field of a daemon's answer; 0 when absent. */
    public static long number(MapNode m, String key) {
        return m.get(key).filter(IntNode.class::isInstance).map(n -> ((IntNode) n).longValue()).orElse(0L);
    }

    /**
     * A CID field of a daemon's answer: a string, or dag-json's {@code {"/":…}}.
     *
     * @throws CommandFailedException when it is neither
     */
    public static Cid cid(MapNode m, String key) {
        Node n = m.get(key).orElse(null);
        if (n instanceof Link link) {
            return link.cid();
        }
        try {
            if (n instanceof StringNode s) {
                return Cid.parse(s.value());
            }
        } catch (io.p2pkit.core.DecodeException e) {
            throw new CommandFailedException("the daemon's " + key + " is not a CID: " + e.getMessage(), e);
        }
        throw new CommandFailedException("the daemon's answer has no CID in " + key + ": " + m);
    }

    /**
     * What a command that only reads a running node answered: its JSON line as sent, and read.
     *
     * @param json the body, without the final newline
     * @param map  the same, decoded
     */
    public record Answer(String json, MapNode map) {
        /** The strings of a list field ({@code Strings}, {@code Peers}); empty when it is absent or null. */
        public List<String> strings(String field) {
            return map.get(field).filter(ListNode.class::isInstance).map(n -> ((ListNode) n).values().stream()
                    .filter(StringNode.class::isInstance).map(v -> ((StringNode) v).value()).toList()).orElse(List.of());
        }
    }

    /** The most bytes of an answer read whole. */
    private static final int MAX_ANSWER = 16 << 20;

    /**
     * Asks the daemon on {@code root} a command and reads its whole answer, as it is (JSON lines or
     * text), at most {@value #MAX_ANSWER} bytes of it.
     *
     * @throws CommandFailedException when no daemon runs there or the command fails
     */
    public static byte[] answerBytes(Path root, String command, List<String> args, Map<String, String> options)
            throws IOException {
        return answerBytes(root, command, args, List.copyOf(options.entrySet()));
    }

    /** The same with options that may repeat, in order ({@link #post(String, List, List)}). */
    public static byte[] answerBytes(Path root, String command, List<String> args,
                                     List<Map.Entry<String, String>> options) throws IOException {
        DaemonApi api = require(root);
        try (api; InputStream in = api.post(command, args, options)) {
            return in.readNBytes(MAX_ANSWER);
        }
    }

    /**
     * Asks the daemon on {@code root} a command that answers one JSON object ({@code bitswap/stat},
     * {@code swarm/peers}…), as Kubo's commands that need a running node do.
     *
     * @throws CommandFailedException when no daemon runs there, the command fails, or the answer is not an object
     */
    public static Answer ask(Path root, String command, List<String> args, Map<String, String> options) throws IOException {
        return answer(command, answerBytes(root, command, args, options));
    }

    /**
     * The same when a daemon runs on {@code root}, as the commands that use one when there is one
     * and work without it otherwise ({@code name publish}, {@code name resolve}).
     *
     * @return the answer, or empty when no daemon runs there
     * @throws CommandFailedException when the command fails, or the answer is not an object
     */
    public static Optional<Answer> askIfRunning(Path root, String command, List<String> args, Map<String, String> options)
            throws IOException {
        Optional<DaemonApi> daemon = find(root);
        if (daemon.isEmpty()) {
            return Optional.empty();
        }
        byte[] json;
        try (DaemonApi api = daemon.get(); InputStream in = api.post(command, args, options)) {
            json = in.readNBytes(MAX_ANSWER);
        }
        return Optional.of(answer(command, json));
    }

    private static Answer answer(String command, byte[] json) {
        try {
            if (DagJson.DEFAULT.decode(json) instanceof MapNode m) {
                return new Answer(new String(json, StandardCharsets.UTF_8).strip(), m);
            }
        } catch (io.p2pkit.core.DecodeException e) {
            throw new CommandFailedException("the daemon's answer to " + command + " is not JSON: " + e.getMessage(), e);
        }
        throw new CommandFailedException("the daemon's answer to " + command + " is not an object: "
                + new String(json, 0, Math.min(json.length, 200), StandardCharsets.UTF_8));
    }

    /**
     * Asks the daemon on {@code root} a command that answers a stream of JSON objects, one a line
     * (none for a command that only acts: {@code routing/reprovide}).
     *
     * @return the objects, in order
     * @throws CommandFailedException when no daemon runs there, the command fails, or a line is not an object
     */
    public static List<Answer> askAll(Path root, String command, List<String> args, Map<String, String> options)
            throws IOException {
        byte[] json = answerBytes(root, command, args, options);
        List<Answer> answers = new java.util.ArrayList<>();
        for (String line : new String(json, StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            try {
                if (!(DagJson.DEFAULT.decode(line.getBytes(StandardCharsets.UTF_8)) instanceof MapNode m)) {
                    throw new CommandFailedException("the daemon's answer to " + command + " is not an object: " + line);
                }
                answers.add(new Answer(line.strip(), m));
            } catch (io.p2pkit.core.DecodeException e) {
                throw new CommandFailedException("the daemon's answer to " + command + " is not JSON: " + e.getMessage(), e);
            }
        }
        return answers;
    }

    /** Where the daemon's RPC API is. */
    public URI base() {
        return base;
    }

    @Override
    public void close() {
        try {
            http.stop();
        } catch (Exception e) {
            // stopping a client frees threads and sockets; nothing is lost when it fails
            System.getLogger(DaemonApi.class.getName()).log(System.Logger.Level.DEBUG, "stopping the HTTP client", e);
        }
    }
}
