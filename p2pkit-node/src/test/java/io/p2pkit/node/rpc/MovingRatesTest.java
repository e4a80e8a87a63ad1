package io.p2pkit.node.rpc;

import io.p2pkit.core.metrics.MetricRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code stats/bw}'s rates move as go-flow-metrics' meters do, tick by tick. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class MovingRatesTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aRateTakesTheFirstSecondWholeThenMovesByOneMinusOneOverE() {
        MovingRates rates = new MovingRates(new MetricRegistry());
        rates.tick(Map.of(MovingRates.ALL, new long[]{1000, 500}), SECOND);
        assertEquals(1000, rates.flow(Optional.empty()).rateIn(), 1e-9);
        assertEquals(500, rates.flow(Optional.empty()).rateOut(), 1e-9);
        // a quiet second: 1000 + (1 - 1/e)(0 - 1000) = 1000/e
        rates.tick(Map.of(MovingRates.ALL, new long[]{1000, 500}), SECOND);
        assertEquals(1000 / Math.E, rates.flow(Optional.empty()).rateIn(), 1e-9);
        // bytes over two seconds count per second
        rates.tick(Map.of(MovingRates.ALL, new long[]{3000, 500}), 2 * SECOND);
        double expected = 1000 / Math.E + MovingRates.ALPHA * (1000 - 1000 / Math.E);
        assertEquals(expected, rates.flow(Optional.empty()).rateIn(), 1e-9);
        assertEquals(3000, rates.flow(Optional.empty()).totalIn());
    }

    @Test
    void aQuietFlowFallsToZeroAndTakesItsNextSecondWhole() {
        MovingRates rates = new MovingRates(new MetricRegistry());
        rates.tick(Map.of("/ipfs/bitswap/1.2.0", new long[]{100, 0}), SECOND);
        int ticks = 1;
        while (rates.flow(Optional.of("/ipfs/bitswap/1.2.0")).rateIn() > 0) {
            rates.tick(Map.of("/ipfs/bitswap/1.2.0", new long[]{100, 0}), SECOND);
            ticks++;
        }
        // 100 * e^-n <= 1e-13 from n = 35 on: then the meter is idle
        assertEquals(1 + (int) Math.ceil(Math.log(100 / MovingRates.IDLE)), ticks);
        rates.tick(Map.of("/ipfs/bitswap/1.2.0", new long[]{150, 0}), SECOND);
        assertEquals(50, rates.flow(Optional.of("/ipfs/bitswap/1.2.0")).rateIn(), 1e-9);
        assertEquals(0, rates.flow(Optional.of("/other")).rateIn());
    }

    @Test
    void aPeersRatesGoWhenItsCountersDo() {
        MovingRates rates = new MovingRates(new MetricRegistry());
        io.p2pkit.core.identity.PeerId a = io.p2pkit.core.crypto.PrivateKey.generate(io.p2pkit.core.crypto.KeyType.ED25519)
                .publicKey().toPeerId();
        rates.tickPeers(Map.of(a, new long[]{2000, 10}), SECOND);
        assertEquals(2000, rates.peer(a).rateIn(), 1e-9);
        assertEquals(10, rates.peer(a).rateOut(), 1e-9);
        rates.tickPeers(Map.of(), SECOND); // disconnected: its counters are gone
        assertEquals(MovingRates.Flow.NONE, rates.peer(a));
    }
}
