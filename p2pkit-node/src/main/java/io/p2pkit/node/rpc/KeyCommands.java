package io.p2pkit.node.rpc;

import io.p2pkit.core.crypto.KeyType;
import io.p2pkit.core.multiformats.Multibase;
import io.p2pkit.node.config.Keystore;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code key/gen|list|rm}: the repository's keystore, in Kubo's shapes. */
final class KeyCommands {
    private KeyCommands() {
    }

    static List<RpcCommand> all() {
        return List.of(
                RpcCommand.at("key/gen").args(RpcArgument.string("name", true, false))
                        .options(RpcOption.string("type", "t").withDefault("ed25519"), RpcOption.integer("size", "s"),
                                RpcOption.string("ipns-base").withDefault("base36"))
                        .run(KeyCommands::gen),
                RpcCommand.at("key/list")
                        .options(RpcOption.bool("l"), RpcOption.string("ipns-base").withDefault("base36"))
                        .run(KeyCommands::list),
                RpcCommand.at("key/rm").args(RpcArgument.string("name", true, true))
                        .options(RpcOption.bool("l"), RpcOption.string("ipns-base").withDefault("base36"))
                        .run(KeyCommands::rm));
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
        String base = req.string("ipns-base").orElse("base36");
        return switch (base) {
            case "base36" -> e.id().toString(Multibase.Encoding.BASE36);
            case "base32" -> e.id().toString(Multibase.Encoding.BASE32);
            case "b58mh", "base58btc" -> e.id().toString();
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
}
