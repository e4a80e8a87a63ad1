package io.p2pkit.interop;

import io.p2pkit.node.Node;
import io.p2pkit.node.http.HttpAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kubo's own {@code ipfs} with {@code --api}, against a Kubo 0.39 daemon and a p2pkit daemon, for
 * {@code pin remote service add|ls|rm} and {@code pin remote add|ls|rm}. Each daemon has its own
 * mock-ipfs-pinning-service (the reference implementation of the Pinning Services API, which
 * Kubo's own tests use) on a loopback port, so that the same steps give the same request IDs on
 * both; a service's URL, which differs, is compared as {@code SERVICE}. The mock sets a pin's
 * status from its name's prefix ({@code pinned-}, {@code failed-}; else {@code queued}) and
 * fetches nothing; its delegates are the other daemon's address, so a {@code pin remote add}
 * connects the two daemons as Kubo connects to the delegates.
 */
@InteropArea("RPC API: remote pinning (pin remote, Pinning Services API) against Kubo 0.39")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PinRemoteKuboInteropTest {
    private static final String KEY = "secret";

    @TempDir
    static Path dir;
    private static KuboBeside pair;
    private static final List<Process> services = new ArrayList<>();
    private static Side kuboSide;
    private static Side p2pkitSide;
    private static String cid1;
    private static String cid2;
    private static String cid3;

    /** One daemon as Kubo's CLI reaches it, and the service it was given. */
    private record Side(String name, KuboCli cli, List<String> apiArgs, String service, String apiUrl) {
        String outcome(String... args) {
            List<String> all = new ArrayList<>(apiArgs);
            all.addAll(List.of(args));
            return cli.outcome(all).replace(service, "SERVICE");
        }
    }

    @BeforeAll
    static void start() throws Exception {
        Path serve = Toolchains.requirePinningService();
        pair = KuboBeside.start(dir, "none", b -> b);
        Node node = pair.node();
        String p2pkitAddress = node.addresses().stream().map(Object::toString)
                .filter(a -> a.startsWith("/ip4/127.0.0.1/tcp/")).findFirst().orElseThrow() + "/p2p/" + node.peerId();
        // each daemon's service hands out the other daemon as its delegate
        kuboSide = new Side("kubo", pair.kubo().cli(), List.of(), service(serve, p2pkitAddress, "kubo"), pair.kubo().apiUrl());
        p2pkitSide = new Side("p2pkit", pair.client(), List.of("--api", pair.api()),
                service(serve, pair.kubo().address(), "p2pkit"), HttpAddress.url(node.apiAddress().orElseThrow()));
        cid1 = content("one");
        cid2 = content("two");
        cid3 = content("three");
    }

    @AfterAll
    static void stop() throws IOException, InterruptedException {
        for (Process p : services) {
            p.getOutputStream().close(); // serve.mjs ends with its input
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (pair != null) {
            pair.close();
        }
    }

    /** Starts one mock service on a loopback port: its endpoint. */
    private static String service(Path serve, String delegate, String name) throws Exception {
        Process p = new ProcessBuilder("node", serve.toString(), "--token=" + KEY, "--delegates=" + delegate)
                .redirectError(dir.resolve("service-" + name + ".err").toFile()).start();
        services.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        }).get(30, TimeUnit.SECONDS);
        assertTrue(line != null && line.startsWith("listening "), "the pinning service did not start: " + line + " "
                + Files.readString(dir.resolve("service-" + name + ".err")));
        return "http://127.0.0.1:" + line.substring("listening ".length()).strip();
    }

    /** The same bytes added to both daemons: their CID. */
    private static String content(String text) throws IOException {
        Path f = Files.writeString(dir.resolve(text + ".txt"), "remote pin " + text + "\n");
        return pair.added(List.of("add", "-Q", "--cid-version=1", f.toString()));
    }

    /** Runs the command on Kubo, then on p2pkit, and asserts they print the same: the output. */
    private static String same(String... args) {
        String fromKubo = kuboSide.outcome(args);
        assertEquals(fromKubo, p2pkitSide.outcome(args), "ipfs " + String.join(" ", args));
        return fromKubo;
    }

    private static HttpResponse<String> post(Side side, String command) throws Exception {
        return pair.http().send(HttpRequest.newBuilder(URI.create(side.apiUrl() + "/api/v0/" + command))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Order(1)
    void serviceAddLsAndRm() throws Exception {
        for (Side s : List.of(kuboSide, p2pkitSide)) {
            assertEquals("", s.outcome("pin", "remote", "service", "add", "mysrv", s.service() + "/", KEY));
            assertEquals("", s.outcome("pin", "remote", "service", "add", "badsrv", s.service(), "wrong-key"));
        }
        assertEquals("badsrv SERVICE\nmysrv  SERVICE\n", same("pin", "remote", "service", "ls"));
        assertEquals("badsrv SERVICE invalid\nmysrv  SERVICE 0/0/0/0\n", same("pin", "remote", "service", "ls", "--stat"));
        Object json = Json.parse(same("pin", "remote", "service", "ls", "--stat", "--enc=json"));
        assertEquals(Json.parse("{\"RemoteServices\":[{\"Service\":\"badsrv\",\"ApiEndpoint\":\"SERVICE\",\"Stat\":{\"Status\":\"invalid\"}},"
                + "{\"Service\":\"mysrv\",\"ApiEndpoint\":\"SERVICE\",\"Stat\":{\"Status\":\"valid\",\"PinCount\":"
                + "{\"Queued\":0,\"Pinning\":0,\"Pinned\":0,\"Failed\":0}}}]}"), json);
        // the config shows the services as Kubo's does, their keys left out
        Map<?, ?> kuboPinning = (Map<?, ?>) Json.parseObject(kuboSide.outcome("config", "show")).get("Pinning");
        assertEquals(kuboPinning, Json.parseObject(p2pkitSide.outcome("config", "show")).get("Pinning"));
        assertFalse(kuboPinning.toString().contains(KEY), kuboPinning.toString());
        assertEquals("SERVICE", same("config", "Pinning.RemoteServices.mysrv.API.Endpoint").strip());
        assertEquals("Error: cannot show or change pinning services credentials",
                same("config", "Pinning.RemoteServices.mysrv.API.Key"));

        assertEquals("", same("pin", "remote", "service", "rm", "badsrv"));
        assertEquals("", same("pin", "remote", "service", "rm", "nosuch"));
        assertEquals("mysrv SERVICE\n", same("pin", "remote", "service", "ls"));
    }

    @Test
    @Order(2)
    void serviceErrors() {
        assertEquals("Error: service already present", same("pin", "remote", "service", "add", "mysrv", "http://127.0.0.1:9/", "k"));
        assertEquals("Error: service endpoint must be a valid HTTP URL", same("pin", "remote", "service", "add", "x", "ftp://127.0.0.1/", "k"));
        assertEquals("Error: service endpoint should be provided without the /pins suffix",
                same("pin", "remote", "service", "add", "x", "http://127.0.0.1:9/api/pins/", "k"));
        assertEquals("Error: service endpoint should be provided without any query parameters",
                same("pin", "remote", "service", "add", "x", "http://127.0.0.1:9/api?a=b", "k"));
        assertTrue(same("pin", "remote", "service", "add", "x", "http://127.0.0.1:9/").startsWith("Error: argument \"key\" is required"));
        assertEquals("mysrv SERVICE\n", same("pin", "remote", "service", "ls"), "nothing was added");
    }

    @Test
    @Order(3)
    void addInTheBackgroundAndWaiting() throws Exception {
        // p2pkit first: its service's delegate is Kubo, which it connects to
        String fromP2pkit = p2pkitSide.outcome("pin", "remote", "add", "--service=mysrv", "--name=pinned-one", "--background", cid1);
        assertTrue(pair.kubo().cli().run(List.of("swarm", "peers")).contains(pair.node().peerId().toString()),
                "p2pkit connected to the service's delegate");
        assertEquals(kuboSide.outcome("pin", "remote", "add", "--service=mysrv", "--name=pinned-one", "--background", cid1), fromP2pkit);
        assertEquals("CID:    " + cid1 + "\nName:   pinned-one\nStatus: pinned\n", fromP2pkit);
        // waiting: the mock answers pinned at once for this name
        assertEquals(fromP2pkit, same("pin", "remote", "add", "--service=mysrv", "--name=pinned-one", cid1));
        assertEquals("CID:    " + cid2 + "\nName:   queued-two\nStatus: queued\n",
                same("pin", "remote", "add", "--service=mysrv", "--name=queued-two", "--background", cid2));
        assertEquals("Error: remote service failed to pin requestid=\"req-3\"",
                same("pin", "remote", "add", "--service=mysrv", "--name=failed-three", cid3));
        assertEquals(Json.parse("{\"Status\":\"queued\",\"Cid\":\"" + cid2 + "\",\"Name\":\"queued-two\"}"),
                Json.parse(same("pin", "remote", "add", "--service=mysrv", "--name=queued-two", "--background", "--enc=json", cid2)));
        // the pin asked for names the daemon's own addresses as origins: the service reads them back
        for (Side s : List.of(kuboSide, p2pkitSide)) {
            String pins = pair.http().send(HttpRequest.newBuilder(URI.create(s.service() + "/pins?cid=" + cid1))
                    .header("Authorization", "Bearer " + KEY).build(), HttpResponse.BodyHandlers.ofString()).body();
            String peer = s == kuboSide ? pair.kubo().peerId() : pair.node().peerId().toString();
            assertTrue(pins.contains("\"origins\":[\"/ip4/127.0.0.1/tcp/") && pins.contains("/p2p/" + peer), s.name() + ": " + pins);
        }
    }

    @Test
    @Order(4)
    void addErrors() {
        assertEquals("Error: a service name must be passed", same("pin", "remote", "add", cid1));
        assertEquals("Error: service not known", same("pin", "remote", "add", "--service=nosuch", cid1));
        assertEquals("Error: remote pinning service name not specified", same("pin", "remote", "add", "--service=", cid1));
        assertEquals("Error: pin name is 256 bytes (max 255 bytes)",
                same("pin", "remote", "add", "--service=mysrv", "--name=" + "a".repeat(256), cid1));
        assertTrue(same("pin", "remote", "add", "--service=mysrv").startsWith("Error: argument \"ipfs-path\" is required"));
    }

    @Test
    @Order(5)
    void lsByCidNameAndStatus() throws Exception {
        assertEquals(cid1 + "\tpinned\tpinned-one\n", same("pin", "remote", "ls", "--service=mysrv"));
        assertEquals(cid1 + "\tpinned\tpinned-one\n" + cid2 + "\tqueued\tqueued-two\n" + cid3 + "\tfailed\tfailed-three\n",
                same("pin", "remote", "ls", "--service=mysrv", "--status=queued,pinning,pinned,failed"));
        assertEquals(cid2 + "\tqueued\tqueued-two\n" + cid3 + "\tfailed\tfailed-three\n",
                same("pin", "remote", "ls", "--service=mysrv", "--status=queued", "--status=failed"));
        assertEquals(cid2 + "\tqueued\tqueued-two\n",
                same("pin", "remote", "ls", "--service=mysrv", "--cid=" + cid2 + "," + cid1, "--status=queued"));
        assertEquals(cid3 + "\tfailed\tfailed-three\n",
                same("pin", "remote", "ls", "--service=mysrv", "--name=failed-three", "--status=failed,queued"));
        assertEquals("", same("pin", "remote", "ls", "--service=mysrv", "--name=nothing-so-named"));
        assertEquals("{\"Status\":\"pinned\",\"Cid\":\"" + cid1 + "\",\"Name\":\"pinned-one\"}",
                same("pin", "remote", "ls", "--service=mysrv", "--enc=json").strip());
        // the daemons' own text encoders (Kubo's CLI encodes on its side)
        // over HTTP a value is one status: the commas are split by the CLI only
        for (String command : List.of("pin/remote/ls?service=mysrv&status=queued&status=failed&encoding=text",
                "pin/remote/ls?service=mysrv&status=queued,failed&encoding=text",
                "pin/remote/service/ls?stat=true&encoding=text")) {
            HttpResponse<String> fromKubo = post(kuboSide, command);
            HttpResponse<String> fromP2pkit = post(p2pkitSide, command);
            assertEquals(fromKubo.statusCode(), fromP2pkit.statusCode(), command + ": " + fromKubo.body() + " / " + fromP2pkit.body());
            assertEquals(fromKubo.body().replace(kuboSide.service(), "SERVICE"),
                    fromP2pkit.body().replace(p2pkitSide.service(), "SERVICE"), command);
        }
    }

    @Test
    @Order(6)
    void lsErrors() throws Exception {
        assertEquals("Error: a service name must be passed", same("pin", "remote", "ls"));
        assertEquals("Error: service not known", same("pin", "remote", "ls", "--service=nosuch"));
        assertEquals("Error: status \"bogus\" is not valid", same("pin", "remote", "ls", "--service=mysrv", "--status=bogus"));
        String badCid = same("pin", "remote", "ls", "--service=mysrv", "--cid=" + cid1.substring(0, 20));
        assertTrue(badCid.startsWith("Error: CID \"" + cid1.substring(0, 20) + "\" cannot be parsed: "), badCid);
        // the raw answers agree too: status and body
        HttpResponse<String> fromKubo = post(kuboSide, "pin/remote/ls?service=nosuch");
        HttpResponse<String> fromP2pkit = post(p2pkitSide, "pin/remote/ls?service=nosuch");
        assertEquals(fromKubo.statusCode(), fromP2pkit.statusCode());
        assertEquals(fromKubo.body(), fromP2pkit.body());
    }

    @Test
    @Order(7)
    void rmByFiltersAndWithForce() {
        assertEquals("Error: multiple remote pins are matching this query, add --force to confirm the bulk removal",
                same("pin", "remote", "rm", "--service=mysrv", "--status=queued,pinned,failed"));
        assertEquals("", same("pin", "remote", "rm", "--service=mysrv", "--cid=" + cid2, "--status=queued"));
        assertEquals(cid1 + "\tpinned\tpinned-one\n" + cid3 + "\tfailed\tfailed-three\n",
                same("pin", "remote", "ls", "--service=mysrv", "--status=queued,pinning,pinned,failed"));
        // two pinned: rm without filters (implicitly --status=pinned) needs --force
        same("pin", "remote", "add", "--service=mysrv", "--name=pinned-two", "--background", cid2);
        assertEquals("Error: multiple remote pins are matching this query, add --force to confirm the bulk removal",
                same("pin", "remote", "rm", "--service=mysrv"));
        assertEquals("", same("pin", "remote", "rm", "--service=mysrv", "--force"));
        assertEquals(cid3 + "\tfailed\tfailed-three\n",
                same("pin", "remote", "ls", "--service=mysrv", "--status=queued,pinning,pinned,failed"));
        assertEquals("", same("pin", "remote", "rm", "--service=mysrv", "--name=failed-three", "--status=failed"));
        assertEquals("", same("pin", "remote", "ls", "--service=mysrv", "--status=queued,pinning,pinned,failed"));
    }

    @Test
    @Order(8)
    void rmErrors() {
        assertEquals("Error: a service name must be passed", same("pin", "remote", "rm"));
        assertEquals("Error: service not known", same("pin", "remote", "rm", "--service=nosuch"));
        assertEquals("Error: error while listing remote pins: status \"bogus\" is not valid",
                same("pin", "remote", "rm", "--service=mysrv", "--status=bogus"));
        assertEquals("Error: error while listing remote pins: reason: \"access token is invalid\", details: \"\": 401 Unauthorized",
                rmWithWrongKey());
    }

    /** {@code pin remote rm} with a service whose key the mock refuses, on both. */
    private static String rmWithWrongKey() {
        for (Side s : List.of(kuboSide, p2pkitSide)) {
            assertEquals("", s.outcome("pin", "remote", "service", "add", "wrongkey", s.service(), "nope"));
        }
        String out = same("pin", "remote", "rm", "--service=wrongkey");
        same("pin", "remote", "service", "rm", "wrongkey");
        return out;
    }
}
