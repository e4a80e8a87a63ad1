package io.p2pkit.interop;

import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.http.HttpAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code pin update} and {@code ping}: a p2pkit node and a Kubo 0.39 daemon, neither with a DHT
 * (Kubo's {@code Routing.Type none}), connected to each other; Kubo's own {@code ipfs} with
 * {@code --api} runs against p2pkit and the same command against Kubo. Pins are updated on the
 * same DAGs (p2pkit fetching the new version's blocks from Kubo); each daemon pings the other, the
 * round trips compared by shape.
 */
@InteropArea("RPC API: pin update and ping against Kubo 0.39")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PinUpdatePingKuboInteropTest {
    @TempDir
    static Path dir;
    private static KuboDaemon kubo;
    private static KuboCli client;
    private static Node node;
    private static String api;

    @BeforeAll
    static void start() throws IOException {
        kubo = KuboDaemon.start(Toolchains.requireKubo(), "none");
        client = KuboCli.fresh(Toolchains.requireKubo());
        Path repo = dir.resolve("p2pkit-repo");
        Repository.init(repo, RepoConfig.defaults());
        node = Node.start(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").dht(Optional.empty())
                .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0)))
                .content(NodeConfig.Content.of(repo)).build());
        api = HttpAddress.multiaddr(node.apiAddress().orElseThrow());
        node.host().connect(Multiaddr.parse(kubo.address()));
    }

    @AfterAll
    static void stop() throws IOException {
        if (node != null) {
            node.close();
        }
        if (client != null) {
            client.delete();
        }
        if (kubo != null) {
            kubo.close();
        }
    }

    private static String address(Node n) {
        return n.host().addresses().getFirst() + "/p2p/" + n.peerId();
    }

    private static List<String> withApi(String... args) {
        List<String> l = new ArrayList<>(List.of("--api", api));
        l.addAll(List.of(args));
        return l;
    }

    /** The command against the Kubo daemon, then against p2pkit: stdout, or "Error: …" when it fails. */
    private static String[] both(String... args) {
        return new String[]{kubo.cli().outcome(List.of(args)), client.outcome(withApi(args))};
    }

    private static String same(String... args) {
        String[] out = both(args);
        assertEquals(out[0], out[1], "ipfs " + String.join(" ", args));
        return out[0];
    }

    /**
     * The same recursive pins on both, in any order (each lists them in its store's order); Kubo's
     * init pins the empty directory (for IPNS), p2pkit's does not.
     */
    private static void samePins() {
        String[] out = both("pin", "ls", "--type=recursive");
        assertEquals(new TreeSet<>(out[0].replace(EMPTY_DIR + " recursive\n", "").lines().toList()),
                new TreeSet<>(out[1].lines().toList()), "ipfs pin ls --type=recursive");
    }

    private static final String EMPTY_DIR = "QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn";

    /** The tree, added to Kubo (pinned or not), and to p2pkit only when {@code alsoHere}: its root, the same in both. */
    private static String add(Path tree, boolean pin, boolean alsoHere) throws IOException {
        List<String> args = List.of("add", "-Q", "-r", "--pin=" + pin, tree.toString());
        String root = kubo.cli().run(args).strip();
        if (alsoHere) {
            assertEquals(root, client.run(withApi(args.toArray(String[]::new))).strip(), "the same root");
        }
        return root;
    }

    @Test
    void pinUpdateAsKubos() throws IOException {
        Path site = Files.createDirectories(dir.resolve("site"));
        Files.writeString(site.resolve("index.html"), "<h1>one</h1>\n");
        Files.write(Files.createDirectories(site.resolve("assets")).resolve("big.bin"), new byte[600_000]);
        String v1 = add(site, true, true);
        Files.writeString(site.resolve("index.html"), "<h1>two</h1>\n");
        String v2 = add(site, false, true);
        Files.writeString(site.resolve("news.html"), "new\n");
        String v3 = add(site, false, false); // on Kubo only: p2pkit fetches what v2 lacks

        same("pin", "update", v2, v3); // v2 is not pinned
        same("pin", "update", v1);
        same("pin", "update", "bad", v2);
        same("pin", "update", v1, "/ipfs/" + v2 + "/nope");
        same("pin", "update", v1, "/ipfs/" + v2);
        samePins();
        same("pin", "update", "--unpin=false", "--enc=json", v2, v3);
        samePins();
        same("pin", "update", v2, v3); // v3 is pinned already
        same("pin", "update", v3, v3);
        same("pin", "update", v3, "/ipfs/" + v3 + "/assets");
        samePins();
        same("cat", "/ipfs/" + v3 + "/news.html");
    }

    @Test
    void eachPingsTheOtherAsKubo() throws IOException {
        // Kubo pings p2pkit, and p2pkit (asked through Kubo's CLI) pings Kubo, by ID and by address
        String byKubo = kubo.cli().run(List.of("ping", "-n", "3", node.peerId().toString()));
        String byP2pkit = client.run(withApi("ping", "-n", "3", kubo.peerId()));
        assertEquals(shape(byKubo), shape(byP2pkit), byKubo + "\n" + byP2pkit);
        assertEquals("PING ID.\nPong received: time=N ms\nPong received: time=N ms\nPong received: time=N ms\n"
                + "Average latency: Nms\n", shape(byP2pkit));
        assertEquals(shape(kubo.cli().run(List.of("ping", "--count=1", address(node)))),
                shape(client.run(withApi("ping", "--count=1", kubo.address()))));
        String[] json = {kubo.cli().run(List.of("ping", "-n", "1", "--enc=json", node.peerId().toString())),
                client.run(withApi("ping", "-n", "1", "--enc=json", kubo.peerId()))};
        assertEquals(shape(json[0]), shape(json[1]), json[0] + "\n" + json[1]);
        assertTrue(json[1].lines().skip(1).findFirst().orElseThrow().matches("\\{\"Success\":true,\"Time\":[1-9][0-9]*,\"Text\":\"\"}"),
                json[1]);

        // the errors, word for word: each side about itself, then about a stranger neither can look up
        assertEquals(kubo.cli().outcome(List.of("ping", kubo.peerId())), client.outcome(withApi("ping", node.peerId().toString())));
        String stranger = "12D3KooWHz7AEJzbRD66xbLErTe5aCRH8ucnijCRdRWXoJ6tSCbq";
        same("ping", "-n", "0", stranger);
        same("ping", "/ip4/127.0.0.1/tcp/1");
        same("ping", "-n", "1", stranger);
        String[] bad = both("ping", "not-a-peer");
        assertTrue(bad[0].startsWith("Error: failed to parse peer address 'not-a-peer': failed to parse peer ID: ")
                && bad[1].startsWith("Error: failed to parse peer address 'not-a-peer': failed to parse peer ID: "),
                String.join("\n", bad));
    }

    /** Peer IDs and times masked. */
    private static String shape(String text) {
        return text.replaceAll("12D3Koo\\w+", "ID").replaceAll("\"Time\":[0-9]+", "\"Time\":N")
                .replaceAll("[0-9]+\\.[0-9]+", "N");
    }
}
