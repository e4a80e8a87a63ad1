package io.p2pkit.bench;

import io.p2pkit.core.multistream.Duplex;
import io.p2pkit.core.multistream.LazySelection;
import io.p2pkit.core.multistream.Multistream;
import io.p2pkit.core.transport.memory.MemoryConnection;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * multistream-select 1.0 between a dialer (the benchmark thread) and a listener on its own
 * virtual thread, over one long-lived in-memory pipe on which negotiations follow each other.
 * Each operation is a negotiation of one protocol followed by a 1-byte request and answer, so
 * the eager path (wait for the echo, then write) and the lazy path (write with the proposal,
 * check the echo on the first read) do the same work. The listener offers eight protocols.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class MultistreamBenchmark {
    private static final String PROTOCOL = "/ipfs/id/1.0.0";
    private static final List<String> SUPPORTED = List.of("/ipfs/ping/1.0.0", "/ipfs/id/push/1.0.0",
            "/ipfs/kad/1.0.0", "/libp2p/circuit/relay/0.2.0/stop", "/meshsub/1.1.0", "/ipfs/bitswap/1.2.0",
            "/perf/1.0.0", PROTOCOL);

    private final Multistream multistream = new Multistream();
    private MemoryConnection.Pair pipe;
    private Duplex dialer;
    private Thread listener;

    @Setup
    public void setup() {
        pipe = MemoryConnection.pair(4096);
        dialer = Duplex.of(pipe.initiator());
        Duplex side = Duplex.of(pipe.responder());
        Set<String> supported = Set.copyOf(SUPPORTED);
        listener = Thread.ofVirtual().name("multistream-listener").start(() -> {
            try {
                InputStream in = side.in();
                OutputStream out = side.out();
                while (true) {
                    multistream.negotiate(side, supported::contains, SUPPORTED);
                    int b = in.read();
                    if (b < 0) {
                        return;
                    }
                    out.write(b);
                    out.flush();
                }
            } catch (IOException e) {
                // the pipe was closed at tear-down
            }
        });
    }

    @TearDown
    public void tearDown() throws Exception {
        pipe.closeBoth();
        listener.join();
    }

    /** {@link Multistream#select}: proposal and header in one write, wait for the echo, then use it. */
    @Benchmark
    public int select() throws IOException {
        String chosen = multistream.select(dialer, List.of(PROTOCOL));
        if (!chosen.equals(PROTOCOL)) {
            throw new IllegalStateException(chosen);
        }
        dialer.out().write(7);
        dialer.out().flush();
        return dialer.in().read();
    }

    /** {@link Multistream#selectLazily}: the request rides with the proposal. */
    @Benchmark
    public int selectLazily() throws IOException {
        LazySelection selection = multistream.selectLazily(dialer, List.of(PROTOCOL));
        selection.out().write(7);
        selection.out().flush();
        int answer = selection.in().read();
        if (!selection.protocol().equals(PROTOCOL)) {
            throw new IllegalStateException(selection.protocol());
        }
        return answer;
    }
}
