package io.p2pkit.node.rpc;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.repo.RepoStat;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.cli.content.KuboJson;
import io.p2pkit.node.cli.content.RepoVerification;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code repo/stat}, {@code repo/gc}, {@code repo/verify} and {@code repo/version} (p2pkit's layout
 * version, {@code p2pkit-repo@N}), in Kubo's shapes.
 */
final class RepoCommands {
    private RepoCommands() {
    }

    static List<RpcCommand> all() {
        RpcCommand stat = RpcCommand.at("repo/stat").text(TextEncoders::repoStat)
                .options(RpcOption.bool("size-only", "s"), RpcOption.bool("human", "H")).run(RepoCommands::stat);
        return List.of(stat, stat.alias("stats/repo"),
                RpcCommand.at("repo/gc")
                        .options(RpcOption.bool("stream-errors"), RpcOption.bool("quiet", "q"), RpcOption.bool("silent"))
                        .run(RepoCommands::gc),
                RpcCommand.at("repo/version").options(RpcOption.bool("quiet", "q"))
                        .text((req, v) -> (req.bool("quiet") ? "" : "ipfs repo version ") + "p2pkit-repo@"
                                + ((Map<?, ?>) v).get("Version") + "\n")
                        .run((req, res) -> res.single(Map.of("Version", Integer.toString(Repository.VERSION)))),
                RpcCommand.at("repo/verify")
                        .options(RpcOption.bool("drop"), RpcOption.bool("heal"), RpcOption.string("heal-timeout"))
                        .run(RepoCommands::verify));
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

    /**
     * Kubo's stream: {@code {"Msg":<line>,"Progress":0}} per damaged block and {@code {"Msg":"","Progress":n}}
     * per block checked, then the summary as the last message, or, when damage was found and not
     * remedied, as the command's error (Kubo's exit status 1).
     */
    private static void verify(RpcRequest req, RpcResponse res) throws Exception {
        boolean heal = req.bool("heal");
        String text = req.string("heal-timeout").orElse("30s").strip();
        Duration timeout = GoDuration.parse(text);
        if (text.startsWith("-") && !GoDuration.parse(text.substring(1)).isZero()) {
            throw RpcError.failed("heal-timeout must be >= 0"); // GoDuration clamps negatives to zero
        }
        if (heal && NodeContent.offline(req)) {
            throw RpcError.failed("this command must be run in online mode. Try running 'ipfs daemon' first");
        }
        Optional<RepoVerification.Healer> healer = heal ? Optional.of(cid -> heal(req, cid, timeout)) : Optional.empty();
        AtomicLong lastEmitted = new AtomicLong();
        RepoVerification.Outcome outcome;
        try {
            outcome = RepoVerification.run(NodeContent.repository(req), req.bool("drop"), healer,
                    n -> emitProgress(res, n, lastEmitted), msg -> emit(res, msg, 0));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        if (outcome.failed()) {
            throw RpcError.failed(outcome.summary());
        }
        emit(res, outcome.summary(), 0);
    }

    private static void heal(RpcRequest req, Cid cid, Duration timeout) throws IOException, InterruptedException {
        var content = NodeContent.content(req);
        content.bitswap().fetchDag(cid, block -> List.of(), (block, fetched) -> { }, timeout);
        if (!content.repository().blocks().local().has(cid.multihash())) {
            throw new IOException("not found within " + timeout.toSeconds() + "s");
        }
    }

    /** One progress object per block file, as Kubo; the callback may repeat a count, which is sent once. */
    private static void emitProgress(RpcResponse res, long n, AtomicLong last) {
        if (n > last.get()) {
            last.set(n);
            emit(res, "", n);
        }
    }

    private static void emit(RpcResponse res, String msg, long progress) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("Msg", msg);
        o.put("Progress", progress);
        try {
            res.emit(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
