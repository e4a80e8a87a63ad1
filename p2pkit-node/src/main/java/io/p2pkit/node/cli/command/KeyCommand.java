package io.p2pkit.node.cli.command;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.crypto.KeyType;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.crypto.PublicKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiformats.Multibase;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.CommandFailedException;
import io.p2pkit.node.cli.Console;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.cli.content.InputData;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.RepoOption;
import io.p2pkit.node.config.KeyFormat;
import io.p2pkit.node.config.Keystore;
import io.p2pkit.node.config.SignedMessage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code p2pkit key}: the named keys IPNS names are made from, Kubo's {@code ipfs key}. */
@Command(name = "key", description = {
        "Make, list, rename, import, export and remove the keys IPNS names are published with, and sign with them.",
        "",
        "Keys live in the repository's keystore/ directory ($P2PKIT_HOME or --repo-dir), one file per key as Kubo "
                + "keeps them. 'self' is the node's identity key. A key's ID (its IPNS name) is printed as a base36 "
                + "CIDv1 (k51…), as Kubo prints it.",
        ""},
        subcommands = {KeyCommand.Gen.class, KeyCommand.ListKeys.class, KeyCommand.Rm.class, KeyCommand.Rename.class,
                KeyCommand.Export.class, KeyCommand.Import.class, KeyCommand.Sign.class, KeyCommand.Verify.class,
                KeyCommand.Rotate.class})
public final class KeyCommand extends CliCommand {
    /** The most data {@code key sign} and {@code key verify} read. */
    static final int MAX_SIGNED_BYTES = 64 << 20;

    @Override
    public int run() {
        throw new UsageException("missing subcommand: gen, list, rm, rename, export, import, sign, verify or rotate");
    }

    static Keystore keystore(RepoOption repo) {
        return new Keystore(repo.root(), repo.root().resolve("identity.key"));
    }

    static String id(Keystore.Entry e) {
        return e.id().toString(Multibase.Encoding.BASE36);
    }

