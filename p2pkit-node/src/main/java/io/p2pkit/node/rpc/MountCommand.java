package io.p2pkit.node.rpc;

import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.fuse.FuseMounts;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Kubo's {@code mount}: the node's {@code /ipfs}, {@code /ipns} and {@code /mfs} as FUSE file
 * systems ({@link FuseMounts}), at the options' directories or the config's {@code Mounts.*}
 * ({@code /ipfs}, {@code /ipns}, {@code /mfs} by default). Answers Kubo's {@code Mounts} JSON and
 * its text.
 */
final class MountCommand {
    private MountCommand() {
    }

    static List<RpcCommand> all() {
        return List.of(RpcCommand.at("mount")
                .options(RpcOption.string("ipfs-path", "f"), RpcOption.string("ipns-path", "n"),
                        RpcOption.string("mfs-path", "m"))
                .text((req, v) -> {
                    Map<?, ?> m = (Map<?, ?>) v;
                    return "IPFS mounted at: " + io.p2pkit.node.cli.content.GoQuote.escNonPrint(String.valueOf(m.get("IPFS"))) + "\n"
                            + "IPNS mounted at: " + io.p2pkit.node.cli.content.GoQuote.escNonPrint(String.valueOf(m.get("IPNS"))) + "\n"
                            + "MFS mounted at: " + io.p2pkit.node.cli.content.GoQuote.escNonPrint(String.valueOf(m.get("MFS"))) + "\n";
                })
                .run(MountCommand::mount));
    }

    private static void mount(RpcRequest req, RpcResponse res) throws IOException {
        Path repo = ConfigCommands.repository(req);
        NodeContent.content(req);
        RepoConfig config = Repository.readConfig(repo);
        String ipfs = req.string("ipfs-path").orElse(config.get("mounts.ipfs").orElse("/ipfs"));
        String ipns = req.string("ipns-path").orElse(config.get("mounts.ipns").orElse("/ipns"));
        String mfs = req.string("mfs-path").orElse(config.get("mounts.mfs").orElse("/mfs"));
        boolean allowOther = Boolean.parseBoolean(config.get("mounts.fuseAllowOther").orElse("false").strip());
        try {
            FuseMounts.mount(req.node(), new FuseMounts.Mountpoints(ipfs, ipns, mfs), allowOther, false);
        } catch (IOException e) {
            throw RpcError.failed(e.getMessage());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("IPFS", ipfs);
        out.put("IPNS", ipns);
        out.put("MFS", mfs);
        out.put("FuseAllowOther", allowOther);
        res.single(out);
    }
}
