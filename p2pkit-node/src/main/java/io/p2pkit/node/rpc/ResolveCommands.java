package io.p2pkit.node.rpc;

import io.p2pkit.ipfs.path.IpfsPath;
import io.p2pkit.ipfs.path.IpfsUri;
import io.p2pkit.ipfs.path.ResolvedPath;
import io.p2pkit.node.cli.content.ResolvedText;
import io.p2pkit.node.multiformats.CidEncoder;

import java.util.List;
import java.util.Map;

/**
 * {@code resolve}, as Kubo's: an {@code /ipns/} name (one step without {@code recursive}), then a
 * path inside DAGs, to {@code {"Path":"/ipfs/<cid>[/<rest inside its block>]"}}.
 */
final class ResolveCommands {
    private ResolveCommands() {
    }

    static List<RpcCommand> all() {
        return List.of(RpcCommand.at("resolve").text(TextEncoders::path).args(RpcArgument.string("name", true, false).withStdin())
                .options(RpcOption.bool("recursive", "r").withDefault(true),
                        RpcOption.integer("dht-record-count", "dhtrc"), RpcOption.string("dht-timeout", "dhtt"))
                .run(ResolveCommands::resolve));
    }

    private static void resolve(RpcRequest req, RpcResponse res) throws Exception {
        String name = IpfsUri.toPath(req.argument(0)); // a native URI as its path (Kubo 0.43)
        if (name.startsWith("/ipns/") && !req.bool("recursive")) {
            req.string("dht-timeout").ifPresent(ResolveCommands::checkTimeout);
            // one step: the name's value as it is, not resolved further (as Kubo)
            KuboPaths.requireComponents(name);
            res.single(Map.of("Path", NameCommands.resolveName(req, name, false, true)));
            return;
        }
        CidEncoder enc = ResolvedText.encoder(name, req.cidBaseGiven(), req::cidEncoder);
        String path = KuboPaths.withoutName(req, name);
        IpfsPath parsed = KuboPaths.parse(path);
        ResolvedPath resolved = parsed.segments().isEmpty() ? ResolvedText.unread(parsed)
                : KuboPaths.resolve(req, FetchingBlocks.of(req), path);
        res.single(Map.of("Path", ResolvedText.of(resolved, enc)));
    }

    /** Kubo parses the DHT timeout only here, and refuses a negative one. */
    private static void checkTimeout(String text) {
        boolean negative;
        try {
            GoDuration.parse(text);
            // GoDuration reads a negative duration as zero: its size is what follows the sign
            negative = text.startsWith("-") && !GoDuration.parse(text.substring(1)).isZero();
        } catch (RpcError e) {
            throw RpcError.failed(e.getMessage()); // the command's error, not the request's
        }
        if (negative) {
            throw RpcError.failed("DHT timeout value must be >= 0");
        }
    }
}
