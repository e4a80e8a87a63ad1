package io.p2pkit.node.exchange;

import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.ipfs.mfs.Mfs;
import io.p2pkit.ipfs.repo.RepoConfig;
import io.p2pkit.ipfs.repo.Repository;
import io.p2pkit.kad.Mode;
import io.p2pkit.node.Node;
import io.p2pkit.node.NodeConfig;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A node with the {@code mfs} provide strategy announces what {@code files write} puts in its
 * MFS as the change is recorded, not only at its next reprovide run (22 h away here): another node
 * finds it as the provider of the new file through the DHT (loopback only).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MfsProvideTest {
    @TempDir
    Path dir;

    private static NodeConfig.Builder local() {
        return NodeConfig.builder().listen("/ip4/127.0.0.1/tcp/0").dht(NodeConfig.Dht.of(Mode.SERVER));
    }

    @Test
    void aFileWrittenToTheMfsIsFoundThroughTheDht() throws Exception {
        Repository.init(dir, RepoConfig.defaults());
        NodeConfig.Content content = NodeConfig.Content.of(dir).withReprovide(ReprovideStrategy.MFS, Duration.ofHours(22));
        try (Node a = Node.start(local().content(content).build());
             Node b = Node.start(local().bootstrap(new PeerInfo(a.peerId(), a.host().addresses())).build())) {
            Await.until("B knows A", () -> b.dht().orElseThrow().routingTable().size() >= 1, Duration.ofSeconds(30));
            Reprovider reprovider = a.content().orElseThrow().reprovider().orElseThrow();
            // the first run (1 s after start) is over: what is written now is announced by the change alone
            Await.until("A's first reprovide run ended", () -> reprovider.lastRun().isPresent(), Duration.ofSeconds(30));
            Mfs mfs = a.content().orElseThrow().repository().mfs();
            mfs.write("/announced.txt", new ByteArrayInputStream("in the mfs\n".getBytes(StandardCharsets.UTF_8)),
                    new Mfs.WriteOptions(0, -1, true, false, false, null, null));
            Cid file = mfs.lookup("/announced.txt");
            Set<PeerId> found = ConcurrentHashMap.newKeySet();
            Await.until("B finds A as the file's provider", () -> {
                try {
                    b.dht().orElseThrow().findProviders(file.multihash().bytes(), 5, p -> found.add(p.peerId()));
                } catch (IOException e) {
                    return false; // a lookup that failed is asked again
                }
                return found.contains(a.peerId());
            }, Duration.ofSeconds(60));
        }
    }
}
