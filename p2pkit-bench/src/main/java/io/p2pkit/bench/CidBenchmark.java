package io.p2pkit.bench;

import io.p2pkit.core.multiformats.Cid;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/** CID parsing and printing: Bitswap wants, DHT provider keys, gateway paths. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class CidBenchmark {
    private static final String V1 = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi";
    private static final String V0 = "QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n";
    private byte[] bytes;
    private Cid v1;
    private Cid v0;

    @Setup
    public void setup() {
        v1 = Cid.parse(V1);
        v0 = Cid.parse(V0);
        bytes = v1.bytes();
    }

    @Benchmark
    public Cid parseV1Base32() {
        return Cid.parse(V1);
    }

    @Benchmark
    public Cid parseV0Base58() {
        return Cid.parse(V0);
    }

    @Benchmark
    public Cid decodeBytes() {
        return Cid.decode(bytes);
    }

    @Benchmark
    public String formatV1Base32() {
        return v1.toString();
    }

    @Benchmark
    public String formatV0Base58() {
        return v0.toString();
    }
}
