package io.p2pkit.node.rpc;

import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.kad.Mode;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.NodeVersion;
import io.p2pkit.node.http.HttpAddress;
import io.p2pkit.testing.Await;
import io.p2pkit.testing.TinyJson;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code diag/sys}, {@code diag/cmds[/clear|/set-time]}, {@code version/check}, {@code log/tail}
 * and {@code repo/ls} over the RPC API, in Kubo 0.39's shapes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RpcDiagTest {
    @TempDir
    static Path dir;
    private static Path repo;
    private static Node node;
    private static final List<Node> peers = new ArrayList<>();
    private static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        repo = dir.resolve("repo");
        Repository.init(repo, RepoConfig.defaults());
        node = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").dht(NodeConfig.Dht.of(Mode.SERVER))
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0)))
                .content(NodeConfig.Content.of(repo)).build());
        client = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        client.close();
        peers.forEach(Node::close);
        node.close();
    }

    private static String url(Node on) {
        return HttpAddress.url(on.apiAddress().orElseThrow()) + "/api/v0/";
    }

    private static HttpResponse<String> post(Node on, String command) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url(on) + command)).POST(HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String command) throws Exception {
        return post(node, command);
    }

    private static Map<?, ?> object(String json) {
        return (Map<?, ?>) TinyJson.parse(json.strip());
    }

    private static String error(String message) {
        return "{\"Message\":\"" + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\",\"Code\":0,\"Type\":\"error\"}\n";
    }

    /** Kubo 0.42's container health check: the repository reads the empty directory; a node without one is not healthy. */
    @Test
    void diagHealthyIsOkWhileTheRepositoryReads() throws Exception {
        assertEquals("\"ok\"\n", post("diag/healthy").body());
        assertEquals("ok\n", post("diag/healthy?enc=text").body());
        Node bare = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").dht(java.util.Optional.empty())
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0))).build());
        peers.add(bare);
        HttpResponse<String> none = post(bare, "diag/healthy");
        assertEquals(500, none.statusCode(), none.body());
    }

    @Test
    void diagSysHasKubosKeysWithTheJvmsValues() throws Exception {
        HttpResponse<String> answer = post("diag/sys");
        assertEquals("application/json", answer.headers().firstValue("Content-Type").orElseThrow());
        Map<?, ?> info = object(answer.body());
        assertEquals(Set.of("diskinfo", "environment", "ipfs_commit", "ipfs_version", "memory", "net", "runtime"), info.keySet());
        assertEquals(NodeVersion.get(), info.get("ipfs_version"));
        Map<?, ?> runtime = (Map<?, ?>) info.get("runtime");
        assertEquals(Set.of("arch", "compiler", "gomaxprocs", "numcpu", "numgoroutines", "os", "version"), runtime.keySet());
        assertEquals((long) Runtime.getRuntime().availableProcessors(), ((Number) runtime.get("numcpu")).longValue());
        assertEquals("java" + System.getProperty("java.version"), runtime.get("version"));
        assertTrue(((Number) runtime.get("numgoroutines")).longValue() > 0);
        assertEquals(Set.of("GOPATH", "IPFS_PATH", "P2PKIT_HOME"), ((Map<?, ?>) info.get("environment")).keySet());
        Map<?, ?> disk = (Map<?, ?>) info.get("diskinfo");
        assertEquals(Set.of("fstype", "free_space", "total_space"), disk.keySet());
        assertEquals(java.nio.file.Files.getFileStore(repo).type(), disk.get("fstype"), "the repository's file system");
        assertTrue(((Number) disk.get("free_space")).longValue() > 0);
        Map<?, ?> memory = (Map<?, ?>) info.get("memory");
        assertEquals(Set.of("swap", "virt"), memory.keySet());
        if (java.nio.file.Files.isReadable(Path.of("/proc/self/status"))) {
            assertTrue(((Number) memory.get("virt")).longValue() > Runtime.getRuntime().totalMemory(), "the whole process");
        }
        Map<?, ?> net = (Map<?, ?>) info.get("net");
        assertEquals(true, net.get("online"));
        assertTrue(((List<?>) net.get("interface_addresses")).contains("/ip4/127.0.0.1"), net.toString());
        assertTrue(answer.body().startsWith("{\"diskinfo\":{\"free_space\":"), "keys sorted, as Go writes a map");

        String text = post("diag/sys?enc=text").body();
        assertTrue(text.matches("map\\[diskinfo:map\\[free_space:%!s\\(uint64=\\d+\\) fstype:\\S+ total_space:%!s\\(uint64=\\d+\\)] "
                + "environment:map\\[GOPATH:.* IPFS_PATH:.* P2PKIT_HOME:.*] ipfs_commit: ipfs_version:\\S+ "
                + "memory:map\\[swap:%!s\\(uint64=\\d+\\) virt:%!s\\(uint64=\\d+\\)] "
                + "net:map\\[interface_addresses:\\[/ip4/\\S+( /ip[46]/\\S+)*] online:%!s\\(bool=true\\)] "
                + "runtime:map\\[arch:\\S+ compiler:.+ gomaxprocs:%!s\\(int=\\d+\\) numcpu:%!s\\(int=\\d+\\) "
                + "numgoroutines:%!s\\(int=\\d+\\) os:\\S+ version:java\\S+]]"), "Go's %s of the map, no newline: " + text);
    }

    @Test
    void diagCmdsListsRunningAndKeptRequestsAsKuboDoes() throws Exception {
        assertEquals("", post("diag/cmds/set-time?arg=1m").body());
        assertEquals(200, post("id?arg=" + node.peerId() + "&format=%3Cid%3E").statusCode());
        List<?> report = (List<?>) TinyJson.parse(post("diag/cmds").body().strip());
        Map<?, ?> self = (Map<?, ?>) report.getLast();
        assertEquals(List.of("StartTime", "EndTime", "Active", "Command", "Options", "Args", "ID"), List.copyOf(self.keySet()));
        assertEquals("diag/cmds", self.get("Command"));
        assertEquals(true, self.get("Active"));
        assertEquals("0001-01-01T00:00:00Z", self.get("EndTime"));
        assertEquals(Map.of("encoding", "json"), self.get("Options"));
        assertEquals(List.of(), self.get("Args"));
        Map<?, ?> id = (Map<?, ?>) report.get(report.size() - 2);
        assertEquals("id", id.get("Command"));
        assertEquals(false, id.get("Active"));
        assertEquals(Map.of("encoding", "json", "format", "<id>", "peerid-base", "b58mh"), id.get("Options"),
                "what was given and the defaults, as Kubo records them");
        assertEquals(List.of(node.peerId().toString()), id.get("Args"));
        assertEquals(((Number) self.get("ID")).longValue() - 1, ((Number) id.get("ID")).longValue());
        assertTrue(((String) id.get("StartTime")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?(Z|[+-]\\d\\d:\\d\\d)"));

        String table = post("diag/cmds?enc=text").body();
        List<String> lines = table.lines().toList();
        assertTrue(lines.getFirst().matches("Command +Active +StartTime +RunTime"), table);
        assertTrue(lines.getLast().matches("diag/cmds +true +[A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d +\\S+"), table);
        assertEquals(lines.getFirst().indexOf("Active"), lines.getLast().indexOf("true"), "aligned as Go's tabwriter");
        String verbose = post("diag/cmds?enc=text&v=true").body();
        assertTrue(verbose.lines().findFirst().orElseThrow().matches(
                "ID +Command +Arguments +Options +Active +StartTime +RunTime"), verbose);
        assertTrue(verbose.lines().anyMatch(l -> l.matches("\\d+ +id +\\[" + node.peerId()
                + "] +\\[encoding=json,format=<id>,peerid-base=b58mh,] +false .*")), verbose);

        assertEquals("", post("diag/cmds/clear").body());
        List<?> cleared = (List<?>) TinyJson.parse(post("diag/cmds").body().strip());
        assertEquals(List.of("diag/cmds/clear", "diag/cmds"), cleared.stream().map(m -> ((Map<?, ?>) m).get("Command")).toList(),
                "clear itself, finished after it cleared, and the request that asks");
        assertEquals("", post("diag/cmds/set-time?arg=0s").body());
    }

    @Test
    void aRequestIsOverBeforeItsClientHasTheAnswer() throws Exception {
        // Kubo's CLI asks `version` and then, at once, `diag/cmds clear`: the clear must find the
        // version request finished, or keep it as a running one (a CI failure of the interop test).
        assertEquals("", post("diag/cmds/set-time?arg=1m").body());
        try {
            for (int i = 0; i < 200; i++) {
                assertEquals(200, post("version").statusCode());
                List<?> report = (List<?>) TinyJson.parse(post("diag/cmds").body().strip());
                for (Object e : report.subList(0, report.size() - 1)) {
                    assertEquals(false, ((Map<?, ?>) e).get("Active"), "round " + i + ": " + e);
                }
            }
        } finally {
            assertEquals("", post("diag/cmds/clear").body());
            assertEquals("", post("diag/cmds/set-time?arg=0s").body());
        }
    }

    @Test
    void diagCmdsSetTimeRefusesWhatGoRefuses() throws Exception {
        HttpResponse<String> bad = post("diag/cmds/set-time?arg=xx");
        assertEquals(500, bad.statusCode());
        assertEquals(error("time: invalid duration \"xx\""), bad.body());
        HttpResponse<String> none = post("diag/cmds/set-time");
        assertEquals(400, none.statusCode());
        assertEquals("argument \"time\" is required\n", none.body());
    }

    @Test
    void versionCheckSamplesTheRoutingTablesP2pkitReleases() throws Exception {
        String ours = NodeVersion.get().replaceFirst("[-+].*", "");
        List<String> agents = List.of("p2pkit/99.1.0", "p2pkit/0.0.1", "p2pkit/100.0.0-rc1", "kubo/0.39.0/", "p2pkit/x.y");
        for (String agent : agents) {
            Node peer = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").agentVersion(agent)
                    .dht(NodeConfig.Dht.of(Mode.SERVER)).build());
            peers.add(peer);
            peer.host().connect(node.addresses().getFirst());
        }
        Await.until("every peer is in the routing table, its agent known", () -> peers.stream().allMatch(p ->
                node.dht().orElseThrow().routingTable().contains(p.peerId())
                        && node.host().peerStore().agentVersion(p.peerId()).isPresent()), Duration.ofSeconds(20));

        String expected = "{\"UpdateAvailable\":true,\"RunningVersion\":\"" + ours + "\",\"GreatestVersion\":\"99.1.0\","
                + "\"PeersSampled\":3,\"WithGreaterVersion\":1}\n";
        assertEquals(expected, post("version/check").body(), "itself, 99.1.0 and 0.0.1: one in three is newer");
        assertEquals(expected, post("version/check?min-percent=33").body());
        assertEquals(expected.replace("true", "false"), post("version/check?t=34").body());
        assertEquals(expected, post("version/check?min-percent=0").body(), "0 is the default, 5");
        assertEquals("{%!s(bool=true) " + ours + " 99.1.0 %!s(int=3) %!s(int=1)}", post("version/check?enc=text").body());
        assertEquals(error("Version.SwarmCheckPercentThreshold must be between 1 and 100"),
                post("version/check?min-percent=101").body());
        assertEquals("could not convert value \"x\" to type \"int\" (for option \"-min-percent\")\n",
                post("version/check?min-percent=x").body());

        try (Node bare = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").dht(Optional.empty())
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0))).build())) {
            assertEquals(error("could not perform version check due to missing or incompatible DHT configuration"),
                    post(bare, "version/check").body());
        }
    }

    @Test
    void releaseVersionsAreReadAsGoVersionReadsThem() {
        assertEquals("0.39.0", ReleaseVersion.parse("v0.39").orElseThrow().toString());
        assertEquals("1.2.3-rc1+abc", ReleaseVersion.parse("1.2.3.4-rc1+abc").orElseThrow().toString());
        assertFalse(ReleaseVersion.parse("0.1.0-SNAPSHOT").orElseThrow().release());
        assertFalse(ReleaseVersion.parse("0.1.0+dirty").orElseThrow().release());
        assertTrue(ReleaseVersion.parse("0.1.0").orElseThrow().release());
        assertEquals(Optional.empty(), ReleaseVersion.parse("x.y"));
        assertEquals(Optional.empty(), ReleaseVersion.parse(""));
        assertTrue(ReleaseVersion.parse("0.10.0").orElseThrow().compareTo(ReleaseVersion.parse("0.9.9").orElseThrow()) > 0);
    }

    @Test
    void logTailStreamsRecordsWrittenAfterItStartedInZapsShape() throws Exception {
        Logger logger = Logger.getLogger("io.p2pkit.node.rpc.RpcDiagTest.tail");
        HttpResponse<Stream<String>> tail = client.send(HttpRequest.newBuilder(URI.create(url(node) + "log/tail"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofLines());
        HttpResponse<Stream<String>> errorsOnly = client.send(HttpRequest.newBuilder(URI.create(url(node)
                + "log/tail?log-level=error")).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofLines());
        try (Stream<String> lines = tail.body(); Stream<String> errors = errorsOnly.body()) {
            assertEquals(200, tail.statusCode());
            assertEquals("1", tail.headers().firstValue("X-Stream-Output").orElseThrow(), "bytes, as Kubo streams its pipe");
            assertEquals("text/plain", tail.headers().firstValue("Content-Type").orElseThrow());
            logger.info("written after the tail began");
            logger.log(Level.SEVERE, "an error {0}", new Object[] {"with a parameter"});
            logger.log(Level.WARNING, "a failure", new java.io.IOException("disk gone"));

            Iterator<String> all = lines.filter(l -> l.contains("\"logger\":\"" + logger.getName() + "\"")).iterator();
            Map<?, ?> info = object(all.next());
            assertEquals(List.of("level", "ts", "logger", "caller", "msg"), List.copyOf(info.keySet()), "zap's order");
            assertEquals("info", info.get("level"));
            assertEquals("written after the tail began", info.get("msg"));
            assertTrue(((String) info.get("ts")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d{4})"),
                    info.toString());
            assertTrue(((String) info.get("caller")).matches("rpc/RpcDiagTest\\.java:\\d+"), info.toString());
            Map<?, ?> severe = object(all.next());
            assertEquals("error", severe.get("level"));
            assertEquals("an error with a parameter", severe.get("msg"));
            Map<?, ?> warning = object(all.next());
            assertEquals("warn", warning.get("level"));
            assertEquals("java.io.IOException: disk gone", warning.get("error"));

            Map<?, ?> onlyError = object(errors.filter(l -> l.contains(logger.getName())).findFirst().orElseThrow());
            assertEquals("an error with a parameter", onlyError.get("msg"), "log-level=error skips info and warn");
        }
        Await.until("the tails of the clients that went are closed", () -> LogTail.openTails() == 0, Duration.ofSeconds(10));
    }

    @Test
    void logTailEndsWhenItsClientHangsUpAndAtItsTimeout() throws Exception {
        InetSocketAddress api = node.apiAddress().orElseThrow();
        try (Socket socket = new Socket(api.getAddress(), api.getPort())) {
            socket.getOutputStream().write(("POST /api/v0/log/tail HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            assertEquals("HTTP/1.1 200", new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII));
            assertEquals(1, LogTail.openTails());
        }
        Await.until("the tail of the client that hung up ends", () -> LogTail.openTails() == 0, Duration.ofSeconds(10));

        try (Socket socket = new Socket(api.getAddress(), api.getPort())) {
            socket.getOutputStream().write(("POST /api/v0/log/tail?timeout=300ms HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String whole = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(whole.startsWith("HTTP/1.1 200"), whole);
            assertTrue(whole.endsWith("0\r\n\r\n"), "the stream ended: " + whole);
            assertFalse(whole.contains("X-Stream-Error:"), "a tail's timeout is its end, as Kubo's, not an error: " + whole);
        }
        assertEquals(0, LogTail.openTails());

        assertEquals(error("setting log level loud: unrecognized level: \"loud\""), post("log/tail?log-level=loud").body());
    }

    @Test
    void aTailThatIsNotReadDropsAndCountsWhatDoesNotFit() throws Exception {
        Logger logger = Logger.getLogger("io.p2pkit.node.rpc.RpcDiagTest.flood");
        java.util.logging.Handler[] console = Logger.getLogger("").getHandlers();
        Level[] levels = java.util.Arrays.stream(console).map(java.util.logging.Handler::getLevel).toArray(Level[]::new);
        try (LogTail.Tail tail = LogTail.open(LogLevels.rank(Level.SEVERE))) {
            for (java.util.logging.Handler h : console) {
                h.setLevel(Level.OFF); // the flood is for the tail, not for the test's output
            }
            for (int i = 0; i < LogTail.MAX_QUEUED_LINES + 10; i++) {
                logger.severe("flood " + i);
            }
            assertTrue(tail.takeDropped() >= 10, "the queue holds at most its bound");
            assertEquals(0, tail.takeDropped(), "counted once");
            int queued = 0;
            while (tail.poll() != null) {
                queued++;
            }
            assertTrue(queued <= LogTail.MAX_QUEUED_LINES, Integer.toString(queued));
            Map<?, ?> notice = object(LogTail.droppedLine(10));
            assertEquals("warn", notice.get("level"));
            assertTrue(((String) notice.get("msg")).startsWith("log tail dropped 10 records"), notice.toString());
        } finally {
            for (int i = 0; i < console.length; i++) {
                console[i].setLevel(levels[i]);
            }
        }
        assertEquals(0, LogTail.openTails());
        assertFalse(List.of(Logger.getLogger("").getHandlers()).stream()
                .anyMatch(h -> h.getClass().getName().startsWith(LogTail.class.getName())), "the tap is gone with the last tail");
    }

    @Test
    void repoLsIsRefsLocalUnderKubosOtherName() throws Exception {
        String boundary = "RpcDiagTest";
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\nrepo ls\r\n--" + boundary + "--\r\n";
        HttpResponse<String> put = client.send(HttpRequest.newBuilder(URI.create(url(node) + "block/put"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        String key = (String) object(put.body()).get("Key");
        String local = post("refs/local").body();
        assertTrue(local.contains("{\"Ref\":\"" + key + "\",\"Err\":\"\"}\n"), local);
        assertEquals(local, post("repo/ls").body());
        assertEquals(post("refs/local?enc=text").body(), post("repo/ls?enc=text").body());
    }
}
