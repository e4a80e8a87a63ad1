package io.p2pkit.node.cli;

import io.p2pkit.quic.QuicTransport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The training run of the JVM's ahead-of-time cache ({@code scripts/aot-train}): one process that
 * does in-process what real {@code p2pkit} processes do, so that the classes they load and link
 * and the profiles of their hot methods are in the cache. It runs {@code version}, {@code init},
 * {@code id}, a perf server with Noise, TLS (and QUIC where it loads) clients moving a few MiB
 * each way, a daemon with {@code ping}, {@code add} and {@code cat} against it and a file fetched
 * from its gateway (as the file, a CAR and a raw block), small raw blocks fetched many times over
 * from its gateway by a few clients at once, the file fetched over Bitswap by a {@code get
 * --bootstrap} node of its own, and stops both
 * servers through their shutdown hooks at exit. Needs {@code P2PKIT_HOME} set to an empty
 * directory. Loopback only.
 *
 * <p>With the argument {@code cli} it trains the cache of the commands a user types instead: the
 * short ones and the repository's, offline, then the same through a daemon that runs in a process
 * of its own, so that this one loads no node (the launcher loads this cache's classes and links
 * them at start, which pays only while the cache holds little besides what such a command uses).
 * With {@code data} it trains the cache of {@code add}, {@code cat}, {@code get}, {@code dag import}
 * and {@code dag export}: the same commands on a tree of a thousand files and a file of a few
 * chunks, so that the cache also holds the mature profiles of the importer's and exporter's hot
 * methods.
 */
final class AotTraining {
    private static final long WAIT_SECONDS = 60;
    private static final long PERF_BYTES = 16L << 20;
    /** Small blocks fetched raw from the gateway: how many, by how many clients at once, how often each. */
    private static final int SMALL_BLOCKS = 64;
    private static final int SMALL_CLIENTS = 8;
    private static final int SMALL_REQUESTS = 500;
    /** The data training's inputs: a file of a few chunks of each profile, a tree of small files. */
    private static final int DATA_FILE_BYTES = 6 << 20;
    private static final int DATA_TREE_DIRS = 10;
    private static final int DATA_TREE_FILES = 100;
    /** The unixfs-v1-2025 profile's options as {@code add} takes them. */
    private static final List<String> V1_PROFILE = List.of("--cid-version", "1", "--raw-leaves",
            "--chunker", "size-1048576", "--max-file-links", "1024");

