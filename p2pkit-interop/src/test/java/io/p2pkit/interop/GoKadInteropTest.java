package io.p2pkit.interop;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The mixed DHT network with go-libp2p: go-libp2p-kad-dht 0.35.1 servers run by
 * {@code peers/go-kad/peer} (its own Go module, built by {@code peers/build.sh go}).
 */
@InteropArea("DHT with go-libp2p-kad-dht")
class GoKadInteropTest extends MixedKadNetworkCases {
    @Override
    Implementation implementation() {
        return Implementation.GO;
    }

    @Override
    List<String> command(Path peers) {
        return List.of(peers.resolve("go-kad").resolve("peer").toString(), "--listen", "/ip4/127.0.0.1/tcp/0");
    }

    @Override
    boolean built(Path peers) {
        return Files.isExecutable(peers.resolve("go-kad").resolve("peer")) && Files.exists(peers.resolve("go-kad").resolve(".built"));
    }
}
