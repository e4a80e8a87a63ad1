package io.p2pkit.node.rpc;

import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.config.KuboConfig;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.exchange.ReprovideStrategy;
import io.p2pkit.node.exchange.Reprovider;
import io.p2pkit.node.http.HttpAddress;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.nio.file.Path;

/**
 * {@code config/show}, {@code config}, {@code config/replace}, {@code config/profile/apply}: the
 * node's settings laid out as the sections of Kubo's config file that p2pkit has (no private key,
 * as Kubo leaves it out), the repository's config file's values over the running node's; edits
 * go to that file ({@link KuboConfig}) and take effect when the daemon starts again, as in Kubo.
 */
final class ConfigCommands {
    private ConfigCommands() {
    }

    static List<RpcCommand> all() {
        return List.of(RpcCommand.at("config/show").options(RpcOption.bool("expand-auto")).run(ConfigCommands::show),
                RpcCommand.at("config").args(RpcArgument.string("key", true, false), RpcArgument.string("value", false, false))
                        .options(RpcOption.bool("bool"), RpcOption.bool("json"), RpcOption.bool("expand-auto"))
                        .run(ConfigCommands::entry),
                RpcCommand.at("config/replace").args(RpcArgument.file("file", true, false))
                        .run(ConfigCommands::replace),
                RpcCommand.at("config/profile/apply").args(RpcArgument.string("profile", true, false))
                        .options(RpcOption.bool("dry-run")).run(ConfigCommands::applyProfile));
    }

    private static void show(RpcRequest req, RpcResponse res) throws Exception {
        res.single(KuboConfig.withoutSecrets(req.bool("expand-auto") ? expanded(req) : kuboConfig(req)));
    }

    /** {@link #kuboConfig} with AutoConf's "auto" replaced as the daemon does, from the kept document (no fetch). */
    private static Map<String, Object> expanded(RpcRequest req) throws java.io.IOException {
        Optional<Path> root = req.node().config().content().map(NodeConfig.Content::repo);
        return io.p2pkit.node.config.AutoConf.expand(kuboConfig(req), root.flatMap(r -> {
            try {
                return io.p2pkit.node.config.AutoConfClient.kept(r, Repository.readConfig(r));
            } catch (java.io.IOException e) {
                return Optional.empty();
            }
        }).orElse(null));
    }

    /**
     * {@code config <key> [<value>]}: one entry of {@link #kuboConfig}, found as Kubo's MapGetKV
     * finds it (dotted, case-sensitive), answered as {@code {"Key","Value"}}; with a value, the
     * repository's config file is changed (the daemon takes it at its next start) and the value
     * answered.
     */
    private static void entry(RpcRequest req, RpcResponse res) throws Exception {
        String key = req.argument(0);
        String lower = key.toLowerCase(java.util.Locale.ROOT);
        if (lower.equals("identity") || lower.equals("identity.privkey")) {
            throw RpcError.failed("cannot show or change private key through API");
        }
        if (io.p2pkit.node.config.PinningServices.concealed(key)) {
            throw RpcError.failed("cannot show or change pinning services credentials");
        }
        if (req.arguments().size() > 1) {
            if (req.bool("expand-auto")) {
                throw RpcError.failed("--expand-auto can only be used for reading config values, not for setting them");
            }
            String text = req.argument(1);
            Object value;
            try {
                value = req.bool("json") ? KuboConfig.parseJson(text) : req.bool("bool") ? (Object) text.equals("true") : text;
                KuboConfig.edit(repository(req), c -> KuboConfig.set(c, key, value), false);
            } catch (IllegalArgumentException e) { // KuboConfig.EditException, RepoConfigException
                throw RpcError.failed(e.getMessage());
            }
            res.single(keyValue(key, value));
            return;
        }
        Object value;
        try {
            value = KuboConfig.lookup(req.bool("expand-auto") ? expanded(req) : kuboConfig(req), key);
        } catch (KuboConfig.EditException e) {
            throw RpcError.failed(e.getMessage());
        }
        res.single(keyValue(key, value));
    }

