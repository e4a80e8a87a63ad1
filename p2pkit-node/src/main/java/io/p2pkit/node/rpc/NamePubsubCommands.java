package io.p2pkit.node.rpc;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.node.ipnsps.IpnsPubsub;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code name/pubsub/state|subs|cancel}: the state of IPNS over pubsub and its name subscriptions,
 * in Kubo's shapes and with Kubo's errors when it is off.
 */
final class NamePubsubCommands {
    /** Kubo's error (a client error) when IPNS over pubsub is off. */
    static final String NOT_ENABLED = "IPNS pubsub subsystem is not enabled";

    private NamePubsubCommands() {
    }

    static List<RpcCommand> all() {
        return List.of(
                RpcCommand.at("name/pubsub/state").text((req, v) -> (Boolean.TRUE.equals(((Map<?, ?>) v).get("Enabled"))
                                ? "enabled" : "disabled") + "\n")
                        .run(NamePubsubCommands::state),
                RpcCommand.at("name/pubsub/subs").text(TextEncoders::lines)
                        .options(RpcOption.string("ipns-base").withDefault("base36"))
                        .run(NamePubsubCommands::subs),
                RpcCommand.at("name/pubsub/cancel").text((req, v) -> (Boolean.TRUE.equals(((Map<?, ?>) v).get("Canceled"))
                                ? "canceled" : "no subscription") + "\n")
                        .args(RpcArgument.string("name", true, false))
                        .run(NamePubsubCommands::cancel));
    }

    private static IpnsPubsub enabled(RpcRequest req) {
        return req.node().ipnsPubsub().orElseThrow(() -> RpcError.client(NOT_ENABLED));
    }

    private static void state(RpcRequest req, RpcResponse res) throws Exception {
        res.single(Map.of("Enabled", req.node().ipnsPubsub().isPresent()));
    }

    private static void subs(RpcRequest req, RpcResponse res) throws Exception {
        KeyCommands.name(req.node().peerId(), req); // an unknown --ipns-base fails first, as in Kubo
        IpnsPubsub pubsub = enabled(req);
        List<String> names = new ArrayList<>();
        for (PeerId id : pubsub.subscriptions()) {
            names.add("/ipns/" + KeyCommands.name(id, req));
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("Strings", names.isEmpty() ? null : names); // Kubo's nil slice
        res.single(o);
    }

    private static void cancel(RpcRequest req, RpcResponse res) throws Exception {
        IpnsPubsub pubsub = enabled(req);
        String name = req.argument(0);
        if (name.startsWith("/ipns/")) {
            name = name.substring("/ipns/".length());
        }
        PeerId id;
        try {
            id = PeerId.parse(name);
        } catch (IllegalArgumentException e) {
            throw RpcError.client("not a valid IPNS name: failed to parse peer ID: " + GoCidErrors.ofPeerId(name, e));
        }
        boolean canceled;
        try {
            canceled = pubsub.cancel(id);
        } catch (IllegalStateException e) {
            throw RpcError.failed(e.getMessage());
        }
        res.single(Map.of("Canceled", canceled));
    }
}
