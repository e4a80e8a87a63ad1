package io.p2pkit.node.rpc;

import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.kad.KadDht;
import io.p2pkit.kad.PutResult;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.cli.content.IpnsNames;
import io.p2pkit.node.config.Keystore;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code name/publish|resolve}: IPNS over the node's DHT, in Kubo's shapes. */
final class NameCommands {
    private NameCommands() {
    }

    static List<RpcCommand> all() {
        return List.of(
                RpcCommand.at("name/publish").args(RpcArgument.string("ipfs-path", true, false))
                        .options(RpcOption.bool("resolve").withDefault(true), RpcOption.string("lifetime", "t").withDefault("48h"),
                                RpcOption.bool("allow-offline"), RpcOption.string("ttl"),
                                RpcOption.string("key", "k").withDefault(Keystore.SELF), RpcOption.bool("quieter", "Q"),
                                RpcOption.string("ipns-base").withDefault("base36"))
                        .run(NameCommands::publish),
                RpcCommand.at("name/resolve").args(RpcArgument.string("name", false, false))
                        .options(RpcOption.bool("recursive", "r").withDefault(true), RpcOption.bool("nocache", "n"),
                                RpcOption.uint("dht-record-count", "dhtrc"), RpcOption.string("dht-timeout", "dhtt"),
                                RpcOption.bool("stream", "s"))
                        .run(NameCommands::resolve));
    }

    private static void publish(RpcRequest req, RpcResponse res) throws Exception {
        String target = req.argument(0);
        String value;
        if (target.startsWith("/ipfs/") || target.startsWith("/ipns/")) {
            value = target;
        } else {
            try {
                value = "/ipfs/" + Cid.parse(target);
            } catch (io.p2pkit.core.DecodeException e) {
                throw RpcError.failed("invalid path \"" + target + "\": path does not have enough components");
            }
        }
        Duration lifetime = GoDuration.parse(req.string("lifetime").orElse("48h"));
        Duration ttl = req.string("ttl").map(GoDuration::parse).orElse(Duration.ofHours(1));
        String keyName = req.string("key").orElse(Keystore.SELF);
        Keystore keystore = KeyCommands.keystore(req);
        PrivateKey key = keyName.equals(Keystore.SELF) ? req.node().host().identity()
                : keystore.get(keyName).orElseThrow(() -> RpcError.failed("no key by the given name was found"));
        KadDht dht = RoutingCommands.dht(req);
        PutResult r = IpnsNames.publish(dht, key, value, lifetime, ttl);
        if (r.peers() == 0 && !req.bool("allow-offline")) {
            throw RpcError.failed("can't publish while offline: pass `--allow-offline` to override");
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("Name", KeyCommands.name(new Keystore.Entry(keyName, key.publicKey().toPeerId()), req));
        o.put("Value", value);
        res.single(o);
    }

    private static void resolve(RpcRequest req, RpcResponse res) throws Exception {
        String name = req.arguments().isEmpty() ? "/ipns/" + req.node().peerId() : req.argument(0);
        String path = name.startsWith("/ipns/") ? name : "/ipns/" + name;
        try {
            IpnsNames.parseName(path);
        } catch (UsageException e) {
            throw RpcError.failed(e.getMessage());
        }
        String resolved = IpnsNames.resolve(RoutingCommands.dht(req), path, req.bool("recursive"));
        res.single(Map.of("Path", resolved));
    }
}
