package io.p2pkit.node.rpc;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.node.multiformats.CidConverter;
import io.p2pkit.node.multiformats.CidFormatter;
import io.p2pkit.node.multiformats.CodeLists;

import java.util.List;
import java.util.Optional;

/** {@code cid/format|base32|bases|codecs|hashes}, in Kubo's shapes; they need no repository. */
final class CidCommands {
    private CidCommands() {
    }

    static List<RpcCommand> all() {
        return List.of(
                RpcCommand.at("cid/format").text(TextEncoders::cidFormatRes).args(RpcArgument.string("cid", true, true).withStdin())
                        .options(RpcOption.string("f").withDefault("%s"), RpcOption.string("v"), RpcOption.string("mc"),
                                RpcOption.string("b"))
                        .run((req, res) -> convert(req, res, converter(req))),
                RpcCommand.at("cid/base32").text(TextEncoders::cidFormatRes).args(RpcArgument.string("cid", true, true).withStdin())
                        .run((req, res) -> convert(req, res, CidConverter.base32())),
                RpcCommand.at("cid/inspect").args(RpcArgument.string("cid", true, false).withStdin())
                        .text((req, v) -> io.p2pkit.node.multiformats.CidInspection.text((java.util.Map<?, ?>) v))
                        .run(CidCommands::inspect),
                bases("cid/bases"),
                RpcCommand.at("cid/codecs").text(TextEncoders::codes)
                        .options(RpcOption.bool("numeric", "n"), RpcOption.bool("supported", "s"))
                        .run((req, res) -> res.single(CodeLists.json(CodeLists.codecs(req.bool("supported"))))),
                RpcCommand.at("cid/hashes").text(TextEncoders::codes)
                        .options(RpcOption.bool("numeric", "n"), RpcOption.bool("supported", "s"))
                        .run((req, res) -> res.single(CodeLists.json(CodeLists.hashes(req.bool("supported"))))));
    }

    /**
     * Kubo 0.41's {@code cid/inspect}: the CID taken apart; text that is not a CID answers its
     * {@code errorMsg} in JSON, and fails as text (Kubo's encoder returns it as the error).
     */
    private static void inspect(RpcRequest req, RpcResponse res) throws Exception {
        java.util.Map<String, Object> o = io.p2pkit.node.multiformats.CidInspection.inspect(req.argument(0));
        if (o.containsKey("errorMsg") && req.string("encoding").orElse("json").equals("text")) {
            throw RpcError.failed((String) o.get("errorMsg"));
        }
        res.single(o);
    }

    /** Kubo's {@code cid bases}, also served as {@code multibase/list}. */
    static RpcCommand bases(String path) {
        return RpcCommand.at(path).text(TextEncoders::bases).options(RpcOption.bool("prefix"), RpcOption.bool("numeric"))
                .run((req, res) -> res.single(CodeLists.json(CodeLists.bases())));
    }

    private static CidConverter converter(RpcRequest req) {
        try {
            return CidConverter.format(req.string("f").orElse("%s"), req.string("v").orElse(null),
                    req.string("mc").orElse(null), req.string("b").orElse(null));
        } catch (IllegalArgumentException e) {
            throw RpcError.failed(e.getMessage());
        }
    }

    /**
     * One {@code {"CidStr","Formatted","ErrorMsg"}} per CID, the arguments' then the body's lines'
     * (read as it goes, each trimmed as Go's strings.TrimSpace trims, as Kubo's); a wrong format
     * string ends the command.
     */
    private static void convert(RpcRequest req, RpcResponse res, CidConverter converter) throws Exception {
        for (String arg : req.arguments()) {
            emit(res, converter, arg);
        }
        for (Optional<String> line; (line = req.nextBodyArgument()).isPresent(); ) {
            emit(res, converter, GoStrings.trimSpace(line.get()));
        }
    }

    private static void emit(RpcResponse res, CidConverter converter, String cid) throws Exception {
        try {
            Cid.parse(cid);
        } catch (IllegalArgumentException e) {
            // a CID that does not read: go-cid's words, as Kubo's ErrorMsg
            res.emit(new CidConverter.Conversion(cid, "", GoCidErrors.of(cid, e)).json());
            return;
        }
        try {
            res.emit(converter.convert(cid).json());
        } catch (CidFormatter.FormatStringException e) {
            throw RpcError.failed(e.getMessage());
        }
    }
}
