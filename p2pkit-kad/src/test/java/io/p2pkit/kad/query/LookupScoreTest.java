package io.p2pkit.kad.query;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.kad.routing.KadKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which candidates a lookup queries first when peers have scores. */
@Timeout(30)
class LookupScoreTest {
    private final SplittableRandom random = new SplittableRandom(5);
    private final KadKey target = KadKey.of(new byte[]{7, 7, 7});
    private final PeerId self = peerWithPrefix(0);

    /** A peer sharing exactly {@code cpl} leading bits with the target. */
    private PeerId peerWithPrefix(int cpl) {
        while (true) {
            byte[] d = new byte[32];
            random.nextBytes(d);
            PeerId p = PeerId.fromMultihash(Multihash.of(Multicodec.SHA2_256, d));
            if (target.commonPrefixLength(KadKey.of(p)) == cpl) {
                return p;
            }
        }
    }

    private List<PeerId> askOrder(List<PeerId> seeds, Map<PeerId, Double> scores) throws InterruptedException {
        List<PeerId> asked = new CopyOnWriteArrayList<>();
        Lookup lookup = new Lookup(target, self, 20, 1, Duration.ofSeconds(10), (l, p) -> {
            asked.add(p);
            return List.of();
        });
        if (scores != null) {
            lookup.scoredBy(p -> scores.getOrDefault(p, 0.0));
        }
        lookup.run(seeds);
        return asked;
    }

    @Test
    void withinOnePrefixLengthTheBetterScoredAreAskedFirst() throws Exception {
        PeerId closer = peerWithPrefix(6);
        List<PeerId> band = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            band.add(peerWithPrefix(3));
        }
        band.sort(Comparator.comparing(KadKey::of, target::compareDistance));
        List<PeerId> seeds = new ArrayList<>(band);
        seeds.add(closer);
        // Without scores: pure distance.
        List<PeerId> byDistance = new ArrayList<>(List.of(closer));
        byDistance.addAll(band);
        assertEquals(byDistance, askOrder(seeds, null));
        // The farthest of the band scores best, the nearest worst; the closer peer scores worst of all
        // but shares more bits with the target, so it still goes first.
        Map<PeerId, Double> scores = new HashMap<>();
        scores.put(closer, -0.9);
        scores.put(band.get(3), 0.8);
        scores.put(band.get(0), -0.5);
        assertEquals(List.of(closer, band.get(3), band.get(1), band.get(2), band.get(0)), askOrder(seeds, scores));
    }
}
