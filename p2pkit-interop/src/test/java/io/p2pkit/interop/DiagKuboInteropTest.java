package io.p2pkit.interop;

import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.kad.Mode;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.http.HttpAddress;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kubo's own {@code ipfs} with {@code --api}, against a p2pkit daemon and a Kubo 0.39 daemon (each
 * with a DHT, connected to the other), for {@code diag sys}, {@code diag cmds} with {@code clear}
 * and {@code set-time}, {@code version check}, {@code log tail} (stopped once a record came) and
 * {@code repo ls}. What each daemon decides (its machine's figures, versions, times, loggers) is
 * compared by shape: field names, their order where Go keeps one, and value types.
 */
@InteropArea("RPC API: diagnostics, version check and log tail against Kubo 0.39")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DiagKuboInteropTest {
    /** One step, run on both daemons in this order. */
    enum Step {
        DIAG_SYS, DIAG_CMDS, DIAG_CMDS_CLEAR, DIAG_CMDS_SET_TIME, VERSION_CHECK, LOG_TAIL, REPO_LS
    }

    /** A Go duration's text, as {@code diag cmds} prints RunTime. */
    private static final String GO_DURATION = "[0-9.]+(ns|µs|ms|s|m[0-9.]+s|h[0-9]+m[0-9.]+s)";
    /** A row of {@code diag cmds}' table. */
    private static final String ROW = " +(true|false) +[A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d +" + GO_DURATION;

    @TempDir
    static Path dir;
    private static KuboBeside pair;
    private static KuboDaemon kubo;
    private static KuboCli client;
    private static Node node;
    private static String api;
    private static HttpClient http;

    @BeforeAll
    static void start() throws IOException {
        pair = KuboBeside.start(dir, "dht", b -> b.dht(NodeConfig.Dht.of(Mode.SERVER)));
        kubo = pair.kubo();
        client = pair.client();
        node = pair.node();
        api = pair.api();
        http = pair.http();
        node.host().connect(Multiaddr.parse(kubo.address()));
    }

    @AfterAll
    static void stop() throws IOException {
        if (pair != null) {
            pair.close();
        }
    }

    /** One daemon as Kubo's CLI reaches it. */
    private record Side(String name, KuboCli cli, List<String> apiArgs) {
        List<String> args(String... args) {
            List<String> all = new ArrayList<>(apiArgs);
            all.addAll(List.of(args));
            return all;
        }

        String outcome(String... args) {
            return cli.outcome(args(args));
        }

        String run(String... args) throws IOException {
            return cli.run(args(args));
        }
    }

    private static List<Side> sides() {
        return List.of(new Side("kubo", kubo.cli(), List.of()), new Side("p2pkit", client, List.of("--api", api)));
    }

    /** Runs the command on both and asserts the outputs are the same; returns it, stripped. */
    private static String same(String... args) {
        String fromKubo = sides().get(0).outcome(args);
        assertEquals(fromKubo, sides().get(1).outcome(args), "ipfs " + String.join(" ", args));
        return fromKubo.strip();
    }

    private static String url(Side side) throws IOException {
        return side.name().equals("kubo") ? kubo.apiUrl() : HttpAddress.url(node.apiAddress().orElseThrow());
    }

    private static HttpResponse<String> post(Side side, String command) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url(side) + "/api/v0/" + command))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The raw answers of both, which must agree in status, Content-Type and body. */
    private static String sameHttp(String command) throws Exception {
        HttpResponse<String> fromKubo = post(sides().get(0), command);
        HttpResponse<String> fromP2pkit = post(sides().get(1), command);
        assertEquals(fromKubo.statusCode(), fromP2pkit.statusCode(), command + ": " + fromP2pkit.body());
        assertEquals(fromKubo.headers().firstValue("Content-Type"), fromP2pkit.headers().firstValue("Content-Type"), command);
        assertEquals(fromKubo.body(), fromP2pkit.body(), command);
        return fromKubo.body();
    }

    /**
     * A JSON value's shape: a map's keys in order with their values' shapes, a list's distinct
     * element shapes, and a scalar's type.
     */
    private static Object shape(Object v) {
        return switch (v) {
            case null -> "null";
            case Map<?, ?> m -> {
                Map<Object, Object> out = new LinkedHashMap<>();
                m.forEach((k, x) -> out.put(k, shape(x)));
                yield out;
            }
            case List<?> l -> new ArrayList<>(l.stream().map(DiagKuboInteropTest::shape).distinct().toList());
            case String s -> "string";
            case Boolean b -> "bool";
            case Number n -> "number";
            default -> v.getClass().getSimpleName();
        };
    }

    private static Object json(String text) {
        return Json.parse(text.strip());
    }

    /** {@code diag cmds}' entries on one daemon, as Kubo's CLI decodes and writes them. */
    private static List<?> requests(Side side) throws IOException {
        return (List<?>) json(side.run("diag", "cmds", "--enc=json"));
    }

    private static List<Object> commands(Side side) throws IOException {
        return requests(side).stream().<Object>map(e -> ((Map<?, ?>) e).get("Command")).toList();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Step.class)
    void kubosCliGetsKubosAnswers(Step step) throws Exception {
        switch (step) {
            case DIAG_SYS -> diagSys();
            case DIAG_CMDS -> diagCmds();
            case DIAG_CMDS_CLEAR -> {
                for (Side side : sides()) {
                    side.run("diag", "cmds", "set-time", "1m");
                    side.run("version");
                }
                assertEquals("", same("diag", "cmds", "clear"));
                for (Side side : sides()) {
                    // clear itself (kept its minute), the version Kubo's CLI asks before diag cmds, and diag cmds
                    assertEquals(List.of("diag/cmds/clear", "version", "diag/cmds"), commands(side), side.name());
                }
            }
            case DIAG_CMDS_SET_TIME -> {
                assertEquals("", same("diag", "cmds", "set-time", "30s"));
                same("diag", "cmds", "set-time", "xx");
                same("diag", "cmds", "set-time"); // Kubo's CLI refuses a missing argument itself
                assertEquals("", sameHttp("diag/cmds/set-time?arg=1m"));
                sameHttp("diag/cmds/set-time?arg=xx");
                sameHttp("diag/cmds/set-time?arg=-5s&enc=text");
                sameHttp("diag/cmds/set-time");
                sameHttp("diag/cmds/clear");
            }
            case VERSION_CHECK -> versionCheck();
            case LOG_TAIL -> logTail();
            case REPO_LS -> {
                Path file = Files.writeString(dir.resolve("repo-ls"), "repo ls on both");
                String cid = same("block", "put", file.toString());
                for (Side side : sides()) {
                    List<String> ls = side.run("repo", "ls").lines().toList();
                    assertTrue(ls.contains(cid), side.name() + ": " + ls);
                    assertTrue(ls.stream().allMatch(l -> l.matches("[a-z0-9A-Z]+")), side.name() + ": one CID a line: " + ls);
                    assertEquals(new TreeSet<>(ls), new TreeSet<>(side.run("refs", "local").lines().toList()),
                            side.name() + ": refs local under its other name");
                }
            }
        }
    }

    private void diagSys() throws Exception {
        List<Map<?, ?>> both = new ArrayList<>();
        for (Side side : sides()) {
            String out = side.run("diag", "sys");
            assertTrue(out.endsWith("}\n"), side.name() + ": Kubo's CLI writes the JSON line: " + out);
            both.add((Map<?, ?>) json(out));
        }
        Map<Object, Object> p2pkit = new TreeMap<>(both.get(1));
        Map<Object, Object> environment = new TreeMap<>((Map<?, ?>) p2pkit.get("environment"));
        assertTrue(environment.containsKey("P2PKIT_HOME"), "p2pkit names its own repository variable too");
        environment.remove("P2PKIT_HOME");
        p2pkit.put("environment", environment);
        assertEquals(shape(both.get(0)), shape(p2pkit), "Kubo's keys and value types");
        for (Map<?, ?> info : both) {
            Map<?, ?> net = (Map<?, ?>) info.get("net");
            assertEquals(true, net.get("online"));
            assertTrue(((List<?>) net.get("interface_addresses")).contains("/ip4/127.0.0.1"), net.toString());
            Map<?, ?> runtime = (Map<?, ?>) info.get("runtime");
            assertTrue(((Number) runtime.get("numcpu")).longValue() > 0, runtime.toString());
            assertTrue(((Number) ((Map<?, ?>) info.get("diskinfo")).get("free_space")).longValue() > 0, info.toString());
        }
        // the raw enc=text: Go's %s of the map (p2pkit's has P2PKIT_HOME after IPFS_PATH)
        for (Side side : sides()) {
            HttpResponse<String> text = post(side, "diag/sys?enc=text");
            assertEquals("text/plain", text.headers().firstValue("Content-Type").orElseThrow());
            assertTrue(text.body().matches("map\\[diskinfo:map\\[free_space:%!s\\(uint64=\\d+\\) fstype:\\S+ "
                    + "total_space:%!s\\(uint64=\\d+\\)] environment:map\\[GOPATH:\\S* IPFS_PATH:\\S*( P2PKIT_HOME:\\S*)?] "
                    + "ipfs_commit:\\S* ipfs_version:\\S+ memory:map\\[swap:%!s\\(uint64=\\d+\\) virt:%!s\\(uint64=\\d+\\)] "
                    + "net:map\\[interface_addresses:\\[/ip4/127\\.0\\.0\\.1( /ip[46]/\\S+)*] online:%!s\\(bool=true\\)] "
                    + "runtime:map\\[arch:\\S+ compiler:.+ gomaxprocs:%!s\\(int=\\d+\\) numcpu:%!s\\(int=\\d+\\) "
                    + "numgoroutines:%!s\\(int=\\d+\\) os:\\S+ version:\\S+]]"), side.name() + ": " + text.body());
        }
    }

    private void diagCmds() throws Exception {
        List<Map<?, ?>> lastEntries = new ArrayList<>();
        List<Map<?, ?>> versionEntries = new ArrayList<>();
        for (Side side : sides()) {
            assertEquals("", side.run("diag", "cmds", "set-time", "1m"));
            side.run("version");
            List<String> table = side.run("diag", "cmds").lines().toList();
            assertTrue(table.getFirst().matches("Command +Active +StartTime +RunTime"), side.name() + ": " + table);
            assertTrue(table.stream().skip(1).allMatch(l -> l.matches("\\S+" + ROW)), side.name() + ": " + table);
            assertTrue(table.getLast().matches("diag/cmds +true .*"), side.name() + ": the request that asks, last: " + table);
            assertEquals(table.getFirst().indexOf("Active"), table.getLast().indexOf("true"), side.name() + ": aligned");
            List<String> verbose = side.run("diag", "cmds", "-v").lines().toList();
            assertTrue(verbose.getFirst().matches("ID +Command +Arguments +Options +Active +StartTime +RunTime"),
                    side.name() + ": " + verbose);
            String cliOptions = " +\\[encoding=json,stream-channels=true,]";
            assertTrue(verbose.stream().anyMatch(l -> l.matches("\\d+ +version +\\[]" + cliOptions + ROW)),
                    side.name() + ": Kubo's CLI's options, recorded as given: " + verbose);
            assertTrue(verbose.stream().anyMatch(l -> l.matches("\\d+ +diag/cmds/set-time +\\[1m]" + cliOptions + ROW)),
                    side.name() + ": " + verbose);

            List<?> entries = requests(side);
            for (Object e : entries) {
                assertEquals(List.of("StartTime", "EndTime", "Active", "Command", "Options", "Args", "ID"),
                        List.copyOf(((Map<?, ?>) e).keySet()), side.name());
            }
            lastEntries.add((Map<?, ?>) entries.getLast());
            versionEntries.add(entries.stream().map(e -> (Map<?, ?>) e).filter(e -> e.get("Command").equals("version"))
                    .reduce((a, b) -> b).orElseThrow());
        }
        for (List<Map<?, ?>> pair : List.of(lastEntries, versionEntries)) {
            assertEquals(shape(pair.get(0)), shape(pair.get(1)));
            for (String same : List.of("Active", "Command", "Options", "Args")) {
                assertEquals(pair.get(0).get(same), pair.get(1).get(same), same);
            }
        }
        assertEquals("0001-01-01T00:00:00Z", lastEntries.get(1).get("EndTime"), "a running request's end: Go's zero time");
        assertEquals(Map.of("encoding", "json", "stream-channels", true), lastEntries.get(1).get("Options"));
    }

    private void versionCheck() throws Exception {
        List<Map<?, ?>> both = new ArrayList<>();
        for (Side side : sides()) {
            Map<?, ?> check = (Map<?, ?>) json(side.run("version", "check"));
            assertEquals(List.of("UpdateAvailable", "RunningVersion", "GreatestVersion", "PeersSampled", "WithGreaterVersion"),
                    List.copyOf(check.keySet()), side.name());
            // the other daemon's agent is not its own kind: each samples only itself
            assertEquals(false, check.get("UpdateAvailable"), side.name());
            assertEquals(1L, ((Number) check.get("PeersSampled")).longValue(), side.name());
            assertEquals(0L, ((Number) check.get("WithGreaterVersion")).longValue(), side.name());
            assertEquals(check.get("RunningVersion"), check.get("GreatestVersion"), side.name());
            assertTrue(((String) check.get("RunningVersion")).matches("\\d+\\.\\d+\\.\\d+"), side.name() + ": " + check);
            both.add(check);
            HttpResponse<String> text = post(side, "version/check?enc=text");
            assertTrue(text.body().matches("\\{%!s\\(bool=false\\) (\\S+) \\1 %!s\\(int=1\\) %!s\\(int=0\\)}"),
                    side.name() + ": Go's %s of Kubo's struct: " + text.body());
        }
        assertEquals(shape(both.get(0)), shape(both.get(1)));
        sameHttp("version/check?min-percent=x");
    }

    private void logTail() throws Exception {
        same("log", "tail", "--log-level=loud");
        List<Map<?, ?>> records = new ArrayList<>();
        records.add(tailOnce(sides().get(0), "core/commands"));
        records.add(tailOnce(sides().get(1), "io.p2pkit.node.rpc.LogCommands"));
        assertEquals(shape(records.get(0)), shape(records.get(1)), "go-log's JSON line: " + records);
        for (Map<?, ?> r : records) {
            assertEquals(List.of("level", "ts", "logger", "caller", "msg"), List.copyOf(r.keySet()));
            assertEquals("info", r.get("level"));
            assertTrue(((String) r.get("ts")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d{4})"), r.toString());
            assertTrue(((String) r.get("caller")).matches("[^/\\s]+/[^/\\s]+:\\d+"), r.toString());
            assertTrue(((String) r.get("msg")).startsWith("Changed log level of '" + r.get("logger") + "' to 'info'"), r.toString());
        }
    }

    /**
     * Starts {@code ipfs log tail} against one daemon, waits until the daemon runs it (its
     * {@code diag cmds}), sets {@code subsystem}'s level (which both log at info), and stops the
     * tail once the record came.
     *
     * @return the record
     */
    private Map<?, ?> tailOnce(Side side, String subsystem) throws Exception {
        Path out = Files.createTempFile(dir, "tail", ".out");
        Path err = Files.createTempFile(dir, "tail", ".err");
        Process tail = side.cli().start(side.args("log", "tail"), out, err);
        try {
            Await.until(side.name() + " runs the tail", () -> {
                try {
                    return requests(side).stream().map(e -> (Map<?, ?>) e)
                            .anyMatch(e -> e.get("Command").equals("log/tail") && Boolean.TRUE.equals(e.get("Active")));
                } catch (IOException e) {
                    return false;
                }
            }, Duration.ofSeconds(30));
            side.run("log", "level", subsystem, "info");
            String marker = "Changed log level of '" + subsystem + "'";
            Await.until(side.name() + "'s tail prints the record", () -> {
                try {
                    return Files.readString(out).contains(marker);
                } catch (IOException e) {
                    return false;
                }
            }, Duration.ofSeconds(30));
            String line = Files.readString(out).lines().filter(l -> l.contains(marker)).findFirst().orElseThrow();
            return (Map<?, ?>) json(line);
        } finally {
            tail.destroy();
            if (!tail.waitFor(10, TimeUnit.SECONDS)) {
                tail.destroyForcibly();
            }
        }
    }
}
