package io.p2pkit.node.rpc;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.cli.content.BlockNotFoundException;
import io.p2pkit.node.cli.content.DagRefs;
import io.p2pkit.node.cli.content.KuboJson;
import io.p2pkit.node.cli.options.RepoOption;
import io.p2pkit.node.multiformats.CidEncoder;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code refs} (the links of DAGs) and {@code refs/local} (every block here; {@code repo/ls} is
 * another name of it, as in Kubo 0.39), as Kubo's: a stream
 * of {@code {"Ref":…,"Err":""}}; a walk that fails sends its error as {@code {"Ref":"","Err":…}}
 * and the next argument's walk goes on (with {@code enc=text}, Kubo's text encoder ends the
 * output there and the error goes in the trailer).
 */
final class RefsCommands {
    private static final String EDGES = "<src> -> <dst>";

    private RefsCommands() {
    }

    static List<RpcCommand> all() {
        RpcCommand local = RpcCommand.at("refs/local").text(TextEncoders::ref).run(RefsCommands::local);
        return List.of(
                RpcCommand.at("refs").text(TextEncoders::ref).args(RpcArgument.string("ipfs-path", true, true).withStdin())
                        .options(RpcOption.string("format").withDefault("<dst>"), RpcOption.bool("edges", "e"),
                                RpcOption.bool("unique", "u"), RpcOption.bool("recursive", "r"),
                                RpcOption.integer("max-depth").withDefault(-1))
                        .run(RefsCommands::refs),
                local, local.alias("repo/ls")); // Kubo 0.39 serves refs/local under repo/ls too
    }

    private static void refs(RpcRequest req, RpcResponse res) throws Exception {
        req.parseBodyArguments();
        CidEncoder enc = req.cidEncoder(); // before the options' checks, as Kubo
        String format = format(req);
        // without recursive, only the roots' own links, whatever max-depth says (as Kubo)
        int maxDepth = req.bool("recursive") ? req.number("max-depth").orElseThrow().intValue() : 1;
        Repository repo = NodeContent.repository(req);
        FetchingBlocks blocks = FetchingBlocks.of(req);
        List<Cid> roots = new ArrayList<>();
        for (String arg : req.arguments()) { // every argument resolves before any output, as Kubo's
            roots.add(KuboPaths.resolveCid(req, blocks, arg));
        }
        // a block's children come in one batch before they are read, as Kubo's walk asks for them
        DagRefs refs = new DagRefs(blocks, req.bool("unique"), maxDepth,
                parent -> blocks.ensure(parent, RepoOption.codecs(true)));
        for (Cid root : roots) {
            String error = walk(refs, root, edge -> emit(req, res, edge.format(format, enc), ""));
            if (error != null) {
                emit(req, res, "", error);
            }
        }
    }

    /** The format asked for: {@code edges} is {@code <src> -> <dst>}, and refuses another format (as Kubo). */
    private static String format(RpcRequest req) {
        String format = req.string("format").orElseThrow();
        if (!req.bool("edges")) {
            return format;
        }
        if (!format.equals("<dst>")) {
            throw RpcError.failed("using format argument with edges is not allowed");
        }
        return EDGES;
    }

    /** One walk; its failure in Kubo's words, or null. */
    private static String walk(DagRefs refs, Cid root, DagRefs.Out out) throws IOException {
        try {
            refs.walk(root, out);
            return null;
        } catch (BlockNotFoundException e) {
            // Kubo reads the root alone, a block's children as one batch that fails as a whole
            return e.parent().isPresent() ? "failed to fetch all nodes" : KuboPaths.notFound(e.cid()).getMessage();
        } catch (InterruptedIOException e) {
            throw e; // the request's deadline, or its client gone
        } catch (IOException | RpcError | IllegalArgumentException e) {
            return Errors.toRpc(e).getMessage();
        }
    }

    private static void local(RpcRequest req, RpcResponse res) throws Exception {
        try (Stream<Multihash> keys = NodeContent.repository(req).blocks().keys()) {
            // as Kubo's blockstore lists its keys: each multihash as a CIDv1 of a raw block
            for (Iterator<Multihash> it = keys.iterator(); it.hasNext(); ) {
                emit(req, res, Cid.v1(Multicodec.RAW, it.next()).toString(), "");
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static void emit(RpcRequest req, RpcResponse res, String ref, String error) throws IOException {
        if (!error.isEmpty() && req.string("encoding").orElse("json").equals("text")) {
            res.flushHeaders(); // Kubo's text encoder fails on the error after the answer began
            throw RpcError.failed(error);
        }
        res.emit(KuboJson.ref(ref, error));
    }
}
