package io.p2pkit.bench;

import io.p2pkit.core.muxer.MuxedStream;
import io.p2pkit.core.muxer.yamux.Yamux;
import io.p2pkit.core.muxer.yamux.YamuxSession;
import io.p2pkit.core.transport.memory.MemoryConnection;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * yamux framing over an in-memory pipe, without encryption: one stream's write of
 * {@code size} bytes read back on the other session (frame writer, read loop, stream buffer and
 * window updates all take part), and the cost of a whole stream life (open, SYN, accept, FIN both
 * ways). The pipe is 256 KiB per direction, like a socket buffer.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class YamuxBenchmark {
    /** One open stream between the sessions, written by the dialer and read by the listener. */
    @State(Scope.Benchmark)
    public static class OpenStream {
        @Param({"1024", "65536"})
        public int size;

        Sessions sessions;
        MuxedStream writer;
        MuxedStream reader;
        byte[] data;
        byte[] received;

        @Setup(Level.Trial)
        public void setup() throws IOException {
            sessions = Sessions.open();
            writer = sessions.dialer.openStream();
            data = new byte[size];
            new SplittableRandom(2).nextBytes(data);
            received = new byte[size];
            // The first write carries the SYN; the listener can accept only after it.
            writer.out().write(data);
            reader = sessions.listener.acceptStream();
            reader.in().readNBytes(received, 0, size);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            sessions.close();
        }
    }

    /** Two sessions without streams. */
    @State(Scope.Benchmark)
    public static class Idle {
        Sessions sessions;

        @Setup(Level.Trial)
        public void setup() throws IOException {
            sessions = Sessions.open();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            sessions.close();
        }
    }

    /** One write on the dialer's stream, read completely on the listener's. */
    @Benchmark
    public byte[] writeRead(OpenStream s) throws IOException {
        s.writer.out().write(s.data);
        int n = s.reader.in().readNBytes(s.received, 0, s.size);
        if (n != s.size) {
            throw new IllegalStateException("short read: " + n);
        }
        return s.received;
    }

    /** A stream opened, half-closed by both sides and seen to end on both. */
    @Benchmark
    public void openClose(Idle idle) throws IOException {
        MuxedStream s = idle.sessions.dialer.openStream();
        s.closeWrite();
        MuxedStream accepted = idle.sessions.listener.acceptStream();
        if (accepted.in().read() != -1) {
            throw new IllegalStateException("expected end of stream");
        }
        accepted.close();
        if (s.in().read() != -1) {
            throw new IllegalStateException("expected end of stream");
        }
        s.close();
    }

    /** A dialer and a listener yamux session over one in-memory connection. */
    static final class Sessions {
        final YamuxSession dialer;
        final YamuxSession listener;

        private Sessions(YamuxSession dialer, YamuxSession listener) {
            this.dialer = dialer;
            this.listener = listener;
        }

        static Sessions open() throws IOException {
            MemoryConnection.Pair pipe = MemoryConnection.pair(256 * 1024);
            Yamux yamux = new Yamux();
            return new Sessions(yamux.wrap(pipe.initiator(), true), yamux.wrap(pipe.responder(), false));
        }

        void close() throws IOException {
            dialer.close();
            listener.close();
        }
    }
}
