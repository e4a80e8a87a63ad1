package io.p2pkit.node.cli.options;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.node.cli.UsageException;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** {@code --bootstrap MADDR}, repeatable: peers to join through, each {@code /…/p2p/<peer ID>}. */
public final class BootstrapOption {
    @Option(names = "--bootstrap", paramLabel = "MADDR",
            description = "a peer to connect to first, /…/p2p/<peer ID>; repeatable")
    private List<String> bootstrap = new ArrayList<>();

    /** The given peers (none when the option was not given). */
    public List<PeerInfo> peers() {
        List<PeerInfo> out = new ArrayList<>();
        for (String a : bootstrap) {
            try {
                out.add(PeerInfo.parse(a));
            } catch (DecodeException e) {
                throw new UsageException("--bootstrap: " + e.getMessage());
            }
        }
        return out;
    }

    /** The given peers; a usage error naming {@code command} when there is none. */
    public List<PeerInfo> required(String command) {
        List<PeerInfo> peers = peers();
        if (peers.isEmpty()) {
            throw new UsageException(command + " needs at least one --bootstrap peer");
        }
        return peers;
    }
}
