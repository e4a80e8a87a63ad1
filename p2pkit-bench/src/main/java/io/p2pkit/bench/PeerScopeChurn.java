package io.p2pkit.bench;

import io.p2pkit.core.Direction;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.resource.ConnectionSpan;
import io.p2pkit.core.resource.ResourceManager;
import io.p2pkit.core.resource.ResourceManagerConfig;
import io.p2pkit.core.resource.ResourceLimits;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the resource manager costs when many peers come and go: N connections, each with its own
 * peer, are opened and attributed (which makes N peer scopes), then closed (which drops them), in
 * one thread and with unlimited limits. Prints the median over the repetitions of the time per
 * connection for opening and for closing, so that a cost that grows with the number of peers
 * held shows as a per-connection time that grows with N.
 *
 * <p>Usage: {@code PeerScopeChurn [reps] [N...]} (default 7 repetitions of 1,000, 10,000 and 30,000).
 */
public final class PeerScopeChurn {
    private PeerScopeChurn() {
    }

    public static void main(String[] args) throws Exception {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        int[] sizes = args.length > 1
                ? Arrays.stream(args, 1, args.length).mapToInt(Integer::parseInt).toArray()
                : new int[] {1_000, 10_000, 30_000};
        int most = Arrays.stream(sizes).max().orElseThrow();
        List<PeerId> peers = new ArrayList<>(most);
        for (int i = 0; i < most; i++) {
            peers.add(PrivateKey.generateEd25519().publicKey().toPeerId());
        }
        ResourceManagerConfig config = ResourceManagerConfig.builder()
                .system(ResourceLimits.unlimited()).transientLimits(ResourceLimits.unlimited())
                .peerDefault(ResourceLimits.unlimited()).connection(ResourceLimits.unlimited()).build();
        System.out.println("| connections | open + attribute, ns per connection | close, ns per connection |");
        System.out.println("|---:|---:|---:|");
        for (int n : sizes) {
            long[] open = new long[reps];
            long[] close = new long[reps];
            for (int r = -2; r < reps; r++) { // two rounds to warm up
                ResourceManager rm = new ResourceManager(config);
                List<ConnectionSpan> spans = new ArrayList<>(n);
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    ConnectionSpan span = rm.openConnection(Direction.INBOUND, true);
                    span.setPeer(peers.get(i));
                    spans.add(span);
                }
                long t1 = System.nanoTime();
                for (ConnectionSpan span : spans) {
                    span.close();
                }
                long t2 = System.nanoTime();
                if (!rm.peerScopes().isEmpty()) {
                    throw new IllegalStateException("peer scopes left: " + rm.peerScopes().size());
                }
                if (r >= 0) {
                    open[r] = (t1 - t0) / n;
                    close[r] = (t2 - t1) / n;
                }
            }
            Arrays.sort(open);
            Arrays.sort(close);
            System.out.printf("| %,d | %,d | %,d |%n", n, open[reps / 2], close[reps / 2]);
        }
    }
}
