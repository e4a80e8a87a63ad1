package io.p2pkit.node.cli.command;

import io.p2pkit.core.crypto.KeyType;
import io.p2pkit.core.crypto.PublicKey;
import io.p2pkit.ipfs.codec.dagjson.DagJson;
import io.p2pkit.ipfs.ipld.ListNode;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.ipld.StringNode;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.content.DaemonApi;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.cli.options.IdentityOption;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.config.IdentityFile;
import io.p2pkit.node.config.NodeHome;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

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
        "~/.p2pkit). When 'p2pkit daemon' runs there with that key, its addresses are printed too (as Kubo's",
        "'ipfs id'), WebRTC-direct and WebTransport ones with their /certhash parts, ready for a browser.",
        ""},
        footer = {"", "With --json: {\"peerId\":…,\"keyType\":…,\"publicKey\":…[,\"addresses\":[…]]}"})
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
        StringBuilder text = new StringBuilder("peer ID:    " + peerId + "\nkey type:   " + type + "\npublic key: "
                + publicKey + "\nidentity:   " + file);
        if (identity.file().isEmpty()) {
            List<String> addresses = daemonAddresses(peerId);
            if (!addresses.isEmpty()) {
                o.put("addresses", addresses);
                addresses.forEach(a -> text.append("\naddress:    ").append(a));
            }
        }
        output.print(console(), o, text.toString());
        return 0;
    }

    /** The addresses of the daemon running in the node's home with this peer ID; empty when none runs. */
    private static List<String> daemonAddresses(String peerId) {
        Optional<DaemonApi> found = DaemonApi.find(NodeHome.get());
        if (found.isEmpty()) {
            return List.of();
        }
        try (DaemonApi api = found.get(); InputStream in = api.post("id", List.of(), Map.of())) {
            byte[] json = in.readNBytes(1 << 20);
            if (DagJson.DEFAULT.decode(json) instanceof MapNode m
                    && m.get("ID").orElse(null) instanceof StringNode id && id.value().equals(peerId)
                    && m.get("Addresses").orElse(null) instanceof ListNode list) {
                return list.values().stream().filter(StringNode.class::isInstance)
                        .map(n -> ((StringNode) n).value()).toList();
            }
        } catch (IOException | RuntimeException e) {
            // a daemon that went away or answered oddly: the identity alone is still right
        }
        return List.of();
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
