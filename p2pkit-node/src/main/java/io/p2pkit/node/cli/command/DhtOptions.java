package io.p2pkit.node.cli.command;

import io.p2pkit.kad.Mode;
import io.p2pkit.node.cli.UsageException;

import java.util.Locale;
import java.util.Optional;

/** {@code --dht server|client|auto|off} of the daemon. */
final class DhtOptions {
    private DhtOptions() {
    }

    /** The option's description in {@code daemon --help}. */
    static final String DESCRIPTION = "the Kademlia DHT (/ipfs/kad/1.0.0): server, client, auto or off (default "
            + "auto: client until the node is known to be publicly reachable, as in Kubo; p2pkit has no AutoNAT "
            + "yet, so auto stays client and --dht server is how a reachable node serves the DHT)";

    /** The mode, or empty for {@code off}. */
    static Optional<Mode> parse(Optional<String> value) {
        String v = value.orElse("auto").trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "server" -> Optional.of(Mode.SERVER);
            case "client" -> Optional.of(Mode.CLIENT);
            case "auto" -> Optional.of(Mode.AUTO);
            case "off", "none" -> Optional.empty();
            default -> throw new UsageException("--dht takes server, client, auto or off, not '" + v + "'");
        };
    }
}
