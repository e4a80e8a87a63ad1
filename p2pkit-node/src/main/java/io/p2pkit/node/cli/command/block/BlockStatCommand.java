package io.p2pkit.node.cli.command.block;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.content.BlockNotFoundException;
import io.p2pkit.node.cli.content.ContentPath;
import io.p2pkit.node.cli.content.DaemonApi;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.RepoOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/** {@code p2pkit block stat}: a block's CID and size. */
@Command(name = "stat", description = {
        "Print a block's CID and size.",
        "",
        "As Kubo: 'Key: <cid>' and 'Size: <bytes>'. Takes a CID or a path.",
        ""},
        footer = {"", "With --json: {\"Key\":…,\"Size\":…} (Kubo's shape)"})
final class BlockStatCommand extends CliCommand {
    @Parameters(index = "0", paramLabel = "CID|PATH", description = "the block")
    private String arg;

    @Mixin
    private RepoOption repo;

    @Mixin
    private JsonOption output;

    @Override
    protected int run() throws Exception {
        boolean daemon = DaemonApi.use(repo.root(), api -> {
            MapNode m = api.object("block/stat", List.of(arg), Map.of());
            String key = DaemonApi.text(m, "Key");
            long size = DaemonApi.number(m, "Size");
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("Key", key);
            o.put("Size", size);
            output.print(console(), o, "Key: " + key + "\nSize: " + size);
        });
        if (daemon) {
            return 0;
        }
        try (Repository r = repo.open()) {
            Cid cid = ContentPath.resolveCid(r, arg);
            OptionalInt size = r.blocks().sizeOf(cid.multihash());
            if (size.isEmpty()) {
                throw new BlockNotFoundException(cid);
            }
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("Key", cid.toString());
            o.put("Size", size.getAsInt());
            output.print(console(), o, "Key: " + cid + "\nSize: " + size.getAsInt());
        }
        return 0;
    }
}
