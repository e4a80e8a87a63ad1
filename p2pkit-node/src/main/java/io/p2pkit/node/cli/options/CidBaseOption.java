package io.p2pkit.node.cli.options;

import io.p2pkit.node.cli.CommandFailedException;
import io.p2pkit.node.multiformats.CidEncoder;
import picocli.CommandLine.Option;

import java.util.Map;

/**
 * Kubo's global {@code --cid-base} and {@code --upgrade-cidv0-in-output}: how a command writes
 * the CIDs it prints. Through a daemon they go along with the request, and the daemon writes the
 * CIDs; on the repository the command writes them with {@link #encoder()} or {@link #lowLevel()}.
 */
public final class CidBaseOption {
    @Option(names = "--cid-base", paramLabel = "BASE",
            description = "the multibase of the CIDv1 printed (a name or prefix: base32, base36, z …); most commands "
                    + "then print CIDv0 as CIDv1 too (Kubo's)")
    private String base;

    @Option(names = "--upgrade-cidv0-in-output", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "print CIDv0 as CIDv1 (=false keeps them with --cid-base)")
    private Boolean upgrade;

    /**
     * Kubo's {@code GetCidEncoder}: for the CIDs a command made or resolved.
     *
     * @throws CommandFailedException for a base go-multibase does not know, in its words
     */
    public CidEncoder encoder() {
        try {
            return CidEncoder.of(base, upgrade);
        } catch (IllegalArgumentException e) {
            throw new CommandFailedException(e.getMessage());
        }
    }

    /**
     * Kubo's {@code GetLowLevelCidEncoder}: a base alone does not upgrade CIDv0.
     *
     * @throws CommandFailedException for a base go-multibase does not know, in its words
     */
    public CidEncoder lowLevel() {
        try {
            return CidEncoder.lowLevel(base, upgrade);
        } catch (IllegalArgumentException e) {
            throw new CommandFailedException(e.getMessage());
        }
    }

    /** Whether {@code --cid-base} was given (not empty). */
    public boolean baseGiven() {
        return base != null && !base.isEmpty();
    }

    /** Adds the options given to a daemon request's options, under the API's names. */
    public void addTo(Map<String, String> options) {
        if (base != null) {
            options.put("cid-base", base);
        }
        if (upgrade != null) {
            options.put("upgrade-cidv0-in-output", upgrade.toString());
        }
    }

    /** The options given, under the API's names, for a daemon request that takes no others. */
    public Map<String, String> options() {
        Map<String, String> o = new java.util.LinkedHashMap<>();
        addTo(o);
        return o;
    }
}
