package io.p2pkit.bench.perf;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Sorts the execution samples of a JFR recording of the data path ({@link LoopbackPerf} under
 * {@code -XX:StartFlightRecording}) into where they went: the JDK's ChaCha20-Poly1305 by part,
 * yamux, Noise's framing, socket I/O and the rest. A sample counts for the first bucket that one
 * of its 12 innermost frames matches, in the order listed. JFR does not see into the cipher's
 * intrinsic stubs: their time shows up at the Java frame around them (mostly the XOR loop), so
 * read the cipher's parts together with {@code NoiseCpuCost}.
 *
 * <pre>java -cp … io.p2pkit.bench.perf.CipherProfile recording.jfr</pre>
 */
public final class CipherProfile {
    private static final int DEPTH = 12;
    /** Bucket name, then the substring of a frame's class and method name that puts a sample there. */
    private static final List<String[]> BUCKETS = List.of(
            new String[] {"JDK ChaCha20: XOR step (and the key stream stub JFR cannot see)", "ChaCha20Cipher.xor"},
            new String[] {"JDK ChaCha20: key stream block", "ChaCha20Cipher.implChaCha20Block"},
            new String[] {"JDK Poly1305", "Poly1305"},
            new String[] {"JDK ChaCha20-Poly1305: init, MAC update and tag", "ChaCha20Cipher"},
            new String[] {"JCA (Cipher)", "javax.crypto"},
            new String[] {"socket I/O", "sun.nio.ch"},
            new String[] {"yamux", "muxer.yamux"},
            new String[] {"Noise framing", "security.noise"},
            new String[] {"perf loops", "core.perf"});

    private CipherProfile() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, Integer> counts = new LinkedHashMap<>();
        BUCKETS.forEach(b -> counts.put(b[0], 0));
        counts.put("other (host start-up, JIT-compiled glue, …)", 0);
        int total = 0;
        try (RecordingFile file = new RecordingFile(Path.of(args[0]))) {
            while (file.hasMoreEvents()) {
                RecordedEvent e = file.readEvent();
                if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null) {
                    continue;
                }
                total++;
                counts.merge(bucket(e.getStackTrace().getFrames()), 1, Integer::sum);
            }
        }
        System.out.printf(Locale.ROOT, "%d execution samples%n", total);
        for (Map.Entry<String, Integer> c : counts.entrySet()) {
            System.out.printf(Locale.ROOT, "| %s | %.1f %% |%n", c.getKey(), 100.0 * c.getValue() / Math.max(1, total));
        }
    }

    private static String bucket(List<RecordedFrame> frames) {
        List<RecordedFrame> top = frames.subList(0, Math.min(DEPTH, frames.size()));
        for (String[] b : BUCKETS) {
            for (RecordedFrame f : top) {
                if ((f.getMethod().getType().getName() + "." + f.getMethod().getName()).contains(b[1])) {
                    return b[0];
                }
            }
        }
        return "other (host start-up, JIT-compiled glue, …)";
    }
}
