package io.p2pkit.node.cli.content;

import io.p2pkit.node.cli.CommandFailedException;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI's client of a daemon: answers, errors before the output, errors in the trailer after it, uploads. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DaemonApiTest {
    /** A daemon stand-in: {@code version}, a stream that fails midway, an error, and an echo of the request body. */
    private static final class FakeDaemon extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            String path = Request.getPathInContext(request);
            switch (path) {
                case "/api/v0/version" -> Content.Sink.write(response, true, "{\"Version\":\"x\"}", callback);
                case "/api/v0/cat" -> {
                    HttpFields.Mutable trailers = HttpFields.build();
                    response.setTrailersSupplier(() -> trailers);
                    response.getHeaders().put("Trailer", "X-Stream-Error");
                    try (OutputStream out = Content.Sink.asOutputStream(response)) {
                        out.write("the first part".getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        trailers.put("X-Stream-Error", "block bafkreiabc was not found");
                    }
                    callback.succeeded();
                }
                case "/api/v0/echo" -> {
                    byte[] body = Content.Source.asInputStream(request).readAllBytes();
                    response.getHeaders().put("Content-Type", request.getHeaders().get("Content-Type"));
                    response.write(true, java.nio.ByteBuffer.wrap(body), callback);
                }
                default -> {
                    response.setStatus(500);
                    Content.Sink.write(response, true, "{\"Message\":\"no \\\"such\\\" command\",\"Code\":0,\"Type\":\"error\"}\n",
                            callback);
                }
            }
            return true;
        }
    }

    @Test
    void readsAnswersErrorsAndTrailers(@TempDir Path repo) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new FakeDaemon());
        server.start();
        try {
            Files.writeString(repo.resolve("api"), "/ip4/127.0.0.1/tcp/" + connector.getLocalPort());
            try (DaemonApi api = DaemonApi.find(repo).orElseThrow()) {
                try (InputStream in = api.post("cat", List.of("x"), Map.of())) {
                    ByteArrayOutputStream got = new ByteArrayOutputStream();
                    CommandFailedException e = assertThrows(CommandFailedException.class, () -> in.transferTo(got));
                    assertEquals("block bafkreiabc was not found", e.getMessage());
                    assertEquals("the first part", got.toString(StandardCharsets.UTF_8), "what came before the failure");
                }
                CommandFailedException e = assertThrows(CommandFailedException.class,
                        () -> api.post("nothing", List.of(), Map.of()));
                assertEquals("no \"such\" command", e.getMessage());
                byte[] body = new byte[300_000];
                new java.util.Random(3).nextBytes(body);
                try (InputStream in = api.upload("echo", List.of(), Map.of(), "application/x-test",
                        new java.io.ByteArrayInputStream(body))) {
                    assertArrayEquals(body, in.readAllBytes());
                }
            }
            server.stop();
            assertEquals(Optional.empty(), DaemonApi.find(repo).map(a -> {
                a.close();
                return a;
            }), "nothing listens there any more");
            Files.delete(repo.resolve("api"));
            assertTrue(DaemonApi.find(repo).isEmpty(), "no api file");
        } finally {
            server.stop();
        }
    }

    @Test
    void aDaemonThatWantsASecretGetsTheRepositorysOwn(@TempDir Path repo) throws Exception {
        io.p2pkit.ipfs.repo.Repository.init(repo, io.p2pkit.ipfs.repo.RepoConfig.defaults()
                .with("api.authorization.ci.secret", "bearer:s3cret")
                .with("api.authorization.ci.paths", "/api/v0/id"));
        var access = new io.p2pkit.node.NodeConfig.ApiAccess(List.of(), List.of(
                new io.p2pkit.node.NodeConfig.ApiAccess.Authorization("ci", "bearer:s3cret", List.of("/api/v0/id"))));
        try (io.p2pkit.node.Node node = io.p2pkit.node.Node.start(io.p2pkit.node.NodeConfig.builder()
                .listen("/ip4/127.0.0.1/tcp/0").api(io.p2pkit.node.NodeConfig.Http.api(
                        new java.net.InetSocketAddress("127.0.0.1", 0))).apiAccess(access).build())) {
            Files.writeString(repo.resolve("api"), io.p2pkit.node.http.HttpAddress.multiaddr(node.apiAddress().orElseThrow()));
            try (DaemonApi api = DaemonApi.find(repo).orElseThrow()) {
                try (InputStream in = api.post("id", List.of(), Map.of())) {
                    assertTrue(new String(in.readAllBytes(), StandardCharsets.UTF_8)
                            .contains(node.host().peerId().toString()), "the secret opens id");
                }
                CommandFailedException denied = assertThrows(CommandFailedException.class,
                        () -> api.post("swarm/peers", List.of(), Map.of()).close());
                assertTrue(denied.getMessage().contains("RPC Access Denied"), denied.getMessage());
            }
            // a repository without the secret: the daemon's refusal, as it said it
            Files.writeString(repo.resolve("config"), new String(io.p2pkit.ipfs.repo.RepoConfig.defaults().format(),
                    StandardCharsets.UTF_8));
            CommandFailedException refused = assertThrows(CommandFailedException.class, () -> DaemonApi.find(repo));
            assertTrue(refused.getMessage().startsWith("p2pkit RPC Access Denied"), refused.getMessage());
        }
    }
}
