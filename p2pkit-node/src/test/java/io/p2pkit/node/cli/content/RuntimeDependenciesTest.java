package io.p2pkit.node.cli.content;

import io.p2pkit.node.NodeVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code version deps}' list as the packaged command has it: p2pkit's jar names its libraries in
 * {@code Class-Path}; each is named by its {@code pom.properties}, its place in a Maven repository
 * or its file name.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RuntimeDependenciesTest {
    private static Path jar(Path file, String classPath, Map<String, String> entries) throws IOException {
        Files.createDirectories(file.getParent());
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (classPath != null) {
            m.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
        }
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, m)) {
            for (Map.Entry<String, String> e : entries.entrySet()) {
                jar.putNextEntry(new JarEntry(e.getKey()));
                jar.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                jar.closeEntry();
            }
        }
        return file;
    }

    private static Map<String, String> pom(String group, String artifact, String version) {
        return Map.of("META-INF/maven/" + group + "/" + artifact + "/pom.properties",
                "groupId=" + group + "\nartifactId=" + artifact + "\nversion=" + version + "\n");
    }

    @Test
    void thePackagedCommandsLibrariesAreListedByTheirCoordinates(@TempDir Path dir) throws Exception {
        Path lib = dir.resolve("target/lib");
        jar(lib.resolve("jetty-server-12.1.14.jar"), null, pom("org.eclipse.jetty", "jetty-server", "12.1.14"));
        jar(lib.resolve("picocli-4.7.7.jar"), null, Map.of("picocli/CommandLine.class", "x"));
        Path repo = dir.resolve("m2/repository/org/bouncycastle/bcprov-jdk18on/1.83/bcprov-jdk18on-1.83.jar");
        jar(repo, null, Map.of("org/bouncycastle/x.class", "x"));
        Path main = jar(dir.resolve("target/p2pkit-node.jar"), "lib/jetty-server-12.1.14.jar lib/picocli-4.7.7.jar",
                pom("io.p2pkit", "p2pkit-node", "0.1.0"));

        List<RuntimeDependencies.Dependency> deps = RuntimeDependencies.find(List.of(main, repo, main));
        assertEquals(List.of(RuntimeDependencies.MAIN + "@" + NodeVersion.get(), "org.bouncycastle:bcprov-jdk18on@1.83",
                        "org.eclipse.jetty:jetty-server@12.1.14", "picocli@4.7.7"),
                deps.stream().map(RuntimeDependencies.Dependency::line).toList());
        assertEquals(Map.of("Path", "picocli", "Version", "4.7.7", "ReplacedBy", "", "Sum", ""), deps.getLast().json());
    }

    @Test
    void unreadableAndUnnamedEntriesAreLeftOut(@TempDir Path dir) throws Exception {
        Path broken = Files.writeString(dir.resolve("broken-1.0.jar"), "not a zip");
        Path classes = Files.createDirectories(dir.resolve("classes/io/p2pkit"));
        assertEquals(List.of(RuntimeDependencies.MAIN),
                RuntimeDependencies.find(List.of(broken, classes.getParent().getParent(), dir.resolve("missing.jar")))
                        .stream().map(RuntimeDependencies.Dependency::path).toList());
    }
}
