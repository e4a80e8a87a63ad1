package io.p2pkit.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kubo 0.39 daemon on a fresh {@code --profile test} repository: loopback only, no bootstrap,
 * no mDNS, no AutoConf, and the routing type given (for example {@code none}: no DHT, Bitswap
 * only with connected peers). Commands run through {@link #cli()} go through its RPC API.
 */
final class KuboDaemon implements AutoCloseable {
    private static final Pattern SWARM = Pattern.compile("Swarm listening on 127\\.0\\.0\\.1:(\\d+) \\(TCP\\)");
    private static final Pattern PEER = Pattern.compile("PeerID: (\\S+)");

    private final KuboCli cli;
    private final Process process;
    private final String peerId;
    private final int port;
    private final List<String> output;

    private KuboDaemon(KuboCli cli, Process process, String peerId, int port, List<String> output) {
        this.cli = cli;
        this.process = process;
        this.peerId = peerId;
        this.port = port;
        this.output = output;
    }

    /**
     * Starts a daemon and waits (at most a minute) for its ready line.
     *
     * @param routing Kubo's {@code Routing.Type}: {@code none} or {@code dht}
     */
    static KuboDaemon start(Path program, String routing) throws IOException {
        return start(program, List.of(List.of("config", "Routing.Type", routing)));
    }

    /**
     * Starts a daemon after running {@code config} commands on its new repository (each an
     * {@code ipfs} argument list, for example {@code config --json Routing {…}}).
     */
    static KuboDaemon start(Path program, List<List<String>> config) throws IOException {
        return start(program, config, java.util.Map.of(), java.util.Map.of());
    }

    /**
     * Starts a daemon after running {@code config} commands and writing {@code files} into its
     * repository (for example {@code swarm.key}), with {@code environment} added to its own.
     */
    static KuboDaemon start(Path program, List<List<String>> config, java.util.Map<String, byte[]> files,
                            java.util.Map<String, String> environment) throws IOException {
        return start(program, config, files, environment, List.of());
    }

    /**
     * Starts a daemon as {@link #start(Path, List, java.util.Map, java.util.Map)} does, with
     * {@code flags} after {@code ipfs daemon} ({@code --enable-namesys-pubsub}, say).
     */
    static KuboDaemon start(Path program, List<List<String>> config, java.util.Map<String, byte[]> files,
                            java.util.Map<String, String> environment, List<String> flags) throws IOException {
        KuboCli cli = KuboCli.fresh(program);
        for (List<String> command : config) {
            cli.run(command);
        }
        for (var f : files.entrySet()) {
            Files.write(cli.repo().resolve(f.getKey()), f.getValue());
        }
        List<String> command = new ArrayList<>(List.of(program.toString(), "daemon"));
        command.addAll(flags);
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(environment);
        pb.environment().put("IPFS_PATH", cli.repo().toString());
        pb.environment().put("IPFS_TELEMETRY", "off");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<String[]> ready = new CompletableFuture<>();
        Thread.ofVirtual().name("kubo-daemon-output").start(() -> {
            String id = null;
            String port = null;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                    Matcher m = PEER.matcher(line);
                    if (m.find()) {
                        id = m.group(1);
                    }
                    m = SWARM.matcher(line);
                    if (m.find() && port == null) {
                        port = m.group(1);
                    }
                    if (line.contains("Daemon is ready")) {
                        ready.complete(new String[]{id, port});
                    }
                }
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
            ready.completeExceptionally(new IOException("the Kubo daemon exited before it was ready: " + lines));
        });
        try {
            String[] idPort = ready.get(60, TimeUnit.SECONDS);
            if (idPort[0] == null || idPort[1] == null) {
                throw new IOException("the Kubo daemon did not print its peer ID and TCP port: " + lines);
            }
            return new KuboDaemon(cli, p, idPort[0], Integer.parseInt(idPort[1]), lines);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            p.destroyForcibly();
            cli.delete();
            throw new IOException("the Kubo daemon did not become ready: " + e + " " + lines, e);
        }
    }

    /** Commands on this daemon's repository (through its API). */
    KuboCli cli() {
        return cli;
    }

    /** Its peer ID. */
    String peerId() {
        return peerId;
    }

    /** Its TCP address with {@code /p2p/}. */
    String address() {
        return "/ip4/127.0.0.1/tcp/" + port + "/p2p/" + peerId;
    }

    /** Its RPC API as a multiaddr, from the {@code api} file it wrote. */
    String apiMultiaddr() throws IOException {
        return Files.readString(cli.repo().resolve("api")).strip();
    }

    /** Its RPC API as {@code http://host:port}. */
    String apiUrl() throws IOException {
        String[] parts = apiMultiaddr().split("/");
        return "http://" + parts[2] + ":" + parts[4];
    }

    /** What it printed so far. */
    List<String> output() {
        return List.copyOf(output);
    }

    /** Whether the daemon's process ends within {@code timeout} (after {@code ipfs shutdown}). */
    boolean exits(java.time.Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops the daemon (asked nicely, then killed) and removes its repository. */
    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        if (Files.exists(cli.repo())) {
            cli.delete();
        }
    }
}
