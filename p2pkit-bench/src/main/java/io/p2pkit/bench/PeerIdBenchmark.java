package io.p2pkit.bench;

import io.p2pkit.core.identity.PeerId;
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

/** Peer ID parsing (base58 and CIDv1 forms) and printing. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class PeerIdBenchmark {
    private static final String ED25519 = "12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA";
    private static final String RSA = "QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC";
    private String ed25519Cid;
    private PeerId ed25519;

    @Setup
    public void setup() {
        ed25519 = PeerId.parse(ED25519);
        ed25519Cid = ed25519.toCid().toString();
    }

    @Benchmark
    public PeerId parseEd25519Base58() {
        return PeerId.parse(ED25519);
    }

    @Benchmark
    public PeerId parseRsaBase58() {
        return PeerId.parse(RSA);
    }

    @Benchmark
    public PeerId parseEd25519Cid() {
        return PeerId.parse(ed25519Cid);
    }

    @Benchmark
    public String formatEd25519() {
        return ed25519.toString();
    }

    @Benchmark
    public PeerId decodeBytes() {
        return PeerId.decode(ed25519.bytes());
    }
}
