package io.p2pkit.node.rpc;

import io.p2pkit.core.crypto.KeyType;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.crypto.PublicKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiformats.Multibase;
import io.p2pkit.node.config.KeyFormat;
import io.p2pkit.node.config.Keystore;
import io.p2pkit.node.config.SignedMessage;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** {@code key/gen|list|rm}: the repository's keystore, in Kubo's shapes. */
final class KeyCommands {
    /** The most data {@code key/sign} and {@code key/verify} take. */
    private static final int MAX_SIGNED_BYTES = 64 << 20;

    private KeyCommands() {
    }

    static List<RpcCommand> all() {
        return List.of(
                RpcCommand.at("key/gen").text(TextEncoders::keyId).args(RpcArgument.string("name", true, false))
                        .options(RpcOption.string("type", "t").withDefault("ed25519"), RpcOption.integer("size", "s"),
                                RpcOption.string("ipns-base").withDefault("base36"))
                        .run(KeyCommands::gen),
                RpcCommand.at("key/list").text(TextEncoders::keyNames)
                        .options(RpcOption.bool("l"), RpcOption.string("ipns-base").withDefault("base36"))
                        .run(KeyCommands::list),
                // Kubo 0.39 names it ls; list stays for older clients
                RpcCommand.at("key/ls")
                        .options(RpcOption.bool("l"), RpcOption.string("ipns-base").withDefault("base36"))
                        .run(KeyCommands::list),
                RpcCommand.at("key/rm").args(RpcArgument.string("name", true, true).withStdin())
                        .options(RpcOption.bool("l"), RpcOption.string("ipns-base").withDefault("base36"))
                        .run(KeyCommands::rm),
                RpcCommand.at("key/rename").args(RpcArgument.string("name", true, false), RpcArgument.string("newName", true, false))
                        .options(RpcOption.bool("force", "f"), RpcOption.string("ipns-base").withDefault("base36"))
                        .run(KeyCommands::rename),
                RpcCommand.at("key/import").args(RpcArgument.string("name", true, false), RpcArgument.file("key", true, false))
                        .options(RpcOption.string("ipns-base").withDefault("base36"),
                                RpcOption.string("format", "f").withDefault(KeyFormat.LIBP2P_PROTOBUF_CLEARTEXT.option()),
                                RpcOption.bool("allow-any-key-type"))
                        .run(KeyCommands::importKey),
                RpcCommand.at("key/sign").args(RpcArgument.file("data", true, false))
                        .options(RpcOption.string("key", "k"), RpcOption.string("ipns-base").withDefault("base36"))
                        .run(KeyCommands::sign),
                RpcCommand.at("key/verify").args(RpcArgument.file("data", true, false))
                        .options(RpcOption.string("key", "k"), RpcOption.string("signature", "s"),
                                RpcOption.string("ipns-base").withDefault("base36"))
                        .run(KeyCommands::verify));
    }

    /** The repository's keystore: {@code self} is the node's identity file. */
    static Keystore keystore(RpcRequest req) {
        Path repo = req.node().config().content()
                .orElseThrow(() -> RpcError.failed("this node has no repository, so no keystore")).repo();
        return new Keystore(repo, repo.resolve("identity.key"));
    }

