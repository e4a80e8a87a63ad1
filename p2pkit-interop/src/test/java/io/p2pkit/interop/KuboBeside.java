package io.p2pkit.interop;

import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.http.HttpAddress;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A Kubo 0.39 daemon and a p2pkit daemon side by side, and Kubo's own {@code ipfs} pointed at
 * either: the fixture of the tests that compare p2pkit's RPC API with Kubo's. The p2pkit node
 * listens on loopback TCP and serves its API on a loopback port; its repository lives under the
 * test's directory.
 *
 * @param kubo   the Kubo daemon (its own CLI: {@code kubo.cli()})
 * @param client Kubo's CLI with no repository of its own, for {@code --api} calls to p2pkit
 * @param node   the p2pkit daemon
 * @param api    p2pkit's API as a multiaddr, for {@code --api}
 * @param http   a client for raw HTTP calls to either API
 */
record KuboBeside(KuboDaemon kubo, KuboCli client, Node node, String api, HttpClient http) implements AutoCloseable {
    /**
     * Starts both daemons.
     *
     * @param dir         where p2pkit's repository goes ({@code dir/p2pkit-repo})
     * @param kuboRouting Kubo's {@code Routing.Type} ({@code none}, {@code dht})
     * @param config      what the test adds to p2pkit's configuration (its DHT, say)
     */
    static KuboBeside start(Path dir, String kuboRouting, UnaryOperator<NodeConfig.Builder> config) throws IOException {
        return start(dir, List.of(List.of("config", "Routing.Type", kuboRouting)), config);
    }

    /**
     * Starts both daemons, Kubo's after {@code kuboConfig} ran on its new repository (each an
     * {@code ipfs} argument list: {@code config --bool Experimental.Libp2pStreamMounting true}).
     *
     * @param dir        where p2pkit's repository goes ({@code dir/p2pkit-repo})
     * @param kuboConfig the {@code ipfs config …} commands for Kubo
     * @param config     what the test adds to p2pkit's configuration
     */
    static KuboBeside start(Path dir, List<List<String>> kuboConfig, UnaryOperator<NodeConfig.Builder> config)
            throws IOException {
        return start(dir, KuboDaemon.start(Toolchains.requireKubo(), kuboConfig), config);
    }

    /** Starts the p2pkit daemon beside {@code kubo}, a Kubo daemon started as the test needs it (closed with the pair). */
    static KuboBeside start(Path dir, KuboDaemon kubo, UnaryOperator<NodeConfig.Builder> config) throws IOException {
        return start(dir, kubo, RepoConfig.defaults(), config);
    }

    /** The same with p2pkit's repository made with {@code repoConfig} (its filestore on, say). */
    static KuboBeside start(Path dir, KuboDaemon kubo, RepoConfig repoConfig, UnaryOperator<NodeConfig.Builder> config)
            throws IOException {
        KuboCli client = null;
        try {
            client = KuboCli.fresh(Toolchains.requireKubo());
            Path repo = dir.resolve("p2pkit-repo");
            Repository.init(repo, repoConfig);
            Node node = Node.start(config.apply(NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0")
                    .api(NodeConfig.Http.api(new InetSocketAddress("127.0.0.1", 0)))
                    .content(NodeConfig.Content.of(repo))).build());
            return new KuboBeside(kubo, client, node, HttpAddress.multiaddr(node.apiAddress().orElseThrow()),
                    HttpClient.newHttpClient());
        } catch (IOException | RuntimeException e) {
            if (client != null) {
                client.delete();
            }
            kubo.close();
            throw e;
        }
    }

    /** {@code --api <p2pkit's API>} and then {@code args}. */
    List<String> withApi(List<String> args) {
        List<String> all = new ArrayList<>(List.of("--api", api));
        all.addAll(args);
        return all;
    }

    /** Stores the same content in both daemons ({@code ipfs <command>} on each); its output, the same on both. */
    String added(List<String> command) throws IOException {
        String onKubo = kubo.cli().run(command).strip();
        assertEquals(onKubo, client.run(withApi(command)).strip(), "p2pkit stores what Kubo stores: " + command);
        return onKubo;
    }

    /** {@code text} with each of {@code names}' keys replaced by its value (CIDs and files named in cases). */
    static String fill(String text, Map<String, String> names) {
        String out = text;
        for (Map.Entry<String, String> c : names.entrySet()) {
            out = out.replace(c.getKey(), c.getValue());
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        try {
            http.close();
            node.close();
        } finally {
            client.delete();
            kubo.close();
        }
    }
}
