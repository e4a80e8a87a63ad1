package io.p2pkit.node.cli.command.block;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.ipld.MapNode;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.content.BlockNotFoundException;
import io.p2pkit.node.cli.content.ContentPath;
import io.p2pkit.node.cli.content.DaemonApi;
import io.p2pkit.node.cli.content.StdoutStream;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.RepoOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code p2pkit block get}: a block's bytes on stdout. */
@Command(name = "get", description = {
        "Write a block's bytes to stdout.",
        "",
        "Takes a CID or a path (/ipfs/<cid>/a/b: the block the path leads to). The bytes are checked against "
                + "the CID as they are read; a damaged block file is an error naming it.",
        ""},
        footer = {"", "With --json: {\"Key\":…,\"Size\":…,\"Data\":<base64>} (Kubo writes the bytes whatever --enc says)."})
final class BlockGetCommand extends CliCommand {
    @Parameters(index = "0", paramLabel = "CID|PATH", description = "the block")
    private String arg;

    @Mixin
    private RepoOption repo;

    @Mixin
    private JsonOption output;

    @Override
    protected int run() throws Exception {
        if (DaemonApi.use(repo.root(), this::throughDaemon)) {
            return 0;
        }
        try (Repository r = repo.open()) {
            Cid cid = ContentPath.resolveCid(r, arg);
            Block block = r.blocks().local().get(cid).orElseThrow(() -> new BlockNotFoundException(cid));
            if (output.json()) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("Key", cid.toString());
                o.put("Size", block.size());
                o.put("Data", Base64.getEncoder().encodeToString(block.data()));
                console().json(o);
            } else {
                try (StdoutStream out = new StdoutStream(console().out())) {
                    out.write(block.data());
                }
            }
        }
        return 0;
    }

    /** The daemon's {@code block/get}: the bytes, or (--json) its {@code block/stat} with them. */
    private void throughDaemon(DaemonApi api) throws IOException {
        if (!output.json()) {
            try (InputStream in = api.post("block/get", List.of(arg), Map.of());
                 StdoutStream out = new StdoutStream(console().out())) {
                in.transferTo(out);
            }
            return;
        }
        MapNode stat = api.object("block/stat", List.of(arg), Map.of());
        byte[] data;
        try (InputStream in = api.post("block/get", List.of(arg), Map.of())) {
            data = in.readAllBytes();
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("Key", DaemonApi.text(stat, "Key"));
        o.put("Size", data.length);
        o.put("Data", Base64.getEncoder().encodeToString(data));
        console().json(o);
    }
}
