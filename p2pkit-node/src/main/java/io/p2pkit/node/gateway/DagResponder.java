package io.p2pkit.node.gateway;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.ipfs.block.Block;
import io.p2pkit.ipfs.codec.Codecs;
import io.p2pkit.ipfs.ipld.Node;
import io.p2pkit.node.gateway.ResponseFormat.Type;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * DAG-JSON, DAG-CBOR, JSON and CBOR responses. A block is sent as it is stored, never converted
 * between codecs: a request for another codec's type is 406, as the path gateway spec now asks
 * (IPIP-0524). A browser asking for HTML gets a page showing the document as DAG-JSON.
 */
final class DagResponder {
    /** The plain JSON codec (0x0200) and the plain CBOR codec (0x51). */
    static final long JSON = 0x0200;
    static final long CBOR = 0x51;

    private final ResolvedContent content;
    private final Exchange x;

    DagResponder(ResolvedContent content) {
        this.content = content;
        this.x = content.exchange();
    }

    /** No explicit format: the block with its own codec's type, or the HTML view for a browser. */
    void serveAsStored(boolean html) throws IOException {
        long codec = content.terminal().codec();
        if (html) {
            htmlView();
            return;
        }
        serve(codec == Multicodec.DAG_JSON ? Type.DAG_JSON : codec == Multicodec.DAG_CBOR ? Type.DAG_CBOR
                : codec == JSON ? Type.JSON : codec == CBOR ? Type.CBOR : Type.RAW);
    }

    /** {@code type} asked for explicitly. */
    void serve(Type type) throws IOException {
        Cid cid = content.terminal();
        long codec = cid.codec();
        if (type == Type.RAW) {
            throw new GatewayException(406, "the block " + cid + " is in codec 0x" + Long.toHexString(codec)
                    + ", which the gateway serves only as application/vnd.ipld.raw or a CAR");
        }
        if (codec == Multicodec.DAG_PB || codec == Multicodec.RAW) {
            if (type == Type.JSON || type == Type.CBOR) {
                // JSON or CBOR bytes stored as a UnixFS file: the file, with the type asked for.
                x.set("Content-Type", type.mediaType());
                new UnixfsResponder(content).serveFileAs(type.mediaType());
                return;
            }
            throw new GatewayException(406, cid + " is UnixFS (" + (codec == Multicodec.RAW ? "raw" : "dag-pb")
                    + "): it is not served as " + type.mediaType() + "; ask for application/vnd.ipld.raw or a CAR");
        }
        boolean json = codec == Multicodec.DAG_JSON || codec == JSON;
        boolean cbor = codec == Multicodec.DAG_CBOR || codec == CBOR;
        boolean fits = switch (type) {
            case DAG_JSON, JSON -> json;
            case DAG_CBOR, CBOR -> cbor;
            default -> false;
        };
        if (!fits) {
            throw new GatewayException(406, "the block " + cid + " is " + (json ? "JSON" : cbor ? "CBOR" : "codec 0x"
                    + Long.toHexString(codec)) + " and is not converted to " + type.mediaType());
        }
        if (content.end() != null && !content.end().remainder().isEmpty()) {
            throw new GatewayException(501, "the path ends inside the block " + cid
                    + ", on a value that is not a link: serving part of a document is not implemented");
        }
        Block block = content.block(cid);
        String ext = json ? "json" : "cbor";
        x.cacheHeaders("\"" + cid + "." + (type == Type.JSON || type == Type.CBOR ? type.format() : "dag-" + ext) + "\"");
        if (x.notModified()) {
            return;
        }
        x.set("Content-Type", type.mediaType());
        x.set("Content-Disposition", x.disposition(json ? "inline" : "attachment", cid + "." + ext));
        x.set("X-Content-Type-Options", "nosniff");
        x.sendRanged(block.data());
    }

    private void htmlView() throws IOException {
        Cid cid = content.terminal();
        Block block = content.block(cid);
        x.cacheHeaders("\"DagIndex-" + Integer.toHexString(DirectoryListing.TEMPLATE_VERSION.hashCode()) + "_CID-"
                + cid + "\"");
        if (x.immutable) {
            x.set("Cache-Control", "public, max-age=604800, stale-while-revalidate=2678400");
        }
        if (x.notModified()) {
            return;
        }
        Codecs codecs = content.codecs();
        Node node = codecs.decode(block);
        String json = new String(codecs.encode(Multicodec.DAG_JSON, node).data(), StandardCharsets.UTF_8);
        String codecName = codecs.get(cid.codec()).name();
        String page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + cid
                + "</title>\n</head>\n<body>\n<h1>" + DirectoryListing.html(codecName) + " document "
                + "<span class=\"ipfs-hash\" translate=\"no\">" + cid + "</span></h1>\n"
                + "<p>Download: <a href=\"?format=raw\">raw block</a>, <a href=\"?format=car\">CAR</a>, "
                + "<a href=\"?format=" + codecName + "\">" + DirectoryListing.html(codecName) + "</a></p>\n"
                + "<pre>" + DirectoryListing.html(json) + "</pre>\n</body>\n</html>\n";
        x.set("Content-Type", "text/html; charset=utf-8");
        x.sendBytes(page.getBytes(StandardCharsets.UTF_8), false);
    }
}
