package io.p2pkit.node.rpc;

import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.node.http.HttpAddress;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code config/show}: the node's settings laid out as the sections of Kubo's config file that
 * p2pkit has (no private key, as Kubo leaves it out).
 */
final class ConfigCommands {
    private ConfigCommands() {
    }

    static List<RpcCommand> all() {
        return List.of(RpcCommand.at("config/show").run(ConfigCommands::show));
    }

    private static void show(RpcRequest req, RpcResponse res) throws Exception {
        NodeConfig c = req.node().config();
        Map<String, Object> identity = new LinkedHashMap<>();
        identity.put("PeerID", req.node().peerId().toString());
        Map<String, Object> addresses = new LinkedHashMap<>();
        addresses.put("API", c.api().map(h -> List.of(HttpAddress.multiaddr(h.address()))).orElse(List.of()));
        addresses.put("Gateway", c.gateway().map(h -> List.of(HttpAddress.multiaddr(h.address()))).orElse(List.of()));
        addresses.put("Swarm", c.listen().stream().map(Multiaddr::toString).toList());
        Map<String, Object> routing = new LinkedHashMap<>();
        routing.put("Type", c.dht().map(d -> d.mode().name().toLowerCase(java.util.Locale.ROOT).equals("client")
                ? "dhtclient" : "dht").orElse("none"));
        Map<String, Object> pubsub = new LinkedHashMap<>();
        pubsub.put("Enabled", c.pubsub().isPresent());
        pubsub.put("Router", c.pubsub().map(p -> p.router().name().toLowerCase(java.util.Locale.ROOT)).orElse(""));
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("Identity", identity);
        o.put("Addresses", addresses);
        o.put("Bootstrap", c.bootstrap().stream().flatMap(ConfigCommands::bootstrapAddresses).toList());
        o.put("Routing", routing);
        o.put("Pubsub", pubsub);
        if (c.content().isPresent()) {
            Map<String, Object> datastore = new LinkedHashMap<>();
            datastore.put("Path", c.content().get().repo().toString());
            datastore.put("StorageMax", Long.toString(NodeContent.repository(req).stat().storageMax()));
            o.put("Datastore", datastore);
        }
        res.single(o);
    }

    private static java.util.stream.Stream<String> bootstrapAddresses(PeerInfo p) {
        return p.addresses().stream().map(a -> a + "/p2p/" + p.peerId());
    }
}
