package io.p2pkit.node.cli.command;

import io.p2pkit.core.crypto.KeyType;
import io.p2pkit.core.crypto.PublicKey;
import io.p2pkit.node.cli.Args;
import io.p2pkit.node.cli.Command;
import io.p2pkit.node.cli.Console;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.config.IdentityFile;
import io.p2pkit.node.config.NodeHome;

import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code p2pkit id}: shows the node's identity, creating the key file when it is missing. */
public final class IdCommand implements Command {
    @Override
    public String name() {
        return "id";
    }

    @Override
    public String summary() {
        return "Show the node's peer ID, creating its identity key when missing";
    }

    @Override
    public String help() {
        return """
                Usage: p2pkit id [--identity FILE] [--key-type ed25519|secp256k1|ecdsa|rsa] [--json]

                Reads the node's identity key, creating it when the file is missing, and prints the
                peer ID, the key type and the public key (base64 of the libp2p PublicKey protobuf).

                The key file holds the libp2p PrivateKey protobuf bytes, the same bytes go-libp2p's
                crypto.MarshalPrivateKey and js-libp2p's privateKeyToProtobuf produce, so a key file
                works in every implementation.

                Options:
                  --identity FILE   the key file (default: $P2PKIT_HOME/identity.key, where
                                    P2PKIT_HOME defaults to ~/.p2pkit)
                  --key-type TYPE   the type of key to create when the file is missing
                                    (default ed25519; rsa keys are 2048 bits). If the file
                                    exists and holds another type, that is an error.
                  --json            print {"peerId":…,"keyType":…,"publicKey":…}""";
    }

    @Override
    public int run(List<String> argv, Console console) throws Exception {
        Args args = Args.parse(argv, List.of("json"), List.of("identity", "key-type"))
                .requirePositional(0, 0, "");
        Path file = args.value("identity").map(Path::of).orElseGet(NodeHome::identityFile);
        KeyType requested = args.value("key-type").map(IdCommand::keyType).orElse(null);

        IdentityFile.Loaded id = IdentityFile.loadOrCreate(file, requested == null ? KeyType.ED25519 : requested);
        if (id.created()) {
            console.info("p2pkit id: created a new " + keyTypeName(id.key().type()) + " identity in " + file);
        }
        if (requested != null && id.key().type() != requested) {
            console.info("p2pkit id: " + file + " holds a " + keyTypeName(id.key().type())
                    + " key, not " + keyTypeName(requested));
            return 1;
        }
        PublicKey pub = id.key().publicKey();
        String peerId = pub.toPeerId().toString();
        String keyType = keyTypeName(pub.type());
        String publicKey = Base64.getEncoder().encodeToString(pub.marshal());
        if (args.flag("json")) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("peerId", peerId);
            o.put("keyType", keyType);
            o.put("publicKey", publicKey);
            console.json(o);
        } else {
            console.println("peer ID:    " + peerId);
            console.println("key type:   " + keyType);
            console.println("public key: " + publicKey);
            console.println("identity:   " + file);
        }
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
