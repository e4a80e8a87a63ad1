package io.p2pkit.node.rpc;

import io.p2pkit.core.multiformats.Multibase.Encoding;
import io.p2pkit.node.multiformats.Multibases;

import java.io.IOException;
import java.util.List;

/** {@code multibase/encode|decode|transcode|list}, as Kubo: a file's bytes in, bytes out; they need no repository. */
final class MultibaseCommands {
    private MultibaseCommands() {
    }

    static List<RpcCommand> all() {
        return List.of(
                RpcCommand.at("multibase/encode").args(RpcArgument.file("file", true, false))
                        .options(RpcOption.string("b").withDefault("base64url"))
                        .run((req, res) -> {
                            Encoding base = base(req);
                            write(res, encode(base, file(req)));
                        }),
                RpcCommand.at("multibase/decode").args(RpcArgument.file("encoded_file", true, false))
                        .run((req, res) -> write(res, decode(file(req)))),
                RpcCommand.at("multibase/transcode").args(RpcArgument.file("encoded_file", true, false))
                        .options(RpcOption.string("b").withDefault("base64url"))
                        .run((req, res) -> {
                            Encoding base = base(req);
                            write(res, encode(base, decode(file(req))));
                        }),
                CidCommands.bases("multibase/list"));
    }

    private static Encoding base(RpcRequest req) {
        try {
            return Multibases.encoding(req.string("b").orElse(""));
        } catch (IllegalArgumentException e) {
            throw RpcError.failed(e.getMessage());
        }
    }

    /** The one file's bytes, up to {@link Multibases#MAX_INPUT}; Kubo's words when there is none. */
    private static byte[] file(RpcRequest req) throws IOException {
        Uploads.Entry e = req.files().next();
        if (e == null) {
            throw RpcError.failed("failed to access file: expected a file argument");
        }
        if (e.kind() != Uploads.Kind.FILE) {
            throw RpcError.failed("failed to access file: file argument was nil");
        }
        return NodeContent.readBounded(e.body(), Multibases.MAX_INPUT, "the file");
    }

    private static byte[] encode(Encoding base, byte[] data) {
        try {
            return Multibases.encode(base, data);
        } catch (IllegalArgumentException e) {
            throw RpcError.failed(e.getMessage());
        }
    }

    private static byte[] decode(byte[] text) {
        try {
            return Multibases.decode(text);
        } catch (IllegalArgumentException e) {
            throw RpcError.failed("failed to decode multibase: " + e.getMessage());
        }
    }

    private static void write(RpcResponse res, byte[] bytes) throws IOException {
        res.stream().write(bytes);
    }
}
