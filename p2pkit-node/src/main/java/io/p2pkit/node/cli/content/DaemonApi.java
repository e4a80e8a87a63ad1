package io.p2pkit.node.cli.content;

import io.p2pkit.ipfs.codec.dagjson.DagJson;
import io.p2pkit.ipfs.ipld.ListNode;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.ipld.StringNode;
import io.p2pkit.node.cli.CommandFailedException;
import io.p2pkit.node.cli.command.DaemonCommand;
import io.p2pkit.node.http.HttpAddress;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The RPC API of the daemon running on a repository, found as Kubo's clients find it: through
 * the repository's {@code api} file. Commands that would otherwise wait for the daemon to let go
 * of the repository ({@code cat}, {@code pin add}, {@code dag export}) ask it instead.
 */
public final class DaemonApi implements AutoCloseable {
    private static final Pattern MESSAGE = Pattern.compile("\"Message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    /** The api file is one multiaddr; anything longer is not one. */
    private static final int MAX_API_FILE = 1024;

    private final URI base;
    private final HttpClient http;

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
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        DaemonApi api = new DaemonApi(URI.create(HttpAddress.url(address)), http);
        try {
            api.post("version", List.of(), Map.of()).close();
            return Optional.of(api);
        } catch (ConnectException e) {
            http.close();
            return Optional.empty();
        } catch (IOException e) {
            http.close();
            throw new CommandFailedException("the daemon at " + text + " does not answer: " + e.getMessage(), e);
        }
    }

    /**
     * Runs {@code command} ({@code cat}, {@code pin/add}…) with its arguments and options and
     * returns the response body, to be closed.
     *
     * @throws CommandFailedException with the daemon's message when the command failed
     * @throws IOException            when the daemon cannot be reached
     */
    public InputStream post(String command, List<String> args, Map<String, String> options) throws IOException {
        StringBuilder query = new StringBuilder();
        for (String arg : args) {
            query.append(query.isEmpty() ? "?" : "&").append("arg=").append(URLEncoder.encode(arg, StandardCharsets.UTF_8));
        }
        for (Map.Entry<String, String> o : options.entrySet()) {
            query.append(query.isEmpty() ? "?" : "&").append(URLEncoder.encode(o.getKey(), StandardCharsets.UTF_8))
                    .append('=').append(URLEncoder.encode(o.getValue(), StandardCharsets.UTF_8));
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/v0/" + command + query))
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<InputStream> r;
        try {
            r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while asking the daemon");
        }
        if (r.statusCode() != 200) {
            String body;
            try (InputStream in = r.body()) {
                body = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
            }
            Matcher m = MESSAGE.matcher(body);
            throw new CommandFailedException(m.find() ? m.group(1).replace("\\\"", "\"").replace("\\\\", "\\")
                    : "the daemon answered " + r.statusCode() + ": " + body.strip());
        }
        return r.body();
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

    /** Where the daemon's RPC API is. */
    public URI base() {
        return base;
    }

    @Override
    public void close() {
        http.close();
    }
}
