package io.p2pkit.node.cli.command.dag;

import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.codec.Codecs;
import io.p2pkit.ipfs.codec.EncodeException;
import io.p2pkit.ipfs.ipld.Link;
import io.p2pkit.ipfs.ipld.Node;
import io.p2pkit.ipfs.path.ResolvedPath;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.cli.CliCommand;
import io.p2pkit.node.cli.UsageException;
import io.p2pkit.node.cli.content.BlockNotFoundException;
import io.p2pkit.node.cli.content.CodecNames;
import io.p2pkit.node.cli.content.ContentPath;
import io.p2pkit.node.cli.content.DaemonApi;
import io.p2pkit.node.cli.content.StdoutStream;
import io.p2pkit.node.cli.options.JsonOption;
import io.p2pkit.node.cli.options.RepoOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.InputStream;
import java.util.List;
import java.util.Map;

/** {@code p2pkit dag get}: a node, or a value inside one, encoded with {@code --output-codec}. */
@Command(name = "get", description = {
        "Print an IPLD node, or the value a path leads to, in a codec (default dag-json).",
        "",
        "Takes a CID or a path: CID/a/b walks map keys and list indexes (and DAG-PB link names), crossing links; a "
                + "path that ends on a link prints the node it links to. A segment that is not there is an error naming "
                + "it. The bytes are written as the codec makes them, without a newline, as Kubo does.",
        ""},
        footer = {"", "With --json: the node as dag-json, followed by a newline (so --output-codec must be dag-json)."})
final class DagGetCommand extends CliCommand {
    @Parameters(index = "0", paramLabel = "CID|PATH", description = "the node, or a path into it")
    private String arg;

    @Option(names = "--output-codec", paramLabel = "CODEC",
            description = "the codec to print the node in: dag-json (default), dag-cbor, dag-pb, raw")
    private String outputCodec;

    @Mixin
    private RepoOption repo;

    @Mixin
    private JsonOption output;

    @Override
    protected int run() throws Exception {
        Codecs codecs = RepoOption.codecs(true);
        long codec = outputCodec == null ? Multicodec.DAG_JSON : CodecNames.supportedCodec("--output-codec", outputCodec, codecs);
        if (output.json() && codec != Multicodec.DAG_JSON) {
            throw new UsageException("--json prints dag-json: drop --output-codec " + outputCodec + " or --json");
        }
        boolean daemon = DaemonApi.use(repo.root(), api -> {
            try (InputStream in = api.post("dag/get", List.of(arg), Map.of("output-codec", Multicodec.nameOf(codec)));
                 StdoutStream out = new StdoutStream(console().out())) {
                in.transferTo(out);
                if (output.json()) {
                    out.write('\n');
                }
            }
        });
        if (daemon) {
            return 0;
        }
        Node node;
        try (Repository r = repo.open()) {
            ResolvedPath resolved = ContentPath.resolve(r, ContentPath.parse(arg));
            node = resolved.node();
            if (node instanceof Link link) {
                Block block = r.blocks().local().get(link.cid()).orElseThrow(() -> new BlockNotFoundException(link.cid()));
                node = codecs.decode(block);
            }
        }
        byte[] bytes;
        try {
            bytes = codecs.get(codec).encode(node);
        } catch (EncodeException e) {
            throw new UsageException("--output-codec " + Multicodec.nameOf(codec) + " cannot write this " + node.kind()
                    + ": " + e.getMessage());
        }
        try (StdoutStream out = new StdoutStream(console().out())) {
            out.write(bytes);
            if (output.json()) {
                out.write('\n');
            }
        }
        return 0;
    }
}
