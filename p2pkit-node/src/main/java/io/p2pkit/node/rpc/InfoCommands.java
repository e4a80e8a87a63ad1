package io.p2pkit.node.rpc;

import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeVersion;
import io.p2pkit.node.cli.content.RuntimeDependencies;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code id}, {@code version}, {@code version/deps} and {@code version/check}: who the node is and
 * what it runs with, in Kubo's shapes.
 */
final class InfoCommands {
    private InfoCommands() {
    }

    static List<RpcCommand> all() {
        return List.of(
                RpcCommand.at("id").args(RpcArgument.string("peerid", false, false))
                        .options(RpcOption.string("format", "f"), RpcOption.string("peerid-base").withDefault("b58mh"))
                        .run(InfoCommands::id),
                RpcCommand.at("version").text(TextEncoders::version)
                        .options(RpcOption.bool("number", "n"), RpcOption.bool("commit"), RpcOption.bool("repo"),
                                RpcOption.bool("all"))
                        .run(InfoCommands::version),
                RpcCommand.at("version/deps").text((req, v) -> ((Map<?, ?>) v).get("Path") + "@" + ((Map<?, ?>) v).get("Version") + "\n")
                        .run(InfoCommands::deps),
                RpcCommand.at("version/check").text((req, v) -> GoValueText.of(v))
                        .options(RpcOption.integer("min-percent", "t").withDefault((int) VersionCheck.DEFAULT_MIN_PERCENT))
                        .run((req, res) -> res.single(VersionCheck.check(req.node(), req.number("min-percent").orElse(0L)))));
    }

    private static void id(RpcRequest req, RpcResponse res) throws Exception {
        Node node = req.node();
        if (!req.arguments().isEmpty() && !req.argument(0).equals(node.peerId().toString())) {
            throw RpcError.failed("looking up other peers is not supported by this node: give no argument, or its own ID");
        }
        List<String> addresses = new ArrayList<>();
        for (Multiaddr a : node.addresses()) {
            String s = a.toString();
            addresses.add(s.contains("/p2p/") ? s : s + "/p2p/" + node.peerId());
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("ID", node.peerId().toString());
        o.put("PublicKey", Base64.getEncoder().encodeToString(node.host().identity().publicKey().marshal()));
        o.put("Addresses", addresses);
        o.put("AgentVersion", node.host().agentVersion());
        o.put("Protocols", node.host().protocols());
        res.single(o);
    }

    private static void version(RpcRequest req, RpcResponse res) throws Exception {
        res.single(versionInfo(req));
    }

    /** Kubo's version information: {@code version}'s answer and {@code diag/profile}'s version.json. */
    static Map<String, Object> versionInfo(RpcRequest req) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("Version", NodeVersion.get());
        o.put("Commit", "");
        o.put("Repo", req.node().content().map(c -> Integer.toString(repoVersion(c))).orElse(""));
        o.put("System", SystemDiagnostics.goArch() + "/" + System.getProperty("os.name", "").toLowerCase(Locale.ROOT));
        o.put("Golang", "java" + System.getProperty("java.version"));
        return o;
    }

    /** Kubo lists its Go modules; p2pkit its libraries' Maven coordinates, one value each. */
    private static void deps(RpcRequest req, RpcResponse res) throws Exception {
        for (RuntimeDependencies.Dependency d : RuntimeDependencies.list()) {
            res.emit(d.json());
        }
    }

    private static int repoVersion(io.p2pkit.node.exchange.ContentService content) {
        try {
            return content.repository().stat().version();
        } catch (java.io.IOException e) {
            throw RpcError.failed("reading the repository: " + e.getMessage());
        }
    }
}
