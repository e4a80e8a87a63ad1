package io.p2pkit.node.cli.command;

import io.p2pkit.core.crypto.KeyType;
import io.p2pkit.core.crypto.PublicKey;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.cli.options.IdentityOption;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.config.IdentityFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** {@code p2pkit id}: shows the node's identity, creating the key file when it is missing. */
@Command(name = "id", description = {
        "Show the node's peer ID, creating its identity key when missing.",
        "",
        "Reads the node's identity key, creating it when the file is missing, and prints the peer ID, the key "
                + "type and the public key (base64 of the libp2p PublicKey protobuf). The key file holds the "
                + "libp2p PrivateKey protobuf bytes, the same bytes go-libp2p's crypto.MarshalPrivateKey and "
                + "js-libp2p's privateKeyToProtobuf produce, so a key file works in every implementation.",
        "",
        "Without --identity: the node's key file, $P2PKIT_HOME/identity.key (P2PKIT_HOME defaults to",
        "~/.p2pkit).",
        ""},
        footer = {"", "With --json: {\"peerId\":…,\"keyType\":…,\"publicKey\":…}"})
public final class IdCommand extends CliCommand {
    @Mixin
    private IdentityOption identity;

    @Option(names = "--key-type", paramLabel = "TYPE",
            description = "the type of key to create when the file is missing: ed25519 (default), secp256k1, ecdsa, "
                    + "rsa (2048 bits). If the file exists and holds another type, that is an error.")
    private String keyType;

    @Mixin
    private JsonOption output;

    @Override
    public int run() throws Exception {
        Path file = identity.fileOrNodeKey();
        KeyType requested = keyType == null ? null : keyType(keyType);
        IdentityFile.Loaded id = IdentityFile.loadOrCreate(file, requested == null ? KeyType.ED25519 : requested);
        if (id.created()) {
            console().info("p2pkit id: created a new " + keyTypeName(id.key().type()) + " identity in " + file);
        }
        if (requested != null && id.key().type() != requested) {
            console().info("p2pkit id: " + file + " holds a " + keyTypeName(id.key().type())
                    + " key, not " + keyTypeName(requested));
            return 1;
        }
        PublicKey pub = id.key().publicKey();
        String peerId = pub.toPeerId().toString();
        String type = keyTypeName(pub.type());
        String publicKey = Base64.getEncoder().encodeToString(pub.marshal());
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("peerId", peerId);
        o.put("keyType", type);
        o.put("publicKey", publicKey);
        output.print(console(), o, "peer ID:    " + peerId + "\nkey type:   " + type + "\npublic key: " + publicKey
                + "\nidentity:   " + file);
        return 0;
    }

    /** The command-line and JSON name of a key type. */
    static String keyTypeName(KeyType type) {
        return type.name().toLowerCase(Locale.ROOT);
    }

    private static KeyType keyType(String name) {
        for (KeyType t : KeyType.values()) {
            if (keyTypeName(t).equals(name.toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        throw new UsageException("unknown key type '" + name + "' (expected ed25519, secp256k1, ecdsa or rsa)");
    }
}
