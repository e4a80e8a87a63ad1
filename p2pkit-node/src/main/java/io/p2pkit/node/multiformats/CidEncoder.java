package io.p2pkit.node.multiformats;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multibase;
import io.p2pkit.core.multiformats.Multibase.Encoding;

import java.util.Objects;
import java.util.Optional;

/**
 * How Kubo writes a CID in a command's output (go-cidutil's {@code cidenc.Encoder}, set up by
 * Kubo's {@code cmdenv} from the global {@code --cid-base} and {@code --upgrade-cidv0-in-output}
 * options): a CIDv1 in {@link #base()}, a CIDv0 as it is ({@code Qm…}) unless {@link #upgrade()}
 * turns it into the CIDv1 of the same block first.
 *
 * @param base    the multibase of a CIDv1's text
 * @param upgrade whether a CIDv0 is written as CIDv1
 */
public record CidEncoder(Encoding base, boolean upgrade) {
    /** Kubo's encoder when neither option is given: CIDv1 in base32, CIDv0 as it is. */
    public static final CidEncoder DEFAULT = new CidEncoder(Encoding.BASE32, false);

    /** Checks the base. */
    public CidEncoder {
        Objects.requireNonNull(base, "base");
    }

    /**
     * Kubo's {@code GetCidEncoder}: a base given also upgrades CIDv0 (most commands write the CIDs
     * they made or resolved this way), unless {@code upgrade} is given as false.
     *
     * @param base    {@code --cid-base}, a multibase name or prefix; null or empty when not given
     * @param upgrade {@code --upgrade-cidv0-in-output}, null when not given
     * @throws IllegalArgumentException with go-multibase's message for a base it does not know (base8,
     *                                  base10 and base32z among them, which p2pkit's multibase commands take)
     */
    public static CidEncoder of(String base, Boolean upgrade) {
        return options(base, upgrade, true);
    }

    /**
     * Kubo's {@code GetLowLevelCidEncoder}, for the commands that write a block's own CID
     * ({@code dag put}, {@code dag import}, {@code bitswap}'s wantlists): a base given does not
     * upgrade CIDv0; only {@code --upgrade-cidv0-in-output} does.
     *
     * @param base    {@code --cid-base}, null or empty when not given
     * @param upgrade {@code --upgrade-cidv0-in-output}, null when not given
     * @throws IllegalArgumentException with go-multibase's message for a base it does not know
     */
    public static CidEncoder lowLevel(String base, Boolean upgrade) {
        return options(base, upgrade, false);
    }

    private static CidEncoder options(String base, Boolean upgrade, boolean baseUpgrades) {
        boolean given = base != null && !base.isEmpty();
        Encoding encoding = given ? Multibases.listedEncoding(base) : Encoding.BASE32;
        boolean up = upgrade != null ? upgrade : given && baseUpgrades;
        return new CidEncoder(encoding, up);
    }

    /**
     * Kubo's {@code CidEncoderFromPath}, for the commands that answer in the argument's own form
     * ({@code resolve}, {@code dag resolve} without {@code --cid-base}): the CID a path starts with
     * ({@code <cid>…} or {@code /<namespace>/<cid>…}) gives its multibase, a CIDv1 turning a CIDv0
     * result into CIDv1; after a CIDv0 it is {@link #DEFAULT}.
     *
     * @param path the argument as given
     * @return the encoder, or empty when no CID is where one is looked for
     */
    public static Optional<CidEncoder> fromPath(String path) {
        String[] parts = path.split("/", 4);
        String first;
        if (!parts[0].isEmpty()) {
            first = parts[0];
        } else if (parts.length >= 3) {
            first = parts[2];
        } else {
            return Optional.empty();
        }
        try {
            boolean v0Text = first.length() == 46 && first.startsWith("Qm");
            // go-cid also reads a CIDv0's bytes written in a multibase: the default encoder, as for Qm…
            Cid cid = v0Text ? Cid.parse(first) : Cid.decode(Multibase.decode(first));
            return Optional.of(cid.version() == 0 ? DEFAULT : new CidEncoder(Multibase.encodingOf(first), true));
        } catch (IllegalArgumentException e) { // a DecodeException: no CID there
            return Optional.empty();
        }
    }

    /**
     * @param cid a CID
     * @return its text as this encoder writes it; with the identity base, the bytes read as Go
     *         reads a string of them (as Kubo's JSON carries them)
     */
    public String encode(Cid cid) {
        Cid c = upgrade ? cid.toV1() : cid;
        if (c.version() == 0) {
            return c.toString();
        }
        if (base == Encoding.IDENTITY) {
            return "\0" + CidFormatter.goString(c.bytes());
        }
        return c.toString(base);
    }
}
