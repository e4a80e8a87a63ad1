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

    /** {@code {"Ref":…,"Err":…}}: one line of {@code refs} and {@code refs local} ({@code Err} empty but for a failed walk). */
    public static Map<String, Object> ref(String ref, String error) {
        Map<String, Object> o = new java.util.LinkedHashMap<>();
        o.put("Ref", ref);
        o.put("Err", error);
        return o;
    }

    /**
     * One pin's {@code pin verify} result in Kubo's shape: {@code {"Cid","Ok":true}} or
     * {@code {"Cid","BadNodes":[{"Cid","Err"}]}} (without the bad nodes when {@code quiet}).
     */
    public static Map<String, Object> pinVerify(io.p2pkit.ipfs.pin.PinVerifyResult p, boolean quiet) {
        Map<String, Object> o = new java.util.LinkedHashMap<>();
        o.put("Cid", p.root().toString());
        if (p.ok()) {
            o.put("Ok", true);
        } else if (!quiet) {
            java.util.List<Map<String, Object>> bad = new java.util.ArrayList<>();
            for (io.p2pkit.ipfs.pin.PinVerifyResult.BadNode n : p.badNodes()) {
                Map<String, Object> b = new java.util.LinkedHashMap<>();
                b.put("Cid", n.cid().toString());
                b.put("Err", n.error());
                bad.add(b);
            }
            o.put("BadNodes", bad);
        }
        return o;
    }
}
