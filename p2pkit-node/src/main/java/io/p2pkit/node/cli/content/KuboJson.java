package io.p2pkit.node.cli.content;

import io.p2pkit.core.multiformats.Cid;

import java.util.Map;

/** The shapes Kubo's {@code --enc=json} output uses for values of its own types. */
public final class KuboJson {
    private KuboJson() {
    }

    /**
     * @param cid a CID
     * @return {@code {"/": "<cid>"}}, how Kubo writes a {@code cid.Cid} field (e.g. {@code dag put}'s
     *         {@code Cid}, {@code repo gc}'s {@code Key})
     */
    public static Map<String, Object> link(Cid cid) {
        return Map.of("/", cid.toString());
    }

    /**
     * boxo's {@code ListRes}, a line of {@code filestore ls|verify}, in Go's field order.
     *
     * @param e the entry
     * @return {@code {"Status","ErrorMsg","Key","FilePath","Offset","Size"}}; a key that is not a CID is null
     */
    public static Map<String, Object> filestoreEntry(io.p2pkit.ipfs.filestore.FilestoreEntry e) {
        Map<String, Object> o = new java.util.LinkedHashMap<>();
        o.put("Status", e.status().code());
        o.put("ErrorMsg", e.errorMsg());
        o.put("Key", e.key() == null ? null : link(e.key()));
        o.put("FilePath", e.filePath());
        o.put("Offset", e.offset());
        o.put("Size", e.size());
        return o;
    }

    /** {@code {"Ref":…,"Err":…}}: one line of {@code refs} and {@code refs local} ({@code Err} empty but for a failed walk). */
    public static Map<String, Object> ref(String ref, String error) {
        Map<String, Object> o = new java.util.LinkedHashMap<>();
        o.put("Ref", ref);
        o.put("Err", error);
        return o;
    }

    /**
     * @param list          the strings
     * @param nullWhenEmpty whether an empty list is {@code null}, as a Go slice that was never filled
     * @return Kubo's {@code {"Strings":[…]}}
     */
    public static Map<String, Object> strings(java.util.List<String> list, boolean nullWhenEmpty) {
        Map<String, Object> o = new java.util.LinkedHashMap<>();
        o.put("Strings", list.isEmpty() && nullWhenEmpty ? null : list);
        return o;
    }

    /**
     * One pin's {@code pin verify} result in Kubo's shape: {@code {"Cid","Ok":true}} or
     * {@code {"Cid","BadNodes":[{"Cid","Err"}]}} (without the bad nodes when {@code quiet}), each
     * CID written by {@code enc}.
     */
    public static Map<String, Object> pinVerify(io.p2pkit.ipfs.pin.PinVerifyResult p, boolean quiet,
                                                io.p2pkit.node.multiformats.CidEncoder enc) {
        Map<String, Object> o = new java.util.LinkedHashMap<>();
        o.put("Cid", enc.encode(p.root()));
        if (p.ok()) {
            o.put("Ok", true);
        } else if (!quiet) {
            java.util.List<Map<String, Object>> bad = new java.util.ArrayList<>();
            for (io.p2pkit.ipfs.pin.PinVerifyResult.BadNode n : p.badNodes()) {
                Map<String, Object> b = new java.util.LinkedHashMap<>();
                b.put("Cid", enc.encode(n.cid()));
                b.put("Err", n.error());
                bad.add(b);
            }
            o.put("BadNodes", bad);
        }
        return o;
    }

    /** One of Kubo's {@code ping} results: {@code {"Success","Time","Text"}}, the round trip in nanoseconds. */
    public static Map<String, Object> pingResult(boolean success, long nanos, String text) {
        Map<String, Object> o = new java.util.LinkedHashMap<>();
        o.put("Success", success);
        o.put("Time", nanos);
        o.put("Text", text);
        return o;
    }

    /** Kubo's text of a {@code ping} result: its message, {@code Pong received: time=0.42 ms}, or {@code Pong failed}. */
    public static String pingText(boolean success, long nanos, String text) {
        if (!text.isEmpty()) {
            return text + "\n";
        }
        return success ? String.format(java.util.Locale.ROOT, "Pong received: time=%.2f ms\n", nanos / 1e6) : "Pong failed\n";
    }
}
