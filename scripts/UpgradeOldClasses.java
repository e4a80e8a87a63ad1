import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * Rewrites, in place, the classes of a jar that are older than Java 6 (class file version below
 * 50) as Java 8 classes (version 52), with the stack map frames the newer version requires;
 * jars without such classes are left as they are.
 *
 * <p>Why: the JVM's AOT cache skips "old" classes, which need the old type-inferring verifier, so
 * picocli's (built for Java 5) were loaded and verified from the jar at every start of the p2pkit
 * command: about 60 ms of a 180 ms {@code p2pkit version} (docs/PERFORMANCE.md, "Process start
 * against Kubo"). The bytecode itself is not changed: the JDK's class-file API reads each method
 * and writes it back with computed frames. Only the command's own {@code lib/} copies are
 * rewritten; Maven users of the library get the jars from Maven Central as they are.
 *
 * <p>Run with the JDK's source launcher (JDK 24 or later): {@code java scripts/UpgradeOldClasses.java JAR...}
 */
public final class UpgradeOldClasses {
    /** Java 6: the first class file version whose methods carry stack map frames. */
    private static final int JAVA_6 = 50;
    /** Java 8: what old classes become. */
    private static final int JAVA_8 = 52;

    private UpgradeOldClasses() {
    }

    public static void main(String[] args) throws IOException {
        for (String a : args) {
            Path jar = Path.of(a);
            int n = upgrade(jar);
            if (n > 0) {
                System.err.println("upgrade-old-classes: " + jar.getFileName() + " (" + n
                        + " classes older than Java 6 rewritten for the AOT cache)");
            }
        }
    }

    private static int upgrade(Path jar) throws IOException {
        Map<String, byte[]> bodies = new LinkedHashMap<>();
        Map<String, Long> times = new LinkedHashMap<>();
        try (JarFile in = new JarFile(jar.toFile(), false)) {
            for (Enumeration<JarEntry> it = in.entries(); it.hasMoreElements(); ) {
                JarEntry e = it.nextElement();
                try (InputStream body = in.getInputStream(e)) {
                    bodies.put(e.getName(), body.readAllBytes());
                }
                times.put(e.getName(), e.getTime());
            }
        }
        // Frames need the common superclass of two types: the JDK's classes, then the jar's own.
        ClassHierarchyResolver own = ClassHierarchyResolver.ofResourceParsing(desc -> {
            String d = desc.descriptorString();
            byte[] b = bodies.get(d.substring(1, d.length() - 1) + ".class");
            return b == null ? null : new ByteArrayInputStream(b);
        });
        ClassFile files = ClassFile.of(ClassFile.StackMapsOption.GENERATE_STACK_MAPS,
                ClassFile.ClassHierarchyResolverOption.of(ClassHierarchyResolver.defaultResolver().orElse(own)));
        // Every method is written back (so it gets frames), and the class gets the new version.
        ClassTransform newVersion = (builder, element) -> {
            if (element instanceof ClassFileVersion) {
                builder.withVersion(JAVA_8, 0);
            } else {
                builder.with(element);
            }
        };
        ClassTransform upgrade = ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL).andThen(newVersion);
        int upgraded = 0;
        for (Map.Entry<String, byte[]> e : bodies.entrySet()) {
            String name = e.getKey();
            if (!name.endsWith(".class") || name.startsWith("META-INF/") || name.endsWith("module-info.class")) {
                continue;
            }
            ClassModel model = files.parse(e.getValue());
            if (model.majorVersion() < JAVA_6) {
                byte[] rewritten = files.transformClass(model, upgrade);
                List<VerifyError> errors = files.verify(rewritten);
                if (!errors.isEmpty()) {
                    // the jar stays as it was: its classes then load as before, outside the cache
                    System.err.println("upgrade-old-classes: " + jar.getFileName() + " left as it is: "
                            + name + " does not verify once rewritten: " + errors.getFirst().getMessage());
                    return 0;
                }
                e.setValue(rewritten);
                upgraded++;
            }
        }
        if (upgraded == 0) {
            return 0;
        }
        Path tmp = jar.resolveSibling(jar.getFileName() + ".upgraded.tmp");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(tmp))) {
            for (Map.Entry<String, byte[]> e : bodies.entrySet()) {
                JarEntry copy = new JarEntry(e.getKey());
                copy.setTime(times.get(e.getKey()));
                out.putNextEntry(copy);
                out.write(e.getValue());
                out.closeEntry();
            }
        }
        // Keep the jar's time: Maven's copy step then sees it as up to date and leaves it.
        Files.setLastModifiedTime(tmp, Files.getLastModifiedTime(jar));
        Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return upgraded;
    }
}
