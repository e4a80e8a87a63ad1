package io.p2pkit.node.cli;

import io.p2pkit.core.crypto.KeyType;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.multiformats.Multibase;
import io.p2pkit.node.config.SignedMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code key rename|export|import|sign|verify}: Kubo's key commands beyond gen, list and rm. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class KeyCommandTest {
    private static final Pattern SIGNATURE = Pattern.compile("\"Signature\":\"(u[A-Za-z0-9_-]+)\"");

    /** Kubo 0.40: a key file that holds no key is left out of the list (logged), not a failure of it. */
    @Test
    void aBrokenKeyFileIsLeftOutOfTheList(@TempDir Path dir) throws Exception {
        RepoFixture repo = RepoFixture.init(dir);
        repo.ok("key", "gen", "broken");
        java.util.List<Path> files;
        try (java.util.stream.Stream<Path> s = java.nio.file.Files.list(dir.resolve("keystore"))) {
            files = s.toList();
        }
        assertEquals(1, files.size());
        java.nio.file.Files.writeString(files.getFirst(), "not a key");
        repo.ok("key", "gen", "fine");
        assertEquals("self\nfine", repo.ok("key", "ls"));
    }

    @Test
    void aRenamedKeyKeepsItsIdAndRefusesToClobberWithoutForce(@TempDir Path dir) throws Exception {
        RepoFixture repo = RepoFixture.init(dir);
        String a = repo.ok("key", "gen", "a");
        String b = repo.ok("key", "gen", "b");
        assertEquals("Key " + a + " renamed to c", repo.ok("key", "rename", "a", "c"));
        assertEquals("self\nb\nc", repo.ok("key", "ls"));
        CliRunner taken = repo.run("key", "rename", "c", "b");
        assertEquals(1, taken.status());
        assertTrue(taken.err().contains("already exists, refusing to overwrite"), taken.err());
        assertEquals("self\nb\nc", repo.ok("key", "list"), "nothing moved");
        assertEquals("{\"Was\":\"c\",\"Now\":\"b\",\"Id\":\"" + a + "\",\"Overwrite\":true}",
                repo.ok("key", "rename", "--force", "--json", "c", "b"));
        assertTrue(repo.ok("key", "list", "-l").lines().anyMatch(l -> l.equals(a + " b")), "b is now a's key");
        assertFalse(repo.ok("key", "list", "-l").contains(b));
        assertEquals(1, repo.run("key", "rename", "self", "x").status());
        assertEquals(1, repo.run("key", "rename", "b", "self").status());
        assertEquals(1, repo.run("key", "rename", "missing", "x").status());
    }

    @Test
    void rotateKeepsTheOldIdentityInTheKeystoreAndRefusesWhileTheRepositoryIsInUse(@TempDir Path dir) throws Exception {
        RepoFixture repo = RepoFixture.init(dir);
        String before = self(repo.ok("key", "list", "-l"));
        CliRunner unnamed = repo.run("key", "rotate");
        assertFalse(unnamed.status() == 0);
        assertTrue(unnamed.err().contains("keystore name for backing up old key must be provided"), unnamed.err());

        String out = repo.ok("key", "rotate", "-o", "old");
        Matcher m = Pattern.compile("generating ED25519 keypair\\.\\.\\.done\npeer identity: (12D3Koo\\w+)").matcher(out);
        assertTrue(m.matches(), out);
        String after = self(repo.ok("key", "list", "-l"));
        assertFalse(after.equals(before), "a new identity");
        assertEquals(io.p2pkit.core.identity.PeerId.parse(m.group(1)).toString(Multibase.Encoding.BASE36), after, "the peer identity printed is the one now in use");
        assertTrue(repo.ok("key", "list", "-l").contains(before + " old"), "the old identity kept as 'old'");

        CliRunner taken = repo.run("key", "rotate", "-o", "old", "-t", "secp256k1");
        assertEquals(1, taken.status());
        assertTrue(taken.err().contains("already exists, refusing to overwrite"), taken.err());
        assertEquals(after, self(repo.ok("key", "list", "-l")), "nothing changed");

        try (var open = io.p2pkit.ipfs.repo.Repository.open(dir, io.p2pkit.ipfs.repo.OpenOptions.of(io.p2pkit.ipfs.codec.Codecs.standard()))) {
            CliRunner busy = repo.run("key", "rotate", "-o", "older");
            assertEquals(1, busy.status());
            assertTrue(busy.err().contains("is in use by"), busy.err());
        }
        assertEquals(after, self(repo.ok("key", "list", "-l")), "nothing changed while in use");
        assertTrue(repo.ok("key", "rotate", "-o", "older", "-t", "rsa", "-s", "2048").startsWith("generating 2048-bit RSA keypair...done"));
    }

    /** The ID on the 'self' line of 'key list -l'. */
    private static String self(String list) {
        return list.lines().filter(l -> l.endsWith(" self")).findFirst().orElseThrow().split(" ")[0];
    }

    @Test
    void keysExportAndImportInBothFormats(@TempDir Path dir, @TempDir Path work) throws Exception {
        RepoFixture repo = RepoFixture.init(dir);
        for (String type : new String[]{"ed25519", "rsa"}) {
            String id = repo.ok("key", "gen", "-t", type, type);
            for (String format : new String[]{"libp2p-protobuf-cleartext", "pem-pkcs8-cleartext"}) {
                Path file = work.resolve(type + "." + format);
                repo.ok("key", "export", "-f", format, "-o", file.toString(), type);
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
                assertEquals(id, repo.ok("key", "import", "-f", format, type + "-" + format, file.toString()),
                        type + " through " + format);
            }
            String pem = Files.readString(work.resolve(type + ".pem-pkcs8-cleartext"));
            assertTrue(pem.startsWith("-----BEGIN PRIVATE KEY-----\n") && pem.endsWith("-----END PRIVATE KEY-----\n"), pem);
            assertTrue(pem.lines().allMatch(l -> l.length() <= 64), "64-column PEM lines, as go writes");
        }
        // secp256k1 in PKCS#8 as Kubo 0.43 writes it (0.39 refused): the EC algorithm naming the curve, the key
        // without it; imported only when asked (Kubo 0.39's rule, which the interop suite compares)
        String secp = repo.ok("key", "gen", "-t", "secp256k1", "secp");
        Path secpPem = work.resolve("secp.pem");
        repo.ok("key", "export", "-f", "pem-pkcs8-cleartext", "-o", secpPem.toString(), "secp");
        String pemText = Files.readString(secpPem);
        byte[] der = java.util.Base64.getMimeDecoder().decode(pemText.replaceAll("-----[A-Z ]+-----", ""));
        String hex = java.util.HexFormat.of().formatHex(der);
        assertTrue(hex.contains("06072a8648ce3d0201" + "06052b8104000a"), "id-ecPublicKey, then secp256k1: " + hex);
        assertEquals(1, hex.split("06052b8104000a", -1).length - 1, "the curve named once, in the algorithm");
        CliRunner pemRefused = repo.run("key", "import", "-f", "pem-pkcs8-cleartext", "secp-pem", secpPem.toString());
        assertEquals(1, pemRefused.status());
        assertEquals(secp, repo.ok("key", "import", "--allow-any-key-type", "-f", "pem-pkcs8-cleartext", "secp-pem",
                secpPem.toString()));
        Path secpFile = work.resolve("secp.key");
        repo.ok("key", "export", "-o", secpFile.toString(), "secp");
        CliRunner refused = repo.run("key", "import", "secp-again", secpFile.toString());
        assertEquals(1, refused.status());
        assertTrue(refused.err().contains("key type *crypto.Secp256k1PrivateKey is not allowed to be imported, only RSA "
                + "or Ed25519; use flag --allow-any-key-type if you are sure of what you're doing"), refused.err());
        assertEquals(secp, repo.ok("key", "import", "--allow-any-key-type", "secp-again", secpFile.toString()));
        CliRunner badFormat = repo.run("key", "export", "-f", "PEM-pkcs8-cleartext", "ed25519");
        assertEquals(2, badFormat.status());
        assertTrue(badFormat.err().contains("unrecognized export format: PEM-pkcs8-cleartext"), badFormat.err());
        CliRunner self = repo.run("key", "export", "self");
        assertEquals(1, self.status());
        assertTrue(self.err().contains("cannot export key with name 'self'"), self.err());
        assertEquals(1, repo.run("key", "export", "nobody").status());
        CliRunner taken = repo.run("key", "import", "rsa", work.resolve("rsa.libp2p-protobuf-cleartext").toString());
        assertTrue(taken.err().contains("key with name 'rsa' already exists"), taken.err());
    }

    @Test
    void importReadsOpensslPemAndExplainsTheWrongFormat(@TempDir Path dir, @TempDir Path work) throws Exception {
        RepoFixture repo = RepoFixture.init(dir);
        // What 'openssl genpkey -algorithm ED25519' writes: PKCS#8 in PEM, here from the JDK.
        KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
        byte[] der = g.generateKeyPair().getPrivate().getEncoded();
        Path pem = Files.writeString(work.resolve("ed.pem"), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(der) + "\n-----END PRIVATE KEY-----\n");
        String expected = PrivateKey.fromPkcs8(der).publicKey().toPeerId().toString(Multibase.Encoding.BASE36);
        assertEquals(expected, repo.ok("key", "import", "--format=pem-pkcs8-cleartext", "openssl", pem.toString()));

        CliRunner asProtobuf = repo.run("key", "import", "other", pem.toString());
        assertEquals(1, asProtobuf.status());
        assertTrue(asProtobuf.err().contains("try again with format=pem-pkcs8-cleartext"), asProtobuf.err());
        Path junk = Files.write(work.resolve("junk"), new byte[]{8, 1, 18, 3, 1, 2, 3});
        assertTrue(repo.run("key", "import", "junk", junk.toString()).err().contains("unable to unmarshall format=libp2p-protobuf-cleartext: "));
        Path cert = Files.writeString(work.resolve("cert.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        assertTrue(repo.run("key", "import", "-f", "pem-pkcs8-cleartext", "cert", cert.toString()).err()
                .contains("expected PRIVATE KEY type in PEM block but got: CERTIFICATE"));
        CliRunner unknownFormat = repo.run("key", "import", "-f", "der", "x", pem.toString());
        assertEquals(2, unknownFormat.status(), "unknown format");
        assertTrue(unknownFormat.err().contains("unrecognized import format: der"), unknownFormat.err());

        Path ecdsa = Files.write(work.resolve("ec.key"), PrivateKey.generate(KeyType.ECDSA).marshal());
        CliRunner refused = repo.run("key", "import", "ec", ecdsa.toString());
        assertTrue(refused.err().contains("key type *crypto.ECDSAPrivateKey is not allowed to be imported, only RSA or "
                + "Ed25519; use flag --allow-any-key-type if you are sure of what you're doing"), refused.err());
        repo.ok("key", "import", "--allow-any-key-type", "ec", ecdsa.toString());
        assertEquals("self\nec\nopenssl", repo.ok("key", "list"));
    }

    @Test
    void signaturesVerifyByNameOrIdAndOnlyForTheirData(@TempDir Path dir, @TempDir Path work) throws Exception {
        RepoFixture repo = RepoFixture.init(dir);
        String id = repo.ok("key", "gen", "signer");
        Path data = Files.writeString(work.resolve("data"), "I own this name");
        String signed = repo.ok("key", "sign", "--key", "signer", data.toString());
        assertTrue(signed.startsWith("{\"Key\":{\"Name\":\"signer\",\"Id\":\"" + id + "\"},\"Signature\":\"u"), signed);
        Matcher m = SIGNATURE.matcher(signed);
        assertTrue(m.find());
        String sig = m.group(1);
        String stdinSigned = repo.runWithInput("I own this name", "key", "sign", "-k", "signer").out().strip();
        assertEquals(signed, stdinSigned, "Ed25519 signatures are deterministic; stdin is the same data");

        assertEquals("{\"Key\":{\"Name\":\"signer\",\"Id\":\"" + id + "\"},\"SignatureValid\":true}",
                repo.ok("key", "verify", "-k", "signer", "-s", sig, data.toString()));
        assertEquals("{\"Key\":{\"Name\":\"\",\"Id\":\"" + id + "\"},\"SignatureValid\":true}",
                repo.ok("key", "verify", "-k", id, "-s", sig, data.toString()), "by its IPNS name alone");
        assertTrue(repo.runWithInput("I own this game", "key", "verify", "-k", "signer", "-s", sig).out()
                .contains("\"SignatureValid\":false"));
        assertTrue(repo.ok("key", "verify", "-s", sig, data.toString()).contains("\"SignatureValid\":false"),
                "self did not sign it");
        assertTrue(repo.run("key", "verify", "-k", "nobody", "-s", sig, data.toString()).err()
                .contains("is not a known key, an IPNS Name, or a valid PeerID"));
        assertEquals(2, repo.run("key", "verify", "-k", "signer", "-s", "!!", data.toString()).status());

        // The prefix is what is signed: the bare data's signature is a different one.
        PrivateKey key = io.p2pkit.node.config.IdentityFile.read(dir.resolve("keystore").resolve("key_onuwo3tfoi"));
        assertArrayEquals(SignedMessage.sign(key, "I own this name".getBytes(StandardCharsets.UTF_8)),
                Multibase.decode(sig));
        assertFalse(java.util.Arrays.equals(key.sign("I own this name".getBytes(StandardCharsets.UTF_8)), Multibase.decode(sig)));
    }
}