    private static Map<String, Object> entry(Keystore.Entry e, RpcRequest req) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("Name", e.name());
        o.put("Id", name(e, req));
        return o;
    }

    /** A key's IPNS name in the requested base: a libp2p-key CID, or the base58 peer ID. */
    static String name(Keystore.Entry e, RpcRequest req) {
        return name(e.id(), req);
    }

    static String name(PeerId id, RpcRequest req) {
        String base = req.string("ipns-base").orElse("base36");
        return switch (base) {
            case "base36" -> id.toString(Multibase.Encoding.BASE36);
            case "base32" -> id.toString(Multibase.Encoding.BASE32);
            case "b58mh", "base58btc" -> id.toString();
            default -> throw RpcError.failed("unsupported ipns-base '" + base + "': base36, base32 or b58mh");
        };
    }

    private static void gen(RpcRequest req, RpcResponse res) throws Exception {
        String name = req.argument(0);
        if (name.equals(Keystore.SELF)) {
            throw RpcError.failed("cannot create key with name 'self'");
        }
        KeyType type = switch (req.string("type").orElse("ed25519").toLowerCase(Locale.ROOT)) {
            case "ed25519" -> KeyType.ED25519;
            case "rsa" -> KeyType.RSA;
            case "secp256k1" -> KeyType.SECP256K1;
            case "ecdsa" -> KeyType.ECDSA;
            default -> throw RpcError.failed("unrecognized key type: " + req.string("type").orElse(""));
        };
        try {
            res.single(entry(keystore(req).generate(name, type), req));
        } catch (FileAlreadyExistsException e) {
            throw RpcError.failed("key with name '" + name + "' already exists");
        } catch (IllegalArgumentException e) {
            throw RpcError.failed(e.getMessage());
        }
    }

    private static void list(RpcRequest req, RpcResponse res) throws Exception {
        List<Map<String, Object>> keys = new ArrayList<>();
        // self is the running node's identity, whether or not it came from the repository's file
        keys.add(entry(new Keystore.Entry(Keystore.SELF, req.node().peerId()), req));
        for (Keystore.Entry e : keystore(req).list()) {
            if (!e.name().equals(Keystore.SELF)) {
                keys.add(entry(e, req));
            }
        }
        res.single(Map.of("Keys", keys));
    }

    private static void rm(RpcRequest req, RpcResponse res) throws Exception {
        Keystore ks = keystore(req);
        List<Map<String, Object>> keys = new ArrayList<>();
        for (String name : req.arguments()) {
            if (name.equals(Keystore.SELF)) {
                throw RpcError.failed("cannot remove key with name 'self'");
            }
            try {
                keys.add(entry(ks.remove(name).orElseThrow(() -> RpcError.failed("no key named " + name + " was found")), req));
            } catch (IllegalArgumentException | IOException e) {
                throw RpcError.failed(e.getMessage());
            }
        }
        res.single(Map.of("Keys", keys));
    }

    private static void rename(RpcRequest req, RpcResponse res) throws Exception {
        String name = req.argument(0);
        String newName = req.argument(1);
        Keystore.Renamed r;
        try {
            r = keystore(req).rename(name, newName, req.bool("force"));
        } catch (IllegalArgumentException e) {
            throw RpcError.failed(e.getMessage());
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("Was", name);
        o.put("Now", newName);
        o.put("Id", name(r.key(), req));
        o.put("Overwrite", r.overwritten());
        res.single(o);
    }

    private static void importKey(RpcRequest req, RpcResponse res) throws Exception {
        String name = req.argument(0);
        if (name.equals(Keystore.SELF)) {
            throw RpcError.failed("cannot import key with name 'self'");
        }
        KeyFormat format;
        try {
            format = KeyFormat.forImport(req.string("format").orElse(KeyFormat.LIBP2P_PROTOBUF_CLEARTEXT.option()));
        } catch (IllegalArgumentException e) {
            throw RpcError.failed(e.getMessage());
        }
        byte[] data = NodeContent.readBounded(onlyFile(req), 4 * PrivateKey.MAX_MARSHALLED_SIZE, "the key");
        try {
            PrivateKey key = format.decode(data);
            KeyFormat.requireImportable(key, req.bool("allow-any-key-type"));
            res.single(entry(keystore(req).put(name, key), req));
        } catch (FileAlreadyExistsException e) {
            throw RpcError.failed("key with name '" + name + "' already exists");
        } catch (IllegalArgumentException e) {
            throw RpcError.failed(e.getMessage());
        }
    }

    private static void sign(RpcRequest req, RpcResponse res) throws Exception {
        String name = req.string("key").filter(n -> !n.isEmpty()).orElse(Keystore.SELF);
        PrivateKey key;
        try {
            key = name.equals(Keystore.SELF) ? req.node().host().identity()
                    : keystore(req).get(name).orElseThrow(() -> RpcError.failed("no key named " + name + " was found"));
        } catch (IllegalArgumentException e) {
            throw RpcError.failed(e.getMessage());
        }
        byte[] signature = SignedMessage.sign(key, signedData(req));
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("Key", keyOutput(name, key.publicKey().toPeerId(), req));
        o.put("Signature", Multibase.encode(Multibase.Encoding.BASE64_URL, signature));
        res.single(o);
    }

    private static void verify(RpcRequest req, RpcResponse res) throws Exception {
        String keyOrName = req.string("key").filter(n -> !n.isEmpty()).orElse(Keystore.SELF);
        byte[] signature;
        try {
            signature = Multibase.decode(req.string("signature").orElse(""));
        } catch (IllegalArgumentException e) {
            throw RpcError.failed("the signature is not multibase: " + e.getMessage());
        }
        String name = keyOrName;
        PublicKey key;
        if (keyOrName.equals(Keystore.SELF)) {
            key = req.node().host().identity().publicKey();
        } else {
            Optional<PrivateKey> named;
            try {
                named = keystore(req).get(keyOrName);
            } catch (IllegalArgumentException e) {
                named = Optional.empty();
            }
            if (named.isPresent()) {
                key = named.get().publicKey();
            } else {
                key = inlineKey(keyOrName).orElseThrow(() -> RpcError.failed(
                        "'\"" + keyOrName + "\"' is not a known key, an IPNS Name, or a valid PeerID"));
                name = "";
            }
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("Key", keyOutput(name, key.toPeerId(), req));
        o.put("SignatureValid", SignedMessage.verify(key, signedData(req), signature));
        res.single(o);
    }

    private static Map<String, Object> keyOutput(String name, PeerId id, RpcRequest req) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("Name", name);
        o.put("Id", name(id, req));
        return o;
    }

    /** The public key an IPNS name or peer ID carries inline (Ed25519, secp256k1), if it is one. */
    private static Optional<PublicKey> inlineKey(String nameOrId) {
        try {
            return PeerId.parse(nameOrId).publicKeyBytes().map(PublicKey::unmarshal);
        } catch (IllegalArgumentException e) { // DecodeException too
            return Optional.empty();
        }
    }

    private static byte[] signedData(RpcRequest req) throws IOException {
        return NodeContent.readBounded(onlyFile(req), MAX_SIGNED_BYTES, "the data");
    }

    private static java.io.InputStream onlyFile(RpcRequest req) {
        Uploads.Entry e = req.files().next();
        if (e == null || e.kind() != Uploads.Kind.FILE) {
            throw RpcError.failed("file argument was nil");
        }
        return e.body();
    }
}
