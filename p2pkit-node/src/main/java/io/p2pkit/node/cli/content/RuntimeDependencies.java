package io.p2pkit.node.cli.content;

import io.p2pkit.node.NodeVersion;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What this JVM runs p2pkit with, as Kubo's {@code ipfs version deps} lists Go modules: p2pkit
 * itself, then every library on the class path and module path, by its Maven coordinates
 * ({@code groupId:artifactId}) and version. The packaged command has its libraries in
 * {@code lib/}, named by the jar's {@code Class-Path}; each jar's {@code META-INF/maven/…/pom.properties}
 * names it, or else its place in a Maven repository, or else its file name. Class directories
 * without such metadata (a development build's modules) are left out.
 */
public final class RuntimeDependencies {
    /** p2pkit's own coordinates, listed first as Kubo lists its main module. */
    public static final String MAIN = "io.p2pkit:p2pkit-node";

    private static final Pattern POM_PROPERTIES = Pattern.compile("META-INF/maven/[^/]+/[^/]+/pom\\.properties");
    private static final Pattern VERSIONED_NAME = Pattern.compile("(.+?)-(\\d[^/]*)\\.jar");
    private static final int MAX_ENTRIES = 10_000;

    private static volatile List<Dependency> cached;

    private RuntimeDependencies() {
    }

    /**
     * One library, in Kubo's shape.
     *
     * @param path       {@code groupId:artifactId} (the artifact alone when the group is not known)
     * @param version    its version
     * @param replacedBy always empty: Maven has no module replacement
     * @param sum        always empty: the jars are not hashed
     */
    public record Dependency(String path, String version, String replacedBy, String sum) {
        /** Kubo's {@code {"Path","Version","ReplacedBy","Sum"}}. */
        public java.util.Map<String, Object> json() {
            java.util.Map<String, Object> o = new java.util.LinkedHashMap<>();
            o.put("Path", path);
            o.put("Version", version);
            o.put("ReplacedBy", replacedBy);
            o.put("Sum", sum);
            return o;
        }

        /** Kubo's text line: {@code path@version}. */
        public String line() {
            return path + "@" + version;
        }
    }

    /** p2pkit, then its libraries sorted by coordinates (read once: the class path does not change). */
    public static List<Dependency> list() {
        List<Dependency> d = cached;
        if (d == null) {
            d = find(Stream.of("java.class.path", "jdk.module.path").map(System::getProperty)
                    .filter(p -> p != null && !p.isEmpty())
                    .flatMap(p -> Stream.of(p.split(File.pathSeparator))).map(Path::of).toList());
            cached = d;
        }
        return d;
    }

    /** The list for these class path entries (jars, directories of jars, class directories). */
    static List<Dependency> find(List<Path> entries) {
        TreeMap<String, Dependency> found = new TreeMap<>();
        Deque<Path> todo = new ArrayDeque<>(entries);
        Set<Path> seen = new HashSet<>();
        while (!todo.isEmpty() && seen.size() < MAX_ENTRIES) {
            Path p = todo.poll().toAbsolutePath().normalize();
            if (!seen.add(p)) {
                continue;
            }
            try {
                if (Files.isDirectory(p)) {
                    directory(p, todo, found);
                } else if (p.getFileName() != null && p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p)) {
                    jar(p, todo, found);
                }
            } catch (IOException | RuntimeException e) {
                // an unreadable entry is left out: the list is for information
                System.getLogger(RuntimeDependencies.class.getName()).log(System.Logger.Level.DEBUG, "reading " + p, e);
            }
        }
        found.remove(MAIN);
        List<Dependency> out = new ArrayList<>();
        out.add(new Dependency(MAIN, NodeVersion.get(), "", ""));
        out.addAll(found.values());
        return List.copyOf(out);
    }

    /** A class directory's Maven metadata, or the jars in a module path directory. */
    private static void directory(Path dir, Deque<Path> todo, TreeMap<String, Dependency> found) throws IOException {
        Path maven = dir.resolve("META-INF/maven");
        if (Files.isDirectory(maven)) {
            try (Stream<Path> s = Files.find(maven, 3, (f, a) -> f.getFileName().toString().equals("pom.properties"))) {
                for (Path f : s.toList()) {
                    try (InputStream in = Files.newInputStream(f)) {
                        add(found, in);
                    }
                }
            }
            return;
        }
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().forEach(todo::add);
        }
    }

    private static void jar(Path file, Deque<Path> todo, TreeMap<String, Dependency> found) throws IOException {
        boolean named = false;
        try (JarFile jar = new JarFile(file.toFile())) {
            for (var e : (Iterable<java.util.jar.JarEntry>) jar.stream()::iterator) {
                if (POM_PROPERTIES.matcher(e.getName()).matches()) {
                    try (InputStream in = jar.getInputStream(e)) {
                        named |= add(found, in);
                    }
                }
            }
            var manifest = jar.getManifest();
            String classPath = manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
            if (classPath != null) {
                for (String entry : classPath.trim().split("\\s+")) {
                    todo.add(file.resolveSibling(java.net.URLDecoder.decode(entry, java.nio.charset.StandardCharsets.UTF_8)));
                }
            }
        }
        if (!named) {
            fromFileName(file).ifPresent(d -> found.putIfAbsent(d.path(), d));
        }
    }

    private static boolean add(TreeMap<String, Dependency> found, InputStream pomProperties) throws IOException {
        Properties p = new Properties();
        p.load(pomProperties);
        String group = p.getProperty("groupId");
        String artifact = p.getProperty("artifactId");
        String version = p.getProperty("version");
        if (group == null || artifact == null || version == null) {
            return false;
        }
        found.putIfAbsent(group + ":" + artifact, new Dependency(group + ":" + artifact, version, "", ""));
        return true;
    }

    /**
     * A jar without metadata: {@code <artifact>-<version>.jar}, with its group when it sits in a
     * Maven repository ({@code …/repository/org/example/<artifact>/<version>/}).
     */
    static java.util.Optional<Dependency> fromFileName(Path file) {
        Matcher m = VERSIONED_NAME.matcher(file.getFileName().toString());
        if (!m.matches()) {
            return java.util.Optional.empty();
        }
        String artifact = m.group(1);
        String version = m.group(2);
        Path versionDir = file.getParent();
        Path artifactDir = versionDir == null ? null : versionDir.getParent();
        String path = artifact;
        if (artifactDir != null && versionDir.getFileName().toString().equals(version)
                && artifactDir.getFileName().toString().equals(artifact)) {
            List<String> group = new ArrayList<>();
            for (Path up = artifactDir.getParent(); up != null && up.getFileName() != null; up = up.getParent()) {
                if (up.getFileName().toString().equals("repository")) {
                    path = group.isEmpty() ? artifact : String.join(".", group.reversed()) + ":" + artifact;
                    break;
                }
                group.add(up.getFileName().toString());
            }
        }
        return java.util.Optional.of(new Dependency(path, version, "", ""));
    }
}
