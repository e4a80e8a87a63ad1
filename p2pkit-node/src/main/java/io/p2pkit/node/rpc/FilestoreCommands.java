package io.p2pkit.node.rpc;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.filestore.Filestore;
import io.p2pkit.ipfs.filestore.FilestoreEntry;
import io.p2pkit.ipfs.filestore.FilestoreStatus;
import io.p2pkit.node.cli.content.CidArgument;
import io.p2pkit.node.cli.content.KuboJson;
import io.p2pkit.node.multiformats.CidEncoder;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * {@code filestore/ls}, {@code filestore/verify} and {@code filestore/dups}, as Kubo's: a stream
 * of boxo's {@code ListRes} ({@code {"Status","ErrorMsg","Key","FilePath","Offset","Size"}}), or
 * of {@code {"Ref","Err"}} for dups; {@code filestore is not enabled, see …} when the config leaves
 * {@code Experimental.FilestoreEnabled} off.
 */
final class FilestoreCommands {
    private FilestoreCommands() {
    }

    static List<RpcCommand> all() {
        return List.of(
                RpcCommand.at("filestore/ls").args(RpcArgument.string("obj", false, true))
                        .options(RpcOption.bool("file-order"))
                        .run((req, res) -> list(req, res, false)),
                RpcCommand.at("filestore/verify").args(RpcArgument.string("obj", false, true))
                        .options(RpcOption.bool("file-order"), RpcOption.bool("remove-bad-blocks"))
                        .run((req, res) -> list(req, res, true)),
                RpcCommand.at("filestore/dups").text(TextEncoders::ref).run(FilestoreCommands::dups));
    }

    private static Filestore filestore(RpcRequest req) {
        return NodeContent.repository(req).filestore().orElseThrow(() -> RpcError.failed(Filestore.NOT_ENABLED));
    }

    private static void list(RpcRequest req, RpcResponse res, boolean verify) throws IOException {
        Filestore fs = filestore(req);
        boolean removeBad = verify && req.bool("remove-bad-blocks");
        if (!req.arguments().isEmpty()) {
            for (String arg : req.arguments()) {
                String text;
                Cid cid;
                try {
                    text = CidArgument.rootOfUri(arg).orElse(arg);
                } catch (IllegalArgumentException e) { // a URI that names no single CID
                    res.emit(json(new FilestoreEntry(FilestoreStatus.OTHER_ERROR, arg + ": " + e.getMessage(), null, "", 0, 0)));
                    continue;
                }
                try {
                    cid = Cid.parse(text);
                } catch (IllegalArgumentException e) {
                    res.emit(json(new FilestoreEntry(FilestoreStatus.OTHER_ERROR,
                            arg + ": " + GoCidErrors.of(text, e), null, "", 0, 0)));
                    continue;
                }
                // as Kubo, a listing by argument reads the files back whether ls or verify
                emit(res, fs, fs.one(cid, true), removeBad);
            }
            return;
        }
        for (FilestoreEntry e : fs.all(verify, req.bool("file-order"))) {
            emit(res, fs, e, removeBad);
        }
    }

    private static void emit(RpcResponse res, Filestore fs, FilestoreEntry e, boolean removeBad) throws IOException {
        // as Kubo: the bad references go, those it could not judge (ERROR) stay; the file never goes
        if (removeBad && e.status().removable() && e.key() != null) {
            fs.deleteReference(e.key().multihash());
        }
        res.emit(json(e));
    }

    private static Map<String, Object> json(FilestoreEntry e) {
        return KuboJson.filestoreEntry(e);
    }

    private static void dups(RpcRequest req, RpcResponse res) throws IOException {
        Filestore fs = filestore(req);
        CidEncoder enc = req.cidEncoder();
        for (Cid cid : fs.duplicates()) {
            res.emit(KuboJson.ref(enc.encode(cid), ""));
        }
    }
}
