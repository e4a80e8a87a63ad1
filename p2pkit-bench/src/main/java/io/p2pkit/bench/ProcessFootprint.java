package io.p2pkit.bench;

import javax.management.ObjectName;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What one JVM holds at a moment, measured after a full GC: live heap bytes, platform and virtual
 * threads, open file descriptors, and the top of the class histogram that explains the heap.
 *
 * <p>The live heap and the virtual thread count come from the class histogram
 * ({@code GC.class_histogram}, which runs a full GC first), so they count only reachable objects.
 * G1's filler arrays ({@code jdk.internal.vm.FillerElement[]}, the unused tails of allocation
 * buffers) are not objects of the program and are left out.
 *
 * @param liveHeapBytes   total bytes of live objects, without G1's filler arrays
 * @param platformThreads live platform threads (virtual threads are not counted by the thread bean)
 * @param virtualThreads  live {@code java.lang.VirtualThread} objects
 * @param fileDescriptors open file descriptors of the process, or -1 where unknown
 * @param histogramTop    the header and first lines of the class histogram
 */
record ProcessFootprint(long liveHeapBytes, int platformThreads, long virtualThreads, long fileDescriptors,
                        List<String> histogramTop) {
    private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+).*$");
    private static final Pattern TOTAL = Pattern.compile("^Total\\s+(\\d+)\\s+(\\d+)\\s*$");

    ProcessFootprint {
        histogramTop = List.copyOf(histogramTop);
    }

    /** Measures this JVM; keeps {@code topLines} rows of the histogram. */
    static ProcessFootprint measure(int topLines) throws IOException {
        // One full GC only (the histogram's): with gigabytes of heap, every extra pause risks the
        // other side's keep-alive timing out.
        String histogram = classHistogram();
        long total = -1;
        long virtual = 0;
        long fillers = 0;
        List<String> top = new ArrayList<>();
        for (String line : histogram.split("\n")) {
            Matcher row = ROW.matcher(line);
            if (row.matches()) {
                if (row.group(3).equals("java.lang.VirtualThread")) {
                    virtual = Long.parseLong(row.group(1));
                }
                if (row.group(3).equals("[Ljdk.internal.vm.FillerElement;")) {
                    fillers = Long.parseLong(row.group(2));
                }
                if (top.size() < topLines + 2) {
                    top.add(line.stripTrailing());
                }
                continue;
            }
            Matcher t = TOTAL.matcher(line);
            if (t.matches()) {
                total = Long.parseLong(t.group(2));
            } else if (top.size() < 2 && !line.isBlank()) {
                top.add(line.stripTrailing()); // the column headers
            }
        }
        if (total < 0) {
            throw new IOException("no total in the class histogram");
        }
        int platform = ManagementFactory.getThreadMXBean().getThreadCount();
        return new ProcessFootprint(total - fillers, platform, virtual, countFileDescriptors(), top);
    }

    /** The output of {@code jcmd <pid> GC.class_histogram}, asked of this JVM through its MBean. */
    private static String classHistogram() throws IOException {
        try {
            Object out = ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
            return (String) out;
        } catch (Exception e) {
            throw new IOException("class histogram failed: " + e, e);
        }
    }

    private static long countFileDescriptors() {
        Path fds = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fds)) {
            return -1;
        }
        try (Stream<Path> list = Files.list(fds)) {
            return list.count();
        } catch (IOException e) {
            return -1;
        }
    }

    /** One line, {@code key=value} pairs, for the pipe between the two processes. */
    String toLine() {
        return "heap=" + liveHeapBytes + " platform=" + platformThreads + " virtual=" + virtualThreads
                + " fds=" + fileDescriptors;
    }

    /** Parses {@link #toLine()}; the histogram travels separately. */
    static ProcessFootprint parse(String line, List<String> histogramTop) {
        long heap = 0;
        int platform = 0;
        long virtual = 0;
        long fds = -1;
        for (String pair : line.trim().split("\\s+")) {
            int eq = pair.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String key = pair.substring(0, eq);
            long value = Long.parseLong(pair.substring(eq + 1));
            switch (key) {
                case "heap" -> heap = value;
                case "platform" -> platform = (int) value;
                case "virtual" -> virtual = value;
                case "fds" -> fds = value;
                default -> { }
            }
        }
        return new ProcessFootprint(heap, platform, virtual, fds, histogramTop);
    }
}
