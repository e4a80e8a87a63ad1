package io.p2pkit.node.multiformats;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multibase;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;

import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A CID taken apart, as Kubo 0.41's {@code ipfs cid inspect} shows it: version, multibase (implicit
 * base58btc for version 0), codec, hash function, digest, and the CID's version 0 and version 1
 * forms. Text that is not a CID gives an error message instead, with the CID form of a peer ID.
 */
public final class CidInspection {
    private CidInspection() {
    }

    /**
     * Kubo's {@code CidInspectRes}: {@code {"cid","version","multibase":{"prefix","name"},
     * "multicodec":{"code","name"},"multihash":{"code","name","length","digest"},"cidV0"?,"cidV1",
     * "errorMsg"?}}, zero values where Go leaves them.
     *
     * @param text what was given
     * @return the fields, in Kubo's order
     */
    public static Map<String, Object> inspect(String text) {
        Cid cid;
        try {
            cid = Cid.parse(text);
        } catch (IllegalArgumentException e) { // a DecodeException among them
            String message = "invalid CID: " + e.getMessage();
            try {
                PeerId peer = PeerId.parse(text);
                message += "\nNote: the value is a PeerID; inspect its CID representation instead:\n  "
                        + peer.toString(Multibase.Encoding.BASE36);
            } catch (IllegalArgumentException notPeer) {
                // neither
            }
            return failed(text, message);
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("cid", text);
        o.put("version", cid.version());
        if (cid.version() == 0) {
            o.put("multibase", pair("prefix", "z", "name", "base58btc"));
        } else {
            Multibase.Encoding base = Multibase.encodingOf(text);
            o.put("multibase", pair("prefix", base.prefixString(), "name", base.multibaseName()));
        }
        o.put("multicodec", pair("code", cid.codec(), "name", name(cid.codec())));
        Multihash hash = cid.multihash();
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("code", hash.code());
        h.put("name", name(hash.code()));
        h.put("length", hash.length());
        h.put("digest", HexFormat.of().formatHex(hash.digest()));
        o.put("multihash", h);
        if (cid.codec() == Multicodec.DAG_PB && hash.code() == Multicodec.SHA2_256 && hash.length() == 32) {
            o.put("cidV0", cid.toV0().toString());
        }
        o.put("cidV1", cid.toV1().toString(cid.codec() == Multicodec.LIBP2P_KEY ? Multibase.Encoding.BASE36
                : Multibase.Encoding.BASE32));
        return o;
    }

    /**
     * Kubo's text of an inspection.
     *
     * @throws IllegalArgumentException with the error message of text that was not a CID
     */
    public static String text(Map<?, ?> o) {
        if (o.get("errorMsg") instanceof String error && !error.isEmpty()) {
            throw new IllegalArgumentException(error);
        }
        Map<?, ?> base = (Map<?, ?>) o.get("multibase");
        Map<?, ?> codec = (Map<?, ?>) o.get("multicodec");
        Map<?, ?> hash = (Map<?, ?>) o.get("multihash");
        long version = ((Number) o.get("version")).longValue();
        long codecCode = ((Number) codec.get("code")).longValue();
        long hashCode = ((Number) hash.get("code")).longValue();
        long length = ((Number) hash.get("length")).longValue();
        String implicit = version == 0 ? ", implicit" : "";
        StringBuilder b = new StringBuilder();
        b.append("CID:        ").append(o.get("cid")).append('\n');
        b.append("Version:    ").append(version).append('\n');
        b.append("Multibase:  ").append(base.get("name")).append(version == 0 ? " (implicit)" : " (" + base.get("prefix") + ")")
                .append('\n');
        b.append("Multicodec: ").append(codec.get("name")).append(" (0x").append(Long.toHexString(codecCode)).append(implicit)
                .append(")\n");
        b.append("Multihash:  ").append(hash.get("name")).append(" (0x").append(Long.toHexString(hashCode)).append(implicit)
                .append(")\n");
        b.append("  Length:   ").append(length).append(" bytes\n");
        b.append("  Digest:   ").append(hash.get("digest")).append('\n');
        if (o.get("cidV0") instanceof String v0 && !v0.isEmpty()) {
            b.append("CIDv0:      ").append(v0).append('\n');
        } else if (codecCode != Multicodec.DAG_PB) {
            b.append("CIDv0:      not possible, requires dag-pb (0x70), got ").append(codec.get("name")).append(" (0x")
                    .append(Long.toHexString(codecCode)).append(")\n");
        } else if (hashCode != Multicodec.SHA2_256) {
            b.append("CIDv0:      not possible, requires sha2-256 (0x12), got ").append(hash.get("name")).append(" (0x")
                    .append(Long.toHexString(hashCode)).append(")\n");
        } else if (length != 32) {
            b.append("CIDv0:      not possible, requires 32-byte digest, got ").append(length).append('\n');
        }
        b.append("CIDv1:      ").append(o.get("cidV1")).append('\n');
        return b.toString();
    }

    private static Map<String, Object> failed(String text, String message) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("cid", text);
        o.put("version", 0);
        o.put("multibase", pair("prefix", "", "name", ""));
        o.put("multicodec", pair("code", 0, "name", ""));
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("code", 0);
        h.put("name", "");
        h.put("length", 0);
        h.put("digest", "");
        o.put("multihash", h);
        o.put("cidV1", "");
        o.put("errorMsg", message);
        return o;
    }

    private static String name(long code) {
        return Multicodec.byCode(code).map(Multicodec.Codec::name).orElse("unknown");
    }

    private static Map<String, Object> pair(String k1, Object v1, String k2, Object v2) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }
}
