package io.p2pkit.node.rpc;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.repo.RepoStat;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.cli.content.KuboJson;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code repo/stat} and {@code repo/gc}, in Kubo's shapes. */
final class RepoCommands {
    private RepoCommands() {
    }

    static List<RpcCommand> all() {
        return List.of(
                RpcCommand.at("repo/stat").options(RpcOption.bool("size-only", "s"), RpcOption.bool("human", "H"))
                        .run(RepoCommands::stat),
                RpcCommand.at("repo/gc")
                        .options(RpcOption.bool("stream-errors"), RpcOption.bool("quiet", "q"), RpcOption.bool("silent"))
                        .run(RepoCommands::gc));
    }

    private static void stat(RpcRequest req, RpcResponse res) throws Exception {
        RepoStat s = NodeContent.repository(req).stat();
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("RepoSize", s.repoSize());
        o.put("StorageMax", s.storageMax());
        if (!req.bool("size-only")) {
            o.put("NumObjects", s.numObjects());
            o.put("RepoPath", s.root().toString());
            o.put("Version", "p2pkit-repo@" + s.version());
        }
        res.single(o);
    }

    private static void gc(RpcRequest req, RpcResponse res) throws Exception {
        Repository repo = NodeContent.repository(req);
        boolean silent = req.bool("silent");
        try {
            repo.gc(List.of(), key -> {
                if (!silent) {
                    try {
                        res.emit(Map.of("Key", KuboJson.link(Cid.v1(Multicodec.RAW, key))));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
