package io.p2pkit.bench;

import io.p2pkit.core.multiaddr.Multiaddr;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Multiaddr parsing and printing: every identify message and DHT peer entry carries several.
 * Formatting starts from a freshly decoded value, since the string form is cached once made.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class MultiaddrBenchmark {
    @Param({"/ip4/192.0.2.42/tcp/4001/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA",
            "/ip6/2001:db8::1/udp/4001/quic-v1/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC",
            "/dns4/example.com/tcp/443/wss"})
    public String text;

    private byte[] bytes;

    @Setup
    public void setup() {
        bytes = Multiaddr.parse(text).bytes();
    }

    @Benchmark
    public Multiaddr parseText() {
        return Multiaddr.parse(text);
    }

    @Benchmark
    public Multiaddr decodeBytes() {
        return Multiaddr.decode(bytes);
    }

    @Benchmark
    public String decodeAndFormat() {
        return Multiaddr.decode(bytes).toString();
    }
}
