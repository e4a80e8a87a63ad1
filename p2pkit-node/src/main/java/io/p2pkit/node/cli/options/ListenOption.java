package io.p2pkit.node.cli.options;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.node.cli.UsageException;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** {@code --listen MADDR}, repeatable: the addresses to listen on. */
public final class ListenOption {
    @Option(names = "--listen", paramLabel = "MADDR",
            description = "an address to listen on (a multiaddr such as /ip4/0.0.0.0/tcp/4001); repeatable (default: "
                    + "see the command's description)")
    private List<String> listen = new ArrayList<>();

    /** Whether any {@code --listen} was given. */
    public boolean given() {
        return !listen.isEmpty();
    }

    /** The given addresses, or {@code defaults} when none was. */
    public List<Multiaddr> addresses(List<String> defaults) {
        List<Multiaddr> out = new ArrayList<>();
        for (String a : listen.isEmpty() ? defaults : listen) {
            try {
                out.add(Multiaddr.parse(a));
            } catch (DecodeException e) {
                throw new UsageException("--listen: not a multiaddr: " + a + " (" + e.getMessage() + ")");
            }
        }
        return out;
    }
}
