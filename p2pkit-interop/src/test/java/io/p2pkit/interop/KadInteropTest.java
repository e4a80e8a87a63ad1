package io.p2pkit.interop;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The mixed DHT network with js-libp2p: {@code @libp2p/kad-dht} servers run by
 * {@code peers/js/kad.mjs}.
 */
@InteropArea("DHT with js-libp2p (@libp2p/kad-dht)")
class KadInteropTest extends MixedKadNetworkCases {
    @Override
    Implementation implementation() {
        return Implementation.JS;
    }

    @Override
    List<String> command(Path peers) {
        return List.of("node", peers.resolve("js").resolve("kad.mjs").toString(), "--listen", "/ip4/127.0.0.1/tcp/0");
    }

    @Override
    boolean built(Path peers) {
        return Files.exists(peers.resolve("js").resolve(".built"));
    }
}
