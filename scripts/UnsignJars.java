import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.Locale;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Rewrites signed jars without their signatures (META-INF/*.SF, *.RSA, *.DSA, *.EC and the
 * manifest's per-entry digests), in place; unsigned jars are left as they are.
 *
 * <p>Why: the JVM's AOT cache (and CDS before it) never archives classes from signed jars, so the
 * p2pkit command's BouncyCastle classes (thousands, behind every TLS handshake and certificate)
 * would be loaded and verified from the jars at every start. Only the command's own {@code lib/}
 * copies are rewritten; Maven users of the library get the signed jars from Maven Central.
 *
 * <p>Run with the JDK's source launcher: {@code java scripts/UnsignJars.java JAR...}
 */
public final class UnsignJars {
    private UnsignJars() {
    }

    public static void main(String[] args) throws IOException {
        for (String a : args) {
            Path jar = Path.of(a);
            if (unsign(jar)) {
                System.err.println("unsign-jars: " + jar.getFileName() + " (signature removed for the AOT cache)");
            }
        }
    }

    private static boolean isSignatureFile(String name) {
        String n = name.toUpperCase(Locale.ROOT);
        return n.startsWith("META-INF/") && n.indexOf('/', 9) < 0
                && (n.endsWith(".SF") || n.endsWith(".RSA") || n.endsWith(".DSA") || n.endsWith(".EC"));
    }

    private static boolean unsign(Path jar) throws IOException {
        Path tmp = jar.resolveSibling(jar.getFileName() + ".unsigned.tmp");
        try (JarFile in = new JarFile(jar.toFile(), false)) {
            boolean signed = in.stream().anyMatch(e -> isSignatureFile(e.getName()));
            if (!signed) {
                return false;
            }
            Manifest manifest = new Manifest(in.getManifest());
            manifest.getEntries().clear(); // the per-entry digests belong to the signature
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(tmp), manifest)) {
                for (Enumeration<JarEntry> it = in.entries(); it.hasMoreElements(); ) {
                    JarEntry e = it.nextElement();
                    String name = e.getName();
                    if (name.equalsIgnoreCase(JarFile.MANIFEST_NAME) || isSignatureFile(name)) {
                        continue;
                    }
                    JarEntry copy = new JarEntry(name);
                    copy.setTime(e.getTime());
                    out.putNextEntry(copy);
                    try (InputStream body = in.getInputStream(e)) {
                        body.transferTo(out);
                    }
                    out.closeEntry();
                }
            }
        }
        // Keep the jar's time: Maven's copy step then sees it as up to date and leaves it.
        Files.setLastModifiedTime(tmp, Files.getLastModifiedTime(jar));
        Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return true;
    }
}