    private static Map<String, Object> keyValue(String key, Object value) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("Key", key);
        o.put("Value", value);
        return o;
    }

    /** {@code config/replace}: the uploaded Kubo config JSON becomes the file's settings; Kubo answers nothing. */
    private static void replace(RpcRequest req, RpcResponse res) throws Exception {
        Path root = repository(req);
        Uploads.Entry e = req.files().next();
        if (e == null || e.kind() != Uploads.Kind.FILE) {
            throw RpcError.failed("argument \"file\" is required");
        }
        byte[] json = NodeContent.readBounded(e.body(), RepoConfig.MAX_BYTES, "the config");
        try {
            Object doc = KuboConfig.parseJson(new String(json, java.nio.charset.StandardCharsets.UTF_8));
            if (!(doc instanceof Map<?, ?> m)) {
                throw RpcError.failed("failed to decode config: not a JSON object");
            }
            if (m.get("Identity") instanceof Map<?, ?> id && id.get("PrivKey") != null) {
                throw RpcError.failed("setting private key with API is not supported");
            }
            KuboConfig.edit(root, c -> KuboConfig.replace(c, m, new java.util.ArrayList<>()), false);
        } catch (IllegalArgumentException x) {
            throw RpcError.failed(x.getMessage());
        }
    }

    /** {@code config/profile/apply}: Kubo's {@code {"OldCfg","NewCfg"}}; with dry-run nothing is written. */
    private static void applyProfile(RpcRequest req, RpcResponse res) throws Exception {
        String name = req.argument(0);
        KuboConfig.Edit edit;
        try {
            edit = KuboConfig.edit(repository(req), c -> {
                RepoConfig out = c;
                for (String n : name.split(",")) {
                    out = KuboConfig.applyProfile(out, n);
                }
                return out;
            }, req.bool("dry-run"));
        } catch (IllegalArgumentException e) {
            throw RpcError.failed(e.getMessage());
        }
        Map<String, Object> running = running(req);
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("OldCfg", KuboConfig.merge(running, KuboConfig.show(edit.before())));
        o.put("NewCfg", KuboConfig.merge(running, KuboConfig.show(edit.after())));
        res.single(o);
    }

    /** The repository's directory, whose config file the edits change; a node without one has no file to change. */
    static Path repository(RpcRequest req) {
        return req.node().config().content().map(NodeConfig.Content::repo).orElseThrow(() -> RpcError.failed(
                "this node runs without a repository: it has no config file to change"));
    }

    /** The running node's settings, overlaid by what the repository's config file says (which a restart takes). */
    private static Map<String, Object> kuboConfig(RpcRequest req) throws java.io.IOException {
        Map<String, Object> running = running(req);
        Optional<Path> root = req.node().config().content().map(NodeConfig.Content::repo);
        return root.isEmpty() ? running : KuboConfig.merge(running, KuboConfig.show(Repository.readConfig(root.get())));
    }

    private static Map<String, Object> running(RpcRequest req) throws java.io.IOException {
        NodeConfig c = req.node().config();
        Map<String, Object> identity = new LinkedHashMap<>();
        identity.put("PeerID", req.node().peerId().toString());
        Map<String, Object> addresses = new LinkedHashMap<>();
        // Kubo's Strings: one address is a string
        addresses.put("API", c.api().map(h -> (Object) HttpAddress.multiaddr(h.address())).orElse(List.of()));
        addresses.put("Gateway", c.gateway().map(h -> (Object) HttpAddress.multiaddr(h.address())).orElse(List.of()));
        addresses.put("Swarm", c.listen().stream().map(Multiaddr::toString).toList());
        Map<String, Object> routing = new LinkedHashMap<>();
        routing.put("Type", c.dht().map(d -> d.mode().name().toLowerCase(java.util.Locale.ROOT).equals("client")
                ? "dhtclient" : "dht").orElse("none"));
        Map<String, Object> pubsub = new LinkedHashMap<>();
        if (c.pubsub().isPresent()) { // Kubo's Flag: left out when not set
            pubsub.put("Enabled", true);
        }
        pubsub.put("Router", c.pubsub().map(p -> p.router().name().toLowerCase(java.util.Locale.ROOT)).orElse(""));
        pubsub.put("DisableSigning", c.pubsub().map(p -> p.signing() == io.p2pkit.pubsub.SignaturePolicy.STRICT_NO_SIGN)
                .orElse(false));
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("Identity", identity);
        o.put("Addresses", addresses);
        o.put("Bootstrap", c.bootstrap().stream().flatMap(ConfigCommands::bootstrapAddresses).toList());
        o.put("Routing", routing);
        o.put("Pubsub", pubsub);
        // Kubo shows "" for its defaults (4h and 48h); the file's values overlay these
        NodeConfig.IpnsRepublish republish = c.ipnsRepublish();
        Map<String, Object> ipns = new LinkedHashMap<>();
        ipns.put("RepublishPeriod", republish.period().equals(NodeConfig.IpnsRepublish.DEFAULT.period()) ? ""
                : io.p2pkit.node.config.GoDurations.format(republish.period()));
        ipns.put("RecordLifetime", republish.lifetime().equals(NodeConfig.IpnsRepublish.DEFAULT.lifetime()) ? ""
                : io.p2pkit.node.config.GoDurations.format(republish.lifetime()));
        ipns.put("ResolveCacheSize", (long) c.ipnsCache().size());
        c.ipnsCache().maxTtl().ifPresent(t -> ipns.put("MaxCacheTTL", io.p2pkit.node.config.GoDurations.format(t)));
        o.put("Ipns", ipns);
        o.put("Provide", provide(c));
        if (c.content().isPresent()) {
            Map<String, Object> datastore = new LinkedHashMap<>();
            datastore.put("Path", c.content().get().repo().toString());
            datastore.put("StorageMax", Long.toString(NodeContent.repository(req).stat().storageMax()));
            // what daemon --enable-gc uses (Kubo's init writes both)
            NodeConfig.Gc gc = c.content().get().gc().orElse(NodeConfig.Gc.DEFAULT);
            datastore.put("StorageGCWatermark", (long) gc.watermarkPercent());
            datastore.put("GCPeriod", gc.period().equals(NodeConfig.Gc.DEFAULT.period()) ? "1h"
                    : io.p2pkit.node.config.GoDurations.format(gc.period()));
            o.put("Datastore", datastore);
        }
        return o;
    }

    /**
     * Kubo's {@code Provide} section of the running node: as Kubo's, only what differs from the
     * defaults ({@code {"DHT":{}}} for a node that announces everything every 22 h).
     */
    private static Map<String, Object> provide(NodeConfig c) {
        Map<String, Object> provide = new LinkedHashMap<>();
        Map<String, Object> dht = new LinkedHashMap<>();
        ReprovideStrategy strategy = c.content().map(NodeConfig.Content::reprovide).orElse(ReprovideStrategy.NONE);
        if (strategy == ReprovideStrategy.NONE) {
            provide.put("Enabled", false);
        } else if (strategy != ReprovideStrategy.ALL) {
            provide.put("Strategy", strategy.kuboName());
        }
        c.content().map(NodeConfig.Content::reprovideInterval).filter(i -> !i.equals(Reprovider.DEFAULT_INTERVAL))
                .ifPresent(i -> dht.put("Interval", io.p2pkit.node.config.GoDurations.format(i)));
        provide.put("DHT", dht);
        return provide;
    }

    /** A bootstrap peer as Kubo's config lists it: each address with {@code /p2p/<ID>}. */
    static java.util.stream.Stream<String> bootstrapAddresses(PeerInfo p) {
        return p.addresses().stream().map(a -> a + "/p2p/" + p.peerId());
    }
}
