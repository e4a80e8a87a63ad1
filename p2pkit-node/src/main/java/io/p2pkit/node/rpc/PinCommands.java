package io.p2pkit.node.rpc;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.pin.Pin;
import io.p2pkit.ipfs.pin.PinStatus;
import io.p2pkit.ipfs.pin.PinType;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.node.multiformats.CidEncoder;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@code pin/add|ls|rm|update|verify}, in Kubo's shapes. */
final class PinCommands {
    private PinCommands() {
    }

    static List<RpcCommand> all() {
        return List.of(
                RpcCommand.at("pin/add").text(TextEncoders::pinned).args(RpcArgument.string("ipfs-path", true, true).withStdin())
                        .options(RpcOption.bool("recursive", "r").withDefault(true), RpcOption.string("name", "n"),
                                RpcOption.bool("progress"), RpcOption.bool("fast-provide-root"), RpcOption.bool("fast-provide-wait"))
                        .run(PinCommands::add),
                RpcCommand.at("pin/rm").text(TextEncoders::unpinned).args(RpcArgument.string("ipfs-path", true, true).withStdin())
                        .options(RpcOption.bool("recursive", "r").withDefault(true))
                        .run(PinCommands::rm),
                RpcCommand.at("pin/ls").text(TextEncoders::pins).args(RpcArgument.string("ipfs-path", false, true))
                        .options(RpcOption.string("type", "t").withDefault("all"), RpcOption.bool("quiet", "q"),
                                RpcOption.string("name", "n"), RpcOption.bool("stream", "s"), RpcOption.bool("names"))
                        .run(PinCommands::ls),
                RpcCommand.at("pin/update").text(TextEncoders::pinUpdated)
                        .args(RpcArgument.string("from-path", true, false), RpcArgument.string("to-path", true, false))
                        .options(RpcOption.bool("unpin").withDefault(true))
                        .run(PinCommands::update),
                RpcCommand.at("pin/verify").options(RpcOption.bool("verbose"), RpcOption.bool("quiet", "q"))
                        .run(PinCommands::verify));
    }

    /** Kubo's {@code pin/verify}: one value per broken recursive pin (every pin with {@code verbose}). */
    private static void verify(RpcRequest req, RpcResponse res) throws Exception {
        boolean verbose = req.bool("verbose");
        boolean quiet = req.bool("quiet");
        if (verbose && quiet) {
            throw RpcError.failed("the --verbose and --quiet options cannot be used together");
        }
        CidEncoder enc = req.cidEncoder();
        for (io.p2pkit.ipfs.pin.PinVerifyResult p : NodeContent.repository(req).pinner().verify()) {
            if (!p.ok() || verbose) {
                res.emit(io.p2pkit.node.cli.content.KuboJson.pinVerify(p, quiet, enc));
            }
        }
    }

    private static void add(RpcRequest req, RpcResponse res) throws Exception {
        Repository repo = NodeContent.repository(req);
        boolean recursive = req.bool("recursive");
        String name = req.string("name").orElse("");
        req.parseBodyArguments();
        CidEncoder enc = req.cidEncoder();
        List<String> pinned = new ArrayList<>();
        io.p2pkit.ipfs.pin.Pinner.DagSource source = NodeContent.dagSource(req);
        for (String arg : req.arguments()) {
            // Online, the path's blocks are fetched as it is resolved, then a recursive pin's DAG
            // as the pin takes it (256 blocks at a time, each handed over as it arrives).
            Cid cid = KuboPaths.resolveCid(req, FetchingBlocks.of(req), arg);
            repo.pinner().pin(cid, recursive ? PinType.RECURSIVE : PinType.DIRECT, name, n -> { }, source);
            pinned.add(enc.encode(cid));
            NodeContent.fastProvide(req, List.of(cid), true); // Kubo 0.41's: the pinned root at once
        }
        res.single(Map.of("Pins", pinned));
    }

    /**
     * Kubo's {@code pin/update}: the paths resolved (fetching the blocks on the way), then the pin
     * moved; online, what the new DAG has beyond the old one is fetched in batches as the pin takes it.
     */
    private static void update(RpcRequest req, RpcResponse res) throws Exception {
        Repository repo = NodeContent.repository(req);
        CidEncoder enc = req.cidEncoder();
        FetchingBlocks blocks = FetchingBlocks.of(req);
        Cid from = KuboPaths.resolveCid(req, blocks, req.argument(0));
        Cid to = KuboPaths.resolveCid(req, blocks, req.argument(1));
        repo.pinner().update(from, to, req.bool("unpin"), NodeContent.dagSource(req));
        res.single(Map.of("Pins", List.of(enc.encode(from), enc.encode(to))));
    }

    private static void rm(RpcRequest req, RpcResponse res) throws Exception {
        Repository repo = NodeContent.repository(req);
        req.parseBodyArguments();
        CidEncoder enc = req.cidEncoder();
        List<String> unpinned = new ArrayList<>();
        for (String arg : req.arguments()) {
            Cid cid = KuboPaths.resolveCid(req, arg);
            repo.pinner().unpin(cid, req.bool("recursive"));
            unpinned.add(enc.encode(cid));
        }
        res.single(Map.of("Pins", unpinned));
    }

    private static void ls(RpcRequest req, RpcResponse res) throws Exception {
        Repository repo = NodeContent.repository(req);
        String type = req.string("type").orElse("all");
        Set<PinType> types;
        try {
            types = PinType.select(type);
        } catch (IllegalArgumentException e) {
            throw RpcError.failed("invalid type '" + type + "', must be one of {direct, indirect, recursive, all}");
        }
        Optional<String> nameFilter = req.string("name");
        boolean names = req.bool("names") || nameFilter.isPresent();
        boolean stream = req.bool("stream");
        CidEncoder enc = req.cidEncoder(); // after the type's check, as Kubo
        List<PinStatus> pins = new ArrayList<>();
        if (req.arguments().isEmpty()) {
            for (Pin p : repo.pinner().ls(types)) {
                if (nameFilter.isEmpty() || p.name().contains(nameFilter.get())) {
                    pins.add(new PinStatus(p, Optional.empty()));
                }
            }
        } else {
            for (String arg : req.arguments()) {
                Cid cid = KuboPaths.resolveCid(req, arg);
                Optional<PinStatus> pin = repo.pinner().status(cid);
                if (pin.isEmpty() || !types.contains(pin.get().pin().type())) {
                    throw RpcError.failed("path '" + arg + "' is not pinned");
                }
                pins.add(pin.get()); // an indirect one says through which pin, as Kubo's
            }
        }
        if (stream) {
            for (PinStatus s : pins) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("Cid", enc.encode(s.pin().cid()));
                if (names && !s.pin().name().isEmpty()) {
                    o.put("Name", s.pin().name());
                }
                o.put("Type", s.kuboType(enc::encode));
                res.emit(o);
            }
            return;
        }
        Map<String, Object> keys = new LinkedHashMap<>();
        for (PinStatus s : pins) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("Type", s.kuboType(enc::encode));
            v.put("Name", names ? s.pin().name() : "");
            keys.putIfAbsent(enc.encode(s.pin().cid()), v);
        }
        res.single(Map.of("Keys", keys));
    }
}
