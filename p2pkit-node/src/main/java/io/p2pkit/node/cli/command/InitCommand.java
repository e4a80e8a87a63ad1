package io.p2pkit.node.cli.command;

import io.p2pkit.core.crypto.KeyType;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.RepoException;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.RepoOption;
import io.p2pkit.node.config.IdentityFile;
import io.p2pkit.node.config.KuboConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code p2pkit init}: creates the IPFS repository, and the node's identity when it has none. */
@Command(name = "init", description = {
        "Create the IPFS repository (and the node's identity if missing).",
        "",
        "Creates the repository in $P2PKIT_HOME (default ~/.p2pkit) or --repo-dir: the config file, blocks/ (Kubo's "
                + "flatfs layout), datastore/ (pins) and the version file. The node's identity key, identity.key, is "
                + "created there too unless one already exists, which is kept: a node that ran 'p2pkit id' or "
                + "'p2pkit daemon' before keeps its peer ID. An existing repository is never overwritten.",
        "",
        "The config's addresses.swarm lists the daemon's listen addresses (Kubo's Addresses.Swarm): TCP and QUIC on "
                + "port 4001, WebRTC-direct on UDP 4002 and WebTransport on UDP 4003, which browsers can dial.",
        "",
        "Profiles (comma-separated, applied in order, as Kubo's --profile):",
        "  test            Kubo's: loopback, ports the system picks, no bootstrap, mDNS or port mapping; and",
        "                  blockstore.syncWrites=false: fast, but a crash may lose recent blocks",
        "  server          Kubo's: private ranges neither announced nor dialed, no mDNS or port mapping",
        "  local-discovery Kubo's: server undone (those ranges out again, mDNS and port mapping on)",
        "  default-networking  Kubo's: the default addresses and bootstrap peers, mDNS and port mapping on",
        "  randomports     Kubo's: the swarm on TCP, IPv4 and IPv6, on a port free now",
        "  lowpower        Kubo's (DHT client only, no AutoNAT or relay service, 20 to 40 connections)",
        "                  and a smaller memory tier (16 MiB, 4096 blocks)",
        "  flatfs          the default block store; changes nothing (alias default-datastore)",
        "  unixfs-v0-2015  Kubo's Import.* keys for its default (CIDv0, 256 KiB chunks); alias legacy-cid-v0",
        "  unixfs-v1-2025  Kubo's Import.* keys of IPIP-499 (CIDv1, raw leaves, 1 MiB chunks, 1024 links)",
        "  test-cid-v1     Kubo 0.39's: CIDv1, raw leaves, 1 MiB chunks, 174 links",
        "  test-cid-v1-wide  Kubo 0.39's: as test-cid-v1 with 1024 links, HAMT fanout 1024 over 1 MiB",
        "  announce-off    Kubo's: nothing announced to the DHT (Provide.Enabled false, Provide.DHT.Interval 0)",
        "  announce-on     Kubo's: announcing back on (Provide.Enabled true, Provide.DHT.Interval 22h)",
        ""},
        footer = {"", "With --json: {\"PeerID\":…,\"RepoPath\":…,\"IdentityCreated\":true|false,\"Profiles\":[…]}"})
public final class InitCommand extends CliCommand {
    /** The node's key file, in the repository's directory. */
    private static final String IDENTITY_FILE = "identity.key";

    @Option(names = "--profile", paramLabel = "NAME[,NAME…]", split = ",",
            description = "configuration profiles to apply: test, server, local-discovery, default-networking, "
                    + "randomports, lowpower, flatfs, unixfs-v0-2015, legacy-cid-v0, unixfs-v1-2025, test-cid-v1, "
                    + "test-cid-v1-wide, announce-off, announce-on")
    private List<String> profiles = new ArrayList<>();

    @Option(names = {"-a", "--algorithm"}, paramLabel = "TYPE",
            description = "the key type of a new identity: ed25519 (default), secp256k1, ecdsa, rsa (2048 bits)")
    private String algorithm;

    @Mixin
    private RepoOption repo;

    @Mixin
    private JsonOption output;

    @Override
    protected int run() throws Exception {
        Path root = repo.root();
        RepoConfig config = config(profiles);
        KeyType type = algorithm == null ? null : keyType(algorithm);
        if (Repository.isInitialized(root)) {
            throw new RepoException(root, "a p2pkit repository already exists at " + root
                    + ": nothing was changed (to start afresh, move it away first; its blocks, pins and identity key "
                    + "would be lost)");
        }
        Path keyFile = root.resolve(IDENTITY_FILE);
        IdentityFile.Loaded id = IdentityFile.loadOrCreate(keyFile, type == null ? KeyType.ED25519 : type);
        if (type != null && id.key().type() != type) {
            throw new RepoException(root, keyFile + " already holds a " + name(id.key().type()) + " key, not "
                    + name(type) + ": it is kept; drop --algorithm, or move the key away first");
        }
        Repository.init(root, config);
        String peerId = id.key().publicKey().toPeerId().toString();
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("PeerID", peerId);
        o.put("RepoPath", root.toString());
        o.put("IdentityCreated", id.created());
        o.put("Profiles", profiles);
        output.print(console(), o, (id.created() ? "generated a new " + name(id.key().type()) + " identity in "
                        : "kept the identity in ") + keyFile
                + "\npeer identity: " + peerId
                + "\ninitialized a p2pkit repository at " + root);
        return 0;
    }

    /** The defaults with {@code names} applied in order. */
    static RepoConfig config(List<String> names) {
        // The daemon's listen addresses, as Kubo's Addresses.Swarm: all the defaults, browser
        // transports included. The daemon leaves out what cannot run where it starts; asking here
        // would load Netty's native libraries into a command that makes a few files.
        RepoConfig config = RepoConfig.defaults().with(DaemonCommand.SWARM_KEY,
                String.join(", ", io.p2pkit.node.NodeConfig.DEFAULT_LISTEN));
        for (String name : names) {
            try {
                config = KuboConfig.applyProfile(config, name);
            } catch (KuboConfig.EditException e) {
                throw new UsageException("--profile: " + e.getMessage());
            }
        }
        return config;
    }

    static KeyType keyType(String name) {
        for (KeyType t : KeyType.values()) {
            if (name(t).equals(name.toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        throw new UsageException("--algorithm: unknown key type '" + name + "' (expected ed25519, secp256k1, ecdsa or rsa)");
    }

    private static String name(KeyType type) {
        return type.name().toLowerCase(Locale.ROOT);
    }
}