    /** {"Name","Id"} in that order, as Kubo prints a key. */
    static Map<String, Object> entry(Keystore.Entry e) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("Name", e.name());
        o.put("Id", id(e));
        return o;
    }

    @Command(name = "gen", description = {"Make a new key.", "", "Prints its ID.", ""},
            footer = {"", "With --json: {\"Name\":…,\"Id\":…}"})
    static final class Gen extends CliCommand {
        @Parameters(paramLabel = "NAME", description = "the key's name")
        String name;

        @Option(names = {"-t", "--type"}, paramLabel = "TYPE", description = "ed25519 (default), secp256k1, ecdsa or rsa")
        String type = "ed25519";

        @Mixin
        RepoOption repo;

        @Mixin
        JsonOption output;

        @Override
        protected int run() throws Exception {
            KeyType t = InitCommand.keyType(type);
            Keystore.Entry e;
            try {
                e = keystore(repo).generate(name, t);
            } catch (IllegalArgumentException ex) {
                throw new UsageException(ex.getMessage());
            } catch (FileAlreadyExistsException ex) {
                throw new CommandFailedException("key with name '" + name + "' already exists");
            }
            output.print(console(), entry(e), id(e));
            return 0;
        }
    }

    @Command(name = "list", aliases = "ls", description = {"List the keys.", ""},
            footer = {"", "With --json: {\"Keys\":[{\"Name\":…,\"Id\":…}…]}"})
    static final class ListKeys extends CliCommand {
        @Option(names = "-l", description = "show each key's ID before its name")
        boolean ids;

        @Mixin
        RepoOption repo;

        @Mixin
        JsonOption output;

        @Override
        protected int run() throws Exception {
            List<Map<String, Object>> keys = new ArrayList<>();
            StringBuilder text = new StringBuilder();
            for (Keystore.Entry e : keystore(repo).list()) {
                keys.add(entry(e));
                text.append(ids ? id(e) + " " + e.name() : e.name()).append('\n');
            }
            output.print(console(), Map.of("Keys", keys), text.toString().stripTrailing());
            return 0;
        }
    }

    @Command(name = "rm", description = {"Remove keys.", "", "Prints the names removed.", ""},
            footer = {"", "With --json: {\"Keys\":[{\"Name\":…,\"Id\":…}…]}"})
    static final class Rm extends CliCommand {
        @Parameters(paramLabel = "NAME", arity = "1..*", description = "the keys to remove")
        List<String> names;

        @Mixin
        RepoOption repo;

        @Mixin
        JsonOption output;

        @Override
        protected int run() throws Exception {
            Keystore ks = keystore(repo);
            List<Map<String, Object>> keys = new ArrayList<>();
            StringBuilder text = new StringBuilder();
            for (String n : names) {
                Keystore.Entry e;
                try {
                    e = ks.remove(n).orElseThrow(() -> new CommandFailedException("no key named '" + n + "'"));
                } catch (IllegalArgumentException ex) {
                    throw new UsageException(ex.getMessage());
                }
                keys.add(entry(e));
                text.append(e.name()).append('\n');
            }
            output.print(console(), Map.of("Keys", keys), text.toString().stripTrailing());
            return 0;
        }
    }

    @Command(name = "rename", description = {"Give a key a new name.", "",
            "Its ID (the IPNS name) stays: the key is the same.", ""},
            footer = {"", "With --json: {\"Was\":…,\"Now\":…,\"Id\":…,\"Overwrite\":…}"})
    static final class Rename extends CliCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "the key's name")
        String name;

        @Parameters(index = "1", paramLabel = "NEW-NAME", description = "its new name")
        String newName;

        @Option(names = {"-f", "--force"}, description = "replace a key that already has the new name")
        boolean force;

        @Mixin
        RepoOption repo;

        @Mixin
        JsonOption output;

        @Override
        protected int run() throws Exception {
            Keystore.Renamed r;
            try {
                r = keystore(repo).rename(name, newName, force);
            } catch (IllegalArgumentException e) {
                throw new CommandFailedException(e.getMessage());
            }
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("Was", name);
            o.put("Now", newName);
            o.put("Id", id(r.key()));
            o.put("Overwrite", r.overwritten());
            output.print(console(), o, "Key " + id(r.key()) + " renamed to " + newName
                    + (r.overwritten() ? " with overwriting" : ""));
            return 0;
        }
    }

    @Command(name = "export", description = {"Write a key to a file.", "",
            "The file is NAME.key (libp2p-protobuf-cleartext, the default) or NAME.pem (pem-pkcs8-cleartext, "
                    + "for OpenSSL and other tools) in the current directory, or --output; only its owner can read it. "
                    + "Kubo's 'ipfs key import' reads both. The node's own key (self) is not exported.", ""},
            footer = {"", "Prints nothing; with --json: {\"Name\":…,\"Path\":…}"})
    static final class Export extends CliCommand {
        @Parameters(paramLabel = "NAME", description = "the key's name")
        String name;

        @Option(names = {"-o", "--output"}, paramLabel = "PATH", description = "where to write it")
        Path out;

        @Option(names = {"-f", "--format"}, paramLabel = "FORMAT",
                description = "libp2p-protobuf-cleartext (default) or pem-pkcs8-cleartext")
        String format = KeyFormat.LIBP2P_PROTOBUF_CLEARTEXT.option();

        @Mixin
        RepoOption repo;

        @Mixin
        JsonOption output;

        @Override
        protected int run() throws Exception {
            if (name.equals(Keystore.SELF)) {
                throw new CommandFailedException("cannot export key with name 'self'");
            }
            KeyFormat f = format(format, KeyFormat::forExport);
            PrivateKey key;
            try {
                key = keystore(repo).get(name).orElseThrow(
                        () -> new CommandFailedException("key with name '" + name + "' doesn't exist"));
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            byte[] encoded;
            try {
                encoded = f.encode(key);
            } catch (IllegalArgumentException e) { // a secp256k1 key has no PKCS#8 form Kubo reads
                throw new CommandFailedException(e.getMessage());
            }
            Path file = out != null ? out : Path.of(name + "." + f.extension());
            writePrivate(file, encoded);
            if (output.json()) { // the text form prints nothing, as Kubo's
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("Name", name);
                o.put("Path", file.toAbsolutePath().toString());
                console().json(o);
            }
            return 0;
        }

        /** Writes the file readable by its owner only, as Kubo does, replacing what was there. */
        private static void writePrivate(Path file, byte[] bytes) throws IOException {
            Files.deleteIfExists(file);
            boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
            try (OutputStream o = posix
                    ? Files.newOutputStream(Files.createFile(file,
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))))
                    : Files.newOutputStream(file)) {
                o.write(bytes);
            }
        }
    }

    @Command(name = "import", description = {"Store a key from a file under a name.", "",
            "Reads what 'key export' (this one or Kubo's) writes, and PEM PKCS#8 from OpenSSL "
                    + "('openssl genpkey -algorithm ED25519'). Prints the key's ID.", ""},
            footer = {"", "With --json: {\"Name\":…,\"Id\":…}"})
    static final class Import extends CliCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "the name to store it under")
        String name;

        @Parameters(index = "1", paramLabel = "FILE", description = "the key file")
        Path file;

        @Option(names = {"-f", "--format"}, paramLabel = "FORMAT",
                description = "libp2p-protobuf-cleartext (default) or pem-pkcs8-cleartext")
        String format = KeyFormat.LIBP2P_PROTOBUF_CLEARTEXT.option();

        @Option(names = "--allow-any-key-type", description = "also import secp256k1 and ECDSA keys (by default only Ed25519 and RSA, as Kubo 0.39)")
        boolean anyType;

        @Mixin
        RepoOption repo;

        @Mixin
        JsonOption output;

        @Override
        protected int run() throws Exception {
            KeyFormat f = format(format, KeyFormat::forImport);
            byte[] data;
            try (InputStream in = InputData.file(file).open()) {
                data = in.readNBytes(4 * PrivateKey.MAX_MARSHALLED_SIZE + 1);
            }
            PrivateKey key;
            Keystore.Entry e;
            try {
                key = f.decode(data);
                KeyFormat.requireImportable(key, anyType);
                e = keystore(repo).put(name, key);
            } catch (IllegalArgumentException ex) {
                throw new CommandFailedException(ex.getMessage());
            } catch (FileAlreadyExistsException ex) {
                throw new CommandFailedException("key with name '" + name + "' already exists");
            }
            output.print(console(), entry(e), id(e));
            return 0;
        }
    }

    @Command(name = "rotate", description = {"Give the node a new identity key (a new peer ID).", "",
            "The old identity is kept in the keystore under --oldkey first, then the new key takes the place of "
                    + "identity.key; a crash leaves the old identity or the new one, and the backup. Works on the "
                    + "repository, so no daemon may be running. Prints what Kubo's 'ipfs key rotate' prints.", ""},
            footer = {"", "With --json: {\"PeerID\":…,\"OldPeerID\":…,\"OldKey\":…} (peer IDs as 12D3Koo… / Qm…)"})
    static final class Rotate extends CliCommand {
        @Option(names = {"-o", "--oldkey"}, paramLabel = "NAME", description = "the keystore name to keep the old identity under")
        String oldKey;

        @Option(names = {"-t", "--type"}, paramLabel = "TYPE", description = "ed25519 (default), secp256k1, ecdsa or rsa")
        String type = "ed25519";

        @Option(names = {"-s", "--size"}, paramLabel = "BITS", description = "the size of an RSA key (2048 to 8192 bits)")
        Integer size;

        @Mixin
        RepoOption repo;

        @Mixin
        JsonOption output;

        @Override
        protected int run() throws Exception {
            if (oldKey == null) {
                throw new UsageException("keystore name for backing up old key must be provided");
            }
            if (oldKey.equals(Keystore.SELF)) {
                throw new UsageException("keystore name for back up cannot be named 'self'");
            }
            KeyType t = InitCommand.keyType(type);
            if (size != null && t != KeyType.RSA) {
                throw new UsageException("--size is for RSA keys only");
            }
            if (size != null && (size < 2048 || size > 8192)) {
                throw new UsageException("rsa keys must be >= 2048 bits and <= 8192 bits to be useful");
            }
            // holding the repository proves no daemon (or other command) is using the identity
            try (var open = repo.open()) {
                java.nio.file.Path identity = open.root().resolve("identity.key");
                PrivateKey old = io.p2pkit.node.config.IdentityFile.read(identity);
                java.io.PrintStream progress = output.json() ? new java.io.PrintStream(OutputStream.nullOutputStream())
                        : console().out();
                progress.print(t == KeyType.RSA ? "generating " + (size == null ? PrivateKey.DEFAULT_RSA_BITS : size) + "-bit RSA keypair..."
                        : "generating " + (t == KeyType.ED25519 ? "ED25519" : type.toLowerCase(java.util.Locale.ROOT))
                        + " keypair...");
                PrivateKey fresh = size != null ? PrivateKey.generateRsa(size, new java.security.SecureRandom())
                        : PrivateKey.generate(t);
                progress.println("done");
                try {
                    keystore(repo).put(oldKey, old);
                } catch (IllegalArgumentException e) {
                    throw new CommandFailedException("saving old key in keystore (" + e.getMessage() + ")");
                } catch (FileAlreadyExistsException e) {
                    throw new CommandFailedException("saving old key in keystore (key by that name already exists, "
                            + "refusing to overwrite)");
                }
                io.p2pkit.node.config.IdentityFile.replace(identity, fresh);
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("PeerID", fresh.publicKey().toPeerId().toString());
                o.put("OldPeerID", old.publicKey().toPeerId().toString());
                o.put("OldKey", oldKey);
                output.print(console(), o, "peer identity: " + fresh.publicKey().toPeerId());
            }
            return 0;
        }
    }

    @Command(name = "sign", description = {"Sign data with a key, to prove it is yours.", "",
            "The signature covers \"" + SignedMessage.PREFIX + "\" then the data (FILE, or stdin), as Kubo's, so it "
                    + "cannot be used as any other libp2p signature. Prints JSON: the key and the signature in "
                    + "multibase base64url; 'key verify' (here or in Kubo) checks it.", ""})
    static final class Sign extends CliCommand {
        @Option(names = {"-k", "--key"}, paramLabel = "NAME", description = "the key (default: self)")
        String keyName = Keystore.SELF;

        @Parameters(paramLabel = "FILE", arity = "0..1", description = "the data (default: stdin)")
        Path file;

        @Mixin
        RepoOption repo;

        @Mixin
        JsonOption output; // the output is JSON either way, as Kubo's

        @Override
        protected int run() throws Exception {
            String n = keyName.isEmpty() ? Keystore.SELF : keyName;
            PrivateKey key;
            try {
                key = keystore(repo).get(n).orElseThrow(() -> new CommandFailedException("no key named " + n + " was found"));
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            byte[] signature = SignedMessage.sign(key, signedData(console(), file));
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("Key", keyOutput(n, key.publicKey()));
            o.put("Signature", Multibase.encode(Multibase.Encoding.BASE64_URL, signature));
            console().json(o);
            return 0;
        }
    }

    @Command(name = "verify", description = {"Check a signature made by 'key sign' (here or in Kubo).", "",
            "The key is a name in the keystore (default: self), or any IPNS name or peer ID that holds its public key "
                    + "(Ed25519 and secp256k1 ones do). Prints JSON with SignatureValid; the exit status is 0 either way, "
                    + "as Kubo's.", ""})
    static final class Verify extends CliCommand {
        @Option(names = {"-k", "--key"}, paramLabel = "NAME-OR-ID", description = "the key (default: self)")
        String keyName = Keystore.SELF;

        @Option(names = {"-s", "--signature"}, paramLabel = "MULTIBASE", required = true, description = "the signature")
        String signature;

        @Parameters(paramLabel = "FILE", arity = "0..1", description = "the data (default: stdin)")
        Path file;

        @Mixin
        RepoOption repo;

        @Mixin
        JsonOption output; // the output is JSON either way, as Kubo's

        @Override
        protected int run() throws Exception {
            byte[] sig;
            try {
                sig = Multibase.decode(signature);
            } catch (DecodeException e) {
                throw new UsageException("the signature is not multibase: " + e.getMessage());
            }
            String n = keyName.isEmpty() ? Keystore.SELF : keyName;
            Keystore ks = keystore(repo);
            Optional<PrivateKey> named;
            try {
                named = ks.get(n);
            } catch (IllegalArgumentException e) {
                named = Optional.empty();
            }
            PublicKey key;
            String shownName;
            if (named.isPresent()) {
                key = named.get().publicKey();
                shownName = n;
            } else {
                key = publicKeyOf(n).orElseThrow(() -> new CommandFailedException(
                        "'" + n + "' is not a known key, an IPNS Name, or a valid PeerID"));
                shownName = "";
            }
            boolean valid = SignedMessage.verify(key, signedData(console(), file), sig);
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("Key", keyOutput(shownName, key));
            o.put("SignatureValid", valid);
            console().json(o);
            return 0;
        }
    }

    private static Map<String, Object> keyOutput(String name, PublicKey key) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("Name", name);
        o.put("Id", key.toPeerId().toString(Multibase.Encoding.BASE36));
        return o;
    }

    static KeyFormat format(String name, java.util.function.Function<String, KeyFormat> lookup) {
        try {
            return lookup.apply(name);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** The public key an IPNS name or peer ID holds inline, if it is one that does. */
    static Optional<PublicKey> publicKeyOf(String nameOrId) {
        try {
            return PeerId.parse(nameOrId).publicKeyBytes().map(PublicKey::unmarshal);
        } catch (IllegalArgumentException e) { // DecodeException too
            return Optional.empty();
        }
    }

    private static byte[] signedData(Console console, Path file) throws IOException {
        try (InputStream in = (file == null ? InputData.stdin(console) : InputData.file(file)).open()) {
            byte[] data = in.readNBytes(MAX_SIGNED_BYTES + 1);
            if (data.length > MAX_SIGNED_BYTES) {
                throw new CommandFailedException("at most " + (MAX_SIGNED_BYTES >> 20) + " MiB can be signed or verified");
            }
            return data;
        }
    }
}
