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
}
