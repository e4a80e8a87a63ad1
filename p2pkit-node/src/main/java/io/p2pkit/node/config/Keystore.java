package io.p2pkit.node.config;

import io.p2pkit.core.crypto.KeyType;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.identity.PeerId;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The node's named keys, for IPNS, as Kubo keeps them: {@code keystore/key_<base32 of the name>}
 * in the repository, each a libp2p private key in its protobuf encoding. The name {@code self}
 * is the node's identity key and cannot be made or removed here.
 */
public final class Keystore {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(Keystore.class.getName());
    /** The node's own key. */
    public static final String SELF = "self";
    private static final String BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

    /**
     * A named key.
     *
     * @param name its name
     * @param id   the peer ID its public key gives (the IPNS name)
     */
    public record Entry(String name, PeerId id) {
    }

    private final Path dir;
    private final Path identity;

    /**
     * @param repo     the repository's directory
     * @param identity the node's identity key file ({@code self})
     */
    public Keystore(Path repo, Path identity) {
        this.dir = repo.resolve("keystore");
        this.identity = identity;
    }

    /**
     * Makes a key.
     *
     * @throws IllegalArgumentException for a name that is empty, {@code self}, or has a slash
     * @throws FileAlreadyExistsException when a key has that name
     */
    public Entry generate(String name, KeyType type) throws IOException {
        Path file = file(name);
        if (name.equals(SELF)) {
            throw new IllegalArgumentException("'self' is the node's own key");
        }
        if (Files.exists(file)) {
            throw new FileAlreadyExistsException(file.toString(), null, "a key named '" + name + "' already exists");
        }
        PrivateKey key = PrivateKey.generate(type);
        IdentityFile.create(file, key);
        return new Entry(name, key.publicKey().toPeerId());
    }

    /**
     * Stores a key made elsewhere (Kubo's {@code key import}).
     *
     * @throws IllegalArgumentException for a name that is empty, {@code self}, or has a slash
     * @throws FileAlreadyExistsException when a key has that name
     */
    public Entry put(String name, PrivateKey key) throws IOException {
        Path file = file(name);
        if (name.equals(SELF)) {
            throw new IllegalArgumentException("cannot import key with name 'self'");
        }
        if (Files.exists(file)) {
            throw new FileAlreadyExistsException(file.toString(), null, "key with name '" + name + "' already exists");
        }
        IdentityFile.create(file, key);
        return new Entry(name, key.publicKey().toPeerId());
    }

    /**
     * What {@link #rename} did.
     *
     * @param key         the key under its new name
     * @param overwritten whether a key of the new name was replaced
     */
    public record Renamed(Entry key, boolean overwritten) {
    }

    /**
     * Gives a key a new name, as Kubo's {@code key rename}: the file is moved in one step, so a
     * crash leaves the key under one of its names, never none.
     *
     * @param force replace a key that has the new name
     * @throws IllegalArgumentException for {@code self} on either side, a bad name, a missing key,
     *                                  or an existing new name without {@code force}
     */
    public Renamed rename(String name, String newName, boolean force) throws IOException {
        if (name.equals(SELF)) {
            throw new IllegalArgumentException("cannot rename key with name 'self'");
        }
        if (newName.equals(SELF)) {
            throw new IllegalArgumentException("cannot overwrite key with name 'self'");
        }
        Path from = file(name);
        Path to = file(newName);
        if (!Files.exists(from)) {
            throw new IllegalArgumentException("no key named " + name + " was found");
        }
        Entry moved = new Entry(newName, IdentityFile.read(from).publicKey().toPeerId());
        if (name.equals(newName)) {
            return new Renamed(moved, false);
        }
        boolean exists = Files.exists(to);
        if (force) {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } else {
            try {
                // a link fails when the name is taken, so a concurrent import under it is never clobbered
                Files.createLink(to, from);
            } catch (FileAlreadyExistsException e) {
                throw new IllegalArgumentException("key by that name already exists, refusing to overwrite");
            }
            Files.delete(from);
        }
        IdentityFile.syncDirectory(dir);
        return new Renamed(moved, exists);
    }

    /** The key named {@code name} ({@code self} is the identity), if any. */
    public Optional<PrivateKey> get(String name) throws IOException {
        Path file = name.equals(SELF) ? identity : file(name);
        return Files.exists(file) ? Optional.of(IdentityFile.read(file)) : Optional.empty();
    }

    /**
     * Every key, {@code self} first, then by name. A key file that cannot be read or holds no key
     * is left out with a warning in the log, as Kubo 0.40 lists the rest rather than failing.
     */
    public List<Entry> list() throws IOException {
        List<Entry> out = new ArrayList<>();
        if (Files.exists(identity)) {
            out.add(new Entry(SELF, IdentityFile.read(identity).publicKey().toPeerId()));
        }
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.sorted(Comparator.comparing(Path::toString)).toList()) {
                    String n = f.getFileName().toString();
                    if (n.startsWith("key_")) {
                        decode(n.substring(4)).ifPresent(name -> {
                            try {
                                out.add(new Entry(name, IdentityFile.read(f).publicKey().toPeerId()));
                            } catch (IOException | io.p2pkit.core.DecodeException e) {
                                LOG.warning("key '" + name + "' is left out of the list: " + e.getMessage());
                            }
                        });
                    }
                }
            }
        }
        out.subList(Math.min(1, out.size()), out.size()).sort(Comparator.comparing(Entry::name));
        return out;
    }

    /**
     * Removes a key.
     *
     * @return the removed key's entry, or empty when there was none
     */
    public Optional<Entry> remove(String name) throws IOException {
        if (name.equals(SELF)) {
            throw new IllegalArgumentException("'self' is the node's own key and cannot be removed");
        }
        Path file = file(name);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Entry e = new Entry(name, IdentityFile.read(file).publicKey().toPeerId());
        Files.delete(file);
        return Optional.of(e);
    }

    private Path file(String name) {
        if (name.isEmpty() || name.contains("/") || name.length() > 255) {
            throw new IllegalArgumentException("a key name is 1 to 255 characters without '/': '" + name + "'");
        }
        return dir.resolve("key_" + encode(name));
    }

    /** Base32, lower case, without padding, as Kubo names key files. */
    static String encode(String name) {
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        StringBuilder s = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte x : b) {
            buffer = (buffer << 8) | (x & 0xff);
            bits += 8;
            while (bits >= 5) {
                s.append(BASE32.charAt((buffer >> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) {
            s.append(BASE32.charAt((buffer << (5 - bits)) & 31));
        }
        return s.toString();
    }

    static Optional<String> decode(String text) {
        int buffer = 0;
        int bits = 0;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (char c : text.toLowerCase(Locale.ROOT).toCharArray()) {
            int v = BASE32.indexOf(c);
            if (v < 0) {
                return Optional.empty();
            }
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8) {
                out.write((buffer >> (bits - 8)) & 0xff);
                bits -= 8;
            }
        }
        return Optional.of(out.toString(StandardCharsets.UTF_8));
    }
}
