package io.p2pkit.node.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The daemon's connection-manager, limits and metrics options. */
class DaemonResourceOptionsTest {
    private static final Pattern METRICS = Pattern.compile(".*\"metrics\":\"(http://[^\"]+)\".*");

    @Test
    void servesMetricsAndWarnsWhenWatermarksExceedTheLimits(@TempDir Path home) throws Exception {
        Path limits = home.resolve("limits.properties");
        Files.writeString(limits, "system.connections.inbound = 10\n");
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "daemon", "--no-mdns", "--listen",
                "/ip4/127.0.0.1/tcp/0", "--json", "--limits", limits.toString(), "--conn-low", "40", "--conn-high",
                "50", "--conn-grace", "30s", "--metrics", "127.0.0.1:0"));
        Path stderr = home.resolve("daemon.err");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(stderr.toFile());
        pb.environment().put("P2PKIT_HOME", home.toString());
        Process p = pb.start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String ready = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (java.io.IOException e) {
                    return null;
                }
            }).get(60, TimeUnit.SECONDS);
            assertTrue(ready != null && ready.startsWith("{\"event\":\"ready\""), ready + " / " + Files.readString(stderr));
            Matcher m = METRICS.matcher(ready);
            assertTrue(m.matches(), ready);
            try (HttpClient http = HttpClient.newHttpClient()) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(m.group(1))).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode());
                assertTrue(r.body().contains("libp2p_rcmgr_connections{dir=\"inbound\",scope=\"system\"} 0"), r.body());
            }
            String err = Files.readString(stderr);
            assertTrue(err.contains("warning: connection manager high watermark 50 exceeds the system limit of 10 "
                    + "inbound connections"), err);
            assertEquals(1, err.split("high watermark 50 exceeds", -1).length - 1, "the warning is printed once: " + err);
        } finally {
            p.toHandle().destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void rejectsBadOptions(@TempDir Path home) throws Exception {
        Path bad = home.resolve("bad.properties");
        Files.writeString(bad, "system.bogus = 1\n");
        String[][] cases = {
                {"--conn-low", "10", "--conn-high", "5"},
                {"--conn-high", "many"},
                {"--conn-grace", "soon"},
                {"--limits", bad.toString()},
                {"--limits", home.resolve("missing").toString()},
                {"--metrics", "nowhere"},
        };
        for (String[] c : cases) {
            List<String> argv = new ArrayList<>(List.of("daemon", "--identity", home.resolve("id.key").toString(),
                    "--listen", "/ip4/127.0.0.1/tcp/0"));
            argv.addAll(List.of(c));
            CliRunner r = CliRunner.run(argv.toArray(String[]::new));
            assertEquals(2, r.status(), String.join(" ", c) + ": " + r.err());
        }
    }
}