    private final Path home;
    private final PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);

    private AotTraining(Path home) {
        this.home = home;
    }

    public static void main(String[] args) throws Exception {
        Main.setDefaultProperties();
        String home = System.getenv("P2PKIT_HOME");
        if (home == null || home.isEmpty()) {
            System.err.println("aot-training: P2PKIT_HOME must name an empty directory");
            System.exit(Main.USAGE);
        }
        int status;
        try {
            AotTraining training = new AotTraining(Path.of(home));
            if (args.length == 1 && args[0].equals("cli")) {
                training.runCli();
            } else if (args.length == 1 && args[0].equals("data")) {
                training.runData();
            } else {
                training.run();
            }
            status = Main.OK;
        } catch (Exception e) {
            System.err.println("aot-training: " + e);
            status = Main.FAILED;
        }
        System.exit(status); // runs the servers' shutdown hooks, as SIGTERM would
    }

    private void run() throws Exception {
        firstCommands();

        String perfServer = serve(List.of("perf", "--run-server", "--server-address", "127.0.0.1:0"), "/tcp/");
        for (String security : List.of("noise", "tls")) {
            step(List.of("perf", "--server-address", perfServer, "--security", security, "--runs", "2",
                    "--upload-bytes", Long.toString(PERF_BYTES), "--download-bytes", Long.toString(PERF_BYTES)));
        }
        if (QuicTransport.isAvailable()) {
            String quicServer = serve(List.of("perf", "--run-server", "--server-address", "127.0.0.1:0",
                    "--transport", "quic-v1"), "/quic-v1/");
            step(List.of("perf", "--server-address", quicServer, "--transport", "quic-v1",
                    "--upload-bytes", Long.toString(PERF_BYTES), "--download-bytes", Long.toString(PERF_BYTES)));
        }

        // add opens the repository itself, so before the daemon holds it; cat then asks the daemon
        Path file = home.resolveSibling(home.getFileName() + "-input");
        byte[] data = new byte[3 << 20];
        new Random(1).nextBytes(data);
        Files.write(file, data);
        String cid = output(List.of("add", "-q", file.toString())).strip();
        catAll(cid, data.length);
        step(List.of("ls", cid));
        List<String> small = smallBlocks(data);

        BlockingQueue<String> daemonLines = new LinkedBlockingQueue<>();
        String daemon = serve(List.of("daemon", "--no-mdns", "--no-port-mapping", "--no-auto-relay",
                "--listen", "/ip4/127.0.0.1/tcp/0", "--api", "/ip4/127.0.0.1/tcp/0",
                "--gateway", "/ip4/127.0.0.1/tcp/0"), "listening on /ip4/127.0.0.1/tcp/", daemonLines);
        daemon = daemon.substring(daemon.indexOf('/'));
        String gateway = awaitLine(daemonLines, "gateway server listening on /ip4/127.0.0.1/tcp/");
        awaitFile(home.resolve("api")); // written once the API listens, after the ready line
        step(List.of("ping", "--count", "3", daemon));
        step(List.of("ping", "--count", "3", "--security", "tls", daemon));
        catAll(cid, data.length);
        String port = gateway.substring(gateway.lastIndexOf('/') + 1);
        fetchFromGateway(port, cid, data.length);
        fetchSmallBlocks(port, small);
        // a command's own short-lived node fetching from the daemon over Bitswap (get --bootstrap):
        // the client's path, and the daemon's serving path, in the profiles
        Path fetcher = home.resolveSibling(home.getFileName() + "-fetcher");
        step(List.of("init", "--repo-dir", fetcher.toString()));
        step(List.of("get", "--progress=false", "--repo-dir", fetcher.toString(), "--bootstrap", daemon,
                "-o", home.resolveSibling(home.getFileName() + "-fetched").toString(), cid));
    }

    /** What both trainings start with: a new user's first commands, which make the repository. */
    private void firstCommands() throws IOException {
        step(List.of("version"));
        step(List.of("--help"));
        step(List.of("init"));
        step(List.of("id"));
        step(List.of("id", "--json"));
    }

    /**
     * The commands a user types, offline and then through a daemon in a process of its own (the
     * {@code cli} training): what they load, and nothing of a node's.
     */
    private void runCli() throws Exception {
        firstCommands();
        step(List.of("config", "show"));
        step(List.of("key", "list"));

        Path file = home.resolveSibling(home.getFileName() + "-input");
        byte[] data = new byte[3 << 20];
        new Random(1).nextBytes(data);
        Files.write(file, data);
        Path tree = smallTree(data);
        String cid = output(List.of("add", "-q", file.toString())).strip();
        String dir = output(List.of("add", "-Q", "-r", tree.toString())).strip();
        step(List.of("add", "-Q", "-r", "--cid-version", "1", "--raw-leaves", tree.toString()));
        catAll(cid, data.length);
        step(List.of("ls", dir));
        step(List.of("get", "-o", home.resolveSibling(home.getFileName() + "-get").toString(), dir));
        String block = smallBlocks(data).getFirst();
        step(List.of("block", "stat", block));
        step(List.of("block", "get", block));
        step(List.of("dag", "get", dir));
        step(List.of("pin", "ls"));
        step(List.of("repo", "stat"));
        step(List.of("cid", "base32", cid));

        Process daemon = daemonProcess();
        try {
            awaitFile(home.resolve("api"));
            step(List.of("swarm", "peers"));
            catAll(cid, data.length);
            step(List.of("ls", dir));
            step(List.of("pin", "ls"));
            step(List.of("add", "-Q", "-r", tree.toString()));
            step(List.of("block", "stat", block));
        } finally {
            stop(daemon);
        }
    }

    /**
     * The commands that import and export content (the {@code data} training), offline and then
     * through a daemon that runs in a process of its own: {@code add} of a tree of a thousand small
     * files and of a file of a few chunks with each IPIP-499 profile, hashing only and stored, then
     * {@code cat} and {@code get} of what was stored, and the tree through {@code dag export} and
     * {@code dag import} (into another repository offline). Enough files that the importer's hot
     * methods reach C2 here, so that the cache holds their profiles; {@code init} runs in a JVM of
     * its own, so that its classes stay out of the cache.
     */
    private void runData() throws Exception {
        elsewhere(List.of("init"));
        byte[] data = new byte[DATA_FILE_BYTES];
        new Random(1).nextBytes(data);
        Path file = home.resolveSibling(home.getFileName() + "-input");
        Files.write(file, data);
        Path tree = smallTree(data, DATA_TREE_DIRS, DATA_TREE_FILES);
        List<String> dirs = new ArrayList<>();
        List<String> files = new ArrayList<>();
        for (List<String> profile : List.of(List.<String>of(), V1_PROFILE)) {
            List<String> add = new ArrayList<>(List.of("add", "-Q", "--progress=false"));
            add.addAll(profile);
            step(concat(add, "--only-hash", "-r", tree.toString()));
            dirs.add(output(concat(add, "-r", tree.toString())).strip());
            step(concat(add, "--only-hash", file.toString()));
            files.add(output(concat(add, file.toString())).strip());
        }
        exportAll(dirs, files, data.length, "offline");
        Path car = home.resolveSibling(home.getFileName() + "-tree.car");
        Files.write(car, outputBytes(List.of("dag", "export", "--progress=false", dirs.getFirst())));
        Path other = home.resolveSibling(home.getFileName() + "-imported");
        elsewhere(List.of("init", "--repo-dir", other.toString()));
        step(List.of("dag", "import", "--repo-dir", other.toString(), car.toString()));

        Process daemon = daemonProcess();
        try {
            awaitFile(home.resolve("api"));
            step(List.of("add", "-Q", "--progress=false", "-r", tree.toString()));
            step(List.of("add", "-Q", "--progress=false", file.toString()));
            exportAll(dirs, files, data.length, "daemon");
            outputBytes(List.of("dag", "export", "--progress=false", dirs.getLast()));
            step(List.of("dag", "import", car.toString()));
        } finally {
            stop(daemon);
        }
    }

    /** SIGTERM: the daemon stops its node and lets go of the repository (killed after the wait). */
    private static void stop(Process daemon) throws InterruptedException {
        daemon.destroy();
        if (!daemon.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
            daemon.destroyForcibly();
        }
    }

    /** {@code cat} of each file and {@code get} of each directory into a new directory. */
    private void exportAll(List<String> dirs, List<String> files, int length, String name) throws IOException {
        for (String cid : files) {
            catAll(cid, length);
        }
        for (int i = 0; i < dirs.size(); i++) {
            Path out = home.resolveSibling(home.getFileName() + "-get-" + name + "-" + i);
            step(List.of("get", "--progress=false", "-o", out.toString(), dirs.get(i)));
        }
    }

    /** {@code p2pkit ARGV} in a JVM of its own: this one's Java, class path and native library path, nothing recorded. */
    private static List<String> command(List<String> argv) {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-Djava.library.path=" + System.getProperty("java.library.path"),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(argv);
        return cmd;
    }

    /** Runs one command line in a JVM of its own ({@link #command}); a failure says what it printed. */
    private void elsewhere(List<String> argv) throws Exception {
        Path out = home.resolveSibling(home.getFileName() + "-" + argv.getFirst() + ".out");
        Process p = new ProcessBuilder(command(argv)).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("p2pkit " + String.join(" ", argv) + ": no exit within " + WAIT_SECONDS + " s: "
                    + Files.readString(out, StandardCharsets.UTF_8).strip());
        }
        if (p.exitValue() != Main.OK) {
            throw new IOException("p2pkit " + String.join(" ", argv) + " exited " + p.exitValue() + ": "
                    + Files.readString(out, StandardCharsets.UTF_8).strip());
        }
    }

    private static List<String> concat(List<String> head, String... tail) {
        List<String> argv = new ArrayList<>(head);
        argv.addAll(List.of(tail));
        return argv;
    }

    /** A directory of small files in two levels, cut from {@code data}, as {@code add -r} takes them. */
    private Path smallTree(byte[] data) throws IOException {
        return smallTree(data, 4, 16);
    }

    /** As {@link #smallTree(byte[])}: {@code dirs} directories of {@code files} files of 100 B to about 8 KiB. */
    private Path smallTree(byte[] data, int dirs, int files) throws IOException {
        Path tree = home.resolveSibling(home.getFileName() + "-tree-" + dirs + "x" + files);
        for (int d = 0; d < dirs; d++) {
            Path sub = Files.createDirectories(tree.resolve("d" + d));
            for (int f = 0; f < files; f++) {
                int from = ((d * files + f) * 4096) % (data.length - 8192);
                Files.write(sub.resolve("f" + f + ".bin"), java.util.Arrays.copyOfRange(data, from, from + 100 + (f * 200) % 8000));
            }
        }
        return tree;
    }

    /**
     * A daemon on this repository in a JVM of its own (this one's Java, class path and native
     * library path, nothing recorded), once it says it is ready; its output is read to the end so
     * that it never blocks on a full pipe.
     */
    private Process daemonProcess() throws Exception {
        List<String> daemon = List.of("daemon", "--no-mdns", "--no-port-mapping", "--no-auto-relay",
                "--listen", "/ip4/127.0.0.1/tcp/0", "--api", "/ip4/127.0.0.1/tcp/0", "--gateway", "/ip4/127.0.0.1/tcp/0");
        Process p = new ProcessBuilder(command(daemon)).redirectErrorStream(true).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofPlatform().daemon().name("aot-training-daemon-output").start(() -> {
            try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("output ended: " + e);
            }
            lines.add("exited " + (p.isAlive() ? "?" : p.exitValue()));
        });
        try {
            awaitLine(lines, "p2pkit daemon is ready");
            return p;
        } catch (Exception e) {
            p.destroyForcibly();
            throw new IOException("p2pkit daemon: " + e.getMessage(), e);
        }
    }

    /** {@code block put} of 1 KiB blocks cut from {@code data}; their CIDs. */
    private List<String> smallBlocks(byte[] data) throws IOException {
        List<String> argv = new ArrayList<>(List.of("block", "put"));
        for (int i = 0; i < SMALL_BLOCKS; i++) {
            Path f = home.resolveSibling(home.getFileName() + "-block-" + i);
            Files.write(f, java.util.Arrays.copyOfRange(data, i * 1024, (i + 1) * 1024));
            argv.add(f.toString());
        }
        return output(argv).lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    /**
     * Many small raw-block requests over a few kept-alive connections at once, as
     * {@code scripts/bench-gateway}'s requests-per-second row and a trustless client make them:
     * the request path (Jetty's parser and generator, the handler, the blockstore's reads and
     * the memory tier) gets the method profiles a busy gateway's does.
     */
    private static void fetchSmallBlocks(String port, List<String> cids) throws Exception {
        String base = "http://127.0.0.1:" + port + "/ipfs/";
        try (java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .connectTimeout(java.time.Duration.ofSeconds(WAIT_SECONDS)).build();
             var clients = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (int c = 0; c < SMALL_CLIENTS; c++) {
                int first = c;
                done.add(clients.submit(() -> {
                    for (int i = 0; i < SMALL_REQUESTS; i++) {
                        String url = base + cids.get((first + i) % cids.size()) + "?format=raw";
                        java.net.http.HttpResponse<byte[]> r = http.send(java.net.http.HttpRequest.newBuilder(
                                        java.net.URI.create(url)).timeout(java.time.Duration.ofSeconds(WAIT_SECONDS)).build(),
                                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
                        if (r.statusCode() != 200 || r.body().length != 1024) {
                            throw new IOException("GET " + url + ": " + r.statusCode() + ", " + r.body().length + " bytes");
                        }
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : done) {
                f.get(WAIT_SECONDS, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * The gateway's paths (Jetty's write path, the UnixFS exporter, the CAR writer, raw blocks) as
     * {@code scripts/bench-gateway} and browsers take them: the file, as a CAR, and its root raw.
     */
    private static void fetchFromGateway(String port, String cid, int length) throws Exception {
        String base = "http://127.0.0.1:" + port + "/ipfs/" + cid;
        try (java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .connectTimeout(java.time.Duration.ofSeconds(WAIT_SECONDS)).build()) {
            for (int i = 0; i < 4; i++) {
                for (String url : List.of(base, base + "?format=car", base + "?format=raw")) {
                    java.net.http.HttpResponse<byte[]> r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                                    .timeout(java.time.Duration.ofSeconds(WAIT_SECONDS)).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofByteArray());
                    if (r.statusCode() != 200 || url.equals(base) && r.body().length != length) {
                        throw new IOException("GET " + url + ": " + r.statusCode() + ", " + r.body().length + " bytes");
                    }
                }
            }
        }
    }

    private void catAll(String cid, int length) throws IOException {
        byte[] back = outputBytes(List.of("cat", cid));
        if (back.length != length) {
            throw new IOException("cat returned " + back.length + " bytes, not " + length);
        }
    }

    private static void awaitFile(Path file) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!Files.exists(file)) {
            if (System.nanoTime() > deadline) {
                throw new IOException("no " + file + " after " + WAIT_SECONDS + " s");
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    /** Runs one command line in this process; a failure ends the training. */
    private void step(List<String> argv) throws IOException {
        run(argv, quiet);
    }

    private String output(List<String> argv) throws IOException {
        return new String(outputBytes(argv), StandardCharsets.UTF_8);
    }

    private byte[] outputBytes(List<String> argv) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        run(argv, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toByteArray();
    }

    private void run(List<String> argv, PrintStream out) throws IOException {
        int status = new Main().run(argv, new Console(out, System.err));
        if (status != Main.OK) {
            throw new IOException("p2pkit " + String.join(" ", argv) + " exited " + status);
        }
    }

    /**
     * Starts a command that serves until the process ends on a thread of its own, and returns the
     * first line it prints that contains {@code marker}.
     */
    private String serve(List<String> argv, String marker) throws Exception {
        return serve(argv, marker, new LinkedBlockingQueue<>());
    }

    /** As {@link #serve(List, String)}; the lines printed after the marker's stay in {@code lines}. */
    private String serve(List<String> argv, String marker, BlockingQueue<String> lines) throws Exception {
        PrintStream out = new PrintStream(new Lines(lines), true, StandardCharsets.UTF_8);
        Thread server = Thread.ofPlatform().daemon().name("aot-training-" + argv.get(0)).start(() -> {
            int status = new Main().run(argv, new Console(out, System.err));
            lines.add("exited " + status);
        });
        try {
            return awaitLine(lines, marker);
        } catch (IOException e) {
            throw new IOException("p2pkit " + String.join(" ", argv) + ": " + e.getMessage());
        }
    }

    /** The next line in {@code lines} that contains {@code marker}, within the wait. */
    private static String awaitLine(BlockingQueue<String> lines, String marker) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        List<String> seen = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (line == null) {
                break;
            }
            if (line.contains(marker)) {
                return line;
            }
            seen.add(line);
            if (line.startsWith("exited ")) {
                break;
            }
        }
        throw new IOException("printed no '" + marker + "' line: " + seen);
    }

    /** An output stream that hands each complete line to a queue. */
    private static final class Lines extends OutputStream {
        private final BlockingQueue<String> lines;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        Lines(BlockingQueue<String> lines) {
            this.lines = lines;
        }

        @Override
        public void write(int b) {
            if (b == '\n') {
                lines.add(line.toString(StandardCharsets.UTF_8));
                line.reset();
            } else {
                line.write(b);
            }
        }
    }
}
