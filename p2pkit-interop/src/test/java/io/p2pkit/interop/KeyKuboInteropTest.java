package io.p2pkit.interop;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keys move between Kubo 0.39's {@code ipfs key} and {@code p2pkit key} on the command line, each on
 * its own repository: a key exported by one imports into the other with the same IPNS name, the
 * exported files are the same bytes in both formats, and signatures made by one verify in the other
 * (and are the same bytes: Ed25519 and secp256k1 signatures are deterministic in both).
 */
@InteropArea("IPNS keys against Kubo 0.39")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class KeyKuboInteropTest {
    private static final Pattern SIGNATURE = Pattern.compile("\"Signature\":\"([^\"]+)\"");
    @TempDir
    static Path dir;
    private static KuboCli kubo;
    private static Path repo;

    @BeforeAll
    static void start() throws IOException {
        kubo = KuboCli.fresh(Toolchains.requireKubo());
        repo = dir.resolve("p2pkit-repo");
        p2pkit("init", "--repo-dir", repo.toString(), "--profile", "test");
    }

    @AfterAll
    static void stop() {
        if (kubo != null) {
            kubo.delete();
        }
    }

    private static String p2pkit(String... argv) {
        return P2pkitCli.ok(argv);
    }

    private static String mine(String... argv) {
        String[] all = java.util.Arrays.copyOf(argv, argv.length + 1);
        all[argv.length] = "--repo-dir=" + repo;
        return p2pkit(all);
    }

    private static String kubo(String... args) throws IOException {
        return kubo.run(List.of(args)).strip();
    }

    // Kubo 0.39 makes Ed25519 and RSA keys only ('unrecognized key type: secp256k1')
    @ParameterizedTest(name = "a Kubo {0} key imports into p2pkit and exports as the same bytes")
    @ValueSource(strings = {"ed25519", "rsa"})
    void aKuboKeyImportsIntoP2pkitAndExportsAsTheSameBytes(String type) throws IOException {
        String name = "from-kubo-" + type;
        String id = kubo("key", "gen", "-t", type, name);
        for (String format : List.of("libp2p-protobuf-cleartext", "pem-pkcs8-cleartext")) {
            Path theirs = dir.resolve(name + "." + format + ".kubo");
            Path ours = dir.resolve(name + "." + format + ".p2pkit");
            kubo("key", "export", "--format=" + format, "-o", theirs.toString(), name);
            String local = name + "-" + format;
            assertEquals(id, mine("key", "import", "--format=" + format, local, theirs.toString()), format);
            mine("key", "export", "--format=" + format, "-o", ours.toString(), local);
            assertArrayEquals(Files.readAllBytes(theirs), Files.readAllBytes(ours), type + " exported as " + format);
        }
    }

    @ParameterizedTest(name = "a p2pkit {0} key imports into Kubo with the same name")
    @ValueSource(strings = {"ed25519", "secp256k1", "rsa"})
    void aP2pkitKeyImportsIntoKuboWithTheSameName(String type) throws IOException {
        String name = "from-p2pkit-" + type;
        String id = mine("key", "gen", "-t", type, name);
        Path pem = dir.resolve(name + ".pem");
        Path key = dir.resolve(name + ".key");
        mine("key", "export", "-o", key.toString(), name);
        assertEquals(id, kubo("key", "import", "--allow-any-key-type", name + "-key", key.toString())); // secp256k1 in 0.39
        Path back = dir.resolve(name + ".back");
        kubo("key", "export", "-o", back.toString(), name + "-key");
        assertArrayEquals(Files.readAllBytes(key), Files.readAllBytes(back), "Kubo exports the same bytes");
        if (!type.equals("secp256k1")) { // Kubo 0.39's PKCS#8 reader knows no secp256k1 ('unknown elliptic curve')
            mine("key", "export", "-f", "pem-pkcs8-cleartext", "-o", pem.toString(), name);
            assertEquals(id, kubo("key", "import", "-f", "pem-pkcs8-cleartext", name + "-pem", pem.toString()));
        }
    }

    @ParameterizedTest(name = "{0} signatures are the same bytes and verify across")
    @ValueSource(strings = {"ed25519", "secp256k1"})
    void signaturesAreTheSameBytesAndVerifyAcross(String type) throws IOException {
        String name = "signer-" + type;
        mine("key", "gen", "-t", type, name);
        Path file = dir.resolve(name + ".key");
        mine("key", "export", "-o", file.toString(), name);
        kubo("key", "import", "--allow-any-key-type", name, file.toString()); // secp256k1 needs it in Kubo 0.39
        Path data = Files.writeString(dir.resolve("data-" + type), "this name is mine\n");

        String theirs = kubo("key", "sign", "--key=" + name, data.toString());
        String ours = mine("key", "sign", "--key=" + name, data.toString());
        assertEquals(theirs, ours, "ipfs key sign and p2pkit key sign print the same");
        Matcher m = SIGNATURE.matcher(ours);
        assertTrue(m.find(), ours);
        String sig = m.group(1);
        assertEquals(kubo("key", "verify", "--key=" + name, "--signature=" + sig, data.toString()),
                mine("key", "verify", "--key=" + name, "--signature=" + sig, data.toString()));
        assertTrue(kubo("key", "verify", "--key=" + name, "--signature=" + sig, data.toString())
                .contains("\"SignatureValid\":true"));
        Path other = Files.writeString(dir.resolve("other-" + type), "this name is yours\n");
        assertEquals(kubo("key", "verify", "--key=" + name, "--signature=" + sig, other.toString()),
                mine("key", "verify", "--key=" + name, "--signature=" + sig, other.toString()));
    }

    @Test
    void renameAndErrorsReadAsKubos() throws IOException {
        String id = kubo("key", "gen", "renamed-by-kubo");
        Path file = dir.resolve("renamed.key");
        kubo("key", "export", "-o", file.toString(), "renamed-by-kubo");
        mine("key", "import", "renamed-by-kubo", file.toString());
        assertEquals(kubo("key", "rename", "renamed-by-kubo", "renamed"), mine("key", "rename", "renamed-by-kubo", "renamed"));
        assertTrue(mine("key", "list", "-l").contains(id + " renamed"));
        assertEquals(kubo.outcome(List.of("key", "export", "self")).replace("Error: ", ""),
                errorOf("key", "export", "self", "--repo-dir=" + repo));
    }

    private static String errorOf(String... argv) {
        P2pkitCli.Result r = P2pkitCli.run(List.of(argv));
        assertTrue(r.status() != 0);
        String e = r.err().strip();
        return e.substring(e.indexOf("error: ") + "error: ".length());
    }
}
