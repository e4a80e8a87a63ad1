package io.p2pkit.testing;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rules of the repository that the compiler cannot check, checked on every build (so in CI).
 */
class SourceRulesTest {
    private static final Pattern SYNCHRONIZED = Pattern.compile("\\bsynchronized\\b");
    /** {@code new Foo[1]}: a one-element array used to pass a value between a callback and its caller. */
    private static final Pattern HOLDER_ARRAY = Pattern.compile("new [A-Z]\\w*(<[^>]*>)?\\[1]");
    /** {@code catch (IOException ignored)}: an exception dropped without a word. */
    private static final Pattern IGNORED_CATCH = Pattern.compile("catch \\([^)]*\\bignored\\)");
    // Split so that this line does not match itself.
    private static final Pattern ASSUMPTION = Pattern.compile("\\bAssump" + "tions\\b|\\bassu" + "me(True|False|That)\\s*\\(");

    private static Path root() {
        Path p = Path.of(System.getProperty("p2pkit.root", "..")).toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(p.resolve("pom.xml")) && Files.isDirectory(p.resolve("p2pkit-core")),
                "not the repository root: " + p);
        return p;
    }

    /** Java files under every module's {@code src/<kind>/java}. */
    private static List<Path> sources(String kind) {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> modules = Files.list(root())) {
            for (Path m : modules.filter(d -> d.getFileName().toString().startsWith("p2pkit-")).toList()) {
                Path src = m.resolve("src").resolve(kind).resolve("java");
                if (Files.isDirectory(src)) {
                    try (Stream<Path> files = Files.walk(src)) {
                        files.filter(f -> f.toString().endsWith(".java")).forEach(out::add);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The lines of {@code file} matching {@code p} outside comments, as {@code path:line: text}. */
    private static List<String> matches(Path file, Pattern p) {
        List<String> out = new ArrayList<>();
        try {
            List<String> lines = Files.readAllLines(file);
            boolean inComment = false;
            for (int i = 0; i < lines.size(); i++) {
                String code = lines.get(i);
                String trimmed = code.strip();
                if (inComment) {
                    inComment = !trimmed.contains("*/");
                    continue;
                }
                if (trimmed.startsWith("/*")) {
                    inComment = !trimmed.contains("*/");
                    continue;
                }
                if (trimmed.startsWith("*") || trimmed.startsWith("//")) {
                    continue;
                }
                int slash = code.indexOf("//");
                if (slash >= 0) {
                    code = code.substring(0, slash);
                }
                if (p.matcher(code).find()) {
                    out.add(root().relativize(file) + ":" + (i + 1) + ": " + trimmed);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    @Test
    void noSynchronizedInMainCode() {
        // A virtual thread blocked inside synchronized pins its carrier on JDK 21: ReentrantLock instead.
        List<String> found = sources("main").stream().flatMap(f -> matches(f, SYNCHRONIZED).stream()).toList();
        assertEquals(List.of(), found, "synchronized in main code");
    }

    @Test
    void noHolderArraysInMainCode() {
        // A holder array hides who sets a value and when: pass the value, use a field or a future.
        List<String> found = sources("main").stream().flatMap(f -> matches(f, HOLDER_ARRAY).stream()).toList();
        assertEquals(List.of(), found, "one-element holder arrays in main code");
    }

    @Test
    void noSilentlyIgnoredExceptionsInMainCode() {
        // Log a dropped exception at DEBUG with the reason (or let it fail where it hides a bug).
        List<String> found = sources("main").stream().flatMap(f -> matches(f, IGNORED_CATCH).stream()).toList();
        assertEquals(List.of(), found, "exceptions caught as 'ignored' in main code");
    }

    @Test
    void testsSkipOnlyThroughPrerequisites() {
        // A JUnit assumption skips silently, also under CI; Prerequisites fails there instead.
        List<String> found = sources("test").stream().flatMap(f -> matches(f, ASSUMPTION).stream()).toList();
        assertEquals(List.of(), found, "tests that skip through JUnit assumptions instead of Prerequisites");
    }

    @Test
    void scriptsNeverSkipBuildingTests() throws IOException {
        // -Dmaven.test.skip also skips building what other modules' tests need: a fresh clone fails.
        List<Path> scripts = new ArrayList<>(List.of(root().resolve("p2pkit"), root().resolve(".ci/run")));
        try (Stream<Path> s = Files.list(root().resolve("scripts"))) {
            s.forEach(scripts::add);
        }
        List<String> found = new ArrayList<>();
        for (Path script : scripts) {
            if (Files.readString(script).contains("maven.test.skip")) {
                found.add(root().relativize(script).toString());
            }
        }
        assertEquals(List.of(), found, "scripts building with maven.test.skip");
    }
}
