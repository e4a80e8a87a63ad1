package io.p2pkit.node.rpc;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.HotSpotDiagnosticMXBean.ThreadDumpFormat;
import io.p2pkit.node.json.Json;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

import javax.management.JMException;
import javax.management.ObjectName;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * {@code diag/profile} for the JVM: Kubo's collectors, each mapped onto the JVM's own diagnostic,
 * written into one zip as they finish. Snapshots (thread stacks, version, class histogram, runtime)
 * are taken at once; the sampling collectors ({@code cpu}, {@code allocs}, {@code mutex},
 * {@code block}, {@code trace}) share one Flight Recorder recording of the profile time, written as
 * {@code profile.jfr} (JFR records every running recording's events into each, so one file per
 * collector would hold the same data). One profile runs at a time in a JVM: JFR and heap dumps are
 * the whole JVM's.
 */
final class JvmProfile {
    /** The longest profile time taken (Kubo sets none; its default is 30 s). */
    static final Duration MAX_TIME = Duration.ofMinutes(10);
    /** What the recording may keep on disk: JFR drops its oldest data beyond it. */
    static final long MAX_RECORDING_BYTES = 256L << 20;
    /** The deepest stack written per thread. */
    private static final int MAX_FRAMES = 1024;
    /** How often the wait looks whether the client is gone. */
    private static final long POLL_MILLIS = 100;
    private static final ReentrantLock ONE_AT_A_TIME = new ReentrantLock();

    /** Kubo's collectors (and p2pkit's {@code heap-dump}), with the entry each writes. */
    enum Collector {
        GOROUTINES_STACK("goroutines-stack", "threads.stacks"),
        GOROUTINES_PPROF("goroutines-pprof", "threads.json"),
        VERSION("version", "version.json"),
        HEAP("heap", "heap.histogram"),
        ALLOCS("allocs", null),
        BIN("bin", "jvm.json"),
        CPU("cpu", null),
        MUTEX("mutex", null),
        BLOCK("block", null),
        TRACE("trace", null),
        /** Not among the defaults: a heap dump holds the process's memory, keys and content included. */
        HEAP_DUMP("heap-dump", "heap.hprof");

        private final String kuboName;
        private final String entry;

        Collector(String kuboName, String entry) {
            this.kuboName = kuboName;
            this.entry = entry;
        }

        /** The name {@code --collectors} takes. */
        String kuboName() {
            return kuboName;
        }

        /** Whether it samples into the JFR recording rather than writing an entry of its own. */
        boolean sampling() {
            return entry == null;
        }

        /** Kubo's name, or Kubo's error for another. */
        static Collector named(String name) {
            for (Collector c : values()) {
                if (c.kuboName.equals(name)) {
                    return c;
                }
            }
            throw RpcError.failed("unknown collector '" + name + "'");
        }
    }

    /** Kubo's default list, in its order. */
    static final List<String> DEFAULTS = List.of("goroutines-stack", "goroutines-pprof", "version", "heap", "allocs",
            "bin", "cpu", "mutex", "block", "trace");
    /** The entry of the recording. */
    static final String RECORDING = "profile.jfr";

    /**
     * What to collect.
     *
     * @param collectors    the collectors' names, as given
     * @param time          how long the sampling collectors run (zero: they are skipped, as Kubo skips them)
     * @param mutexFraction Kubo's mutex profile fraction: zero or less skips {@code mutex}
     * @param blockRate     Kubo's block profile rate: the shortest blocking recorded; zero skips {@code block}
     * @param version       the {@code version.json} object
     */
    record Options(List<String> collectors, Duration time, int mutexFraction, Duration blockRate,
                   Map<String, Object> version) {
    }

    private JvmProfile() {
    }

    /**
     * Writes the profile as a zip into the stream {@code output} gives, which is left open. An
     * unknown collector ends an empty zip and then fails, as Kubo's does.
     *
     * @param output    the stream, asked for once the profile may start (before, errors are plain answers)
     * @param cancelled whether the client has gone: the wait stops
     * @throws RpcError when the time is above {@link #MAX_TIME}, another profile runs, or for an unknown collector
     */
    static void write(Options options, Supplier<OutputStream> output, BooleanSupplier cancelled) throws IOException {
        if (options.time().compareTo(MAX_TIME) > 0) {
            throw RpcError.failed("profile-time " + io.p2pkit.node.config.GoDurations.format(options.time())
                    + " is above p2pkit's limit of " + io.p2pkit.node.config.GoDurations.format(MAX_TIME));
        }
        if (!ONE_AT_A_TIME.tryLock()) {
            throw RpcError.failed("a profile is being collected already: one at a time");
        }
        OutputStream out = output.get();
        try (ZipOutputStream zip = new ZipOutputStream(new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                out.flush(); // the caller ends the response
            }
        })) {
            Set<Collector> chosen = new LinkedHashSet<>();
            for (String name : options.collectors()) {
                chosen.add(Collector.named(name));
            }
            Path temp = Files.createTempDirectory("p2pkit-profile");
            try {
                collect(options, enabled(chosen, options), zip, temp, cancelled);
            } finally {
                io.p2pkit.ipfs.blockstore.SyncedFiles.deleteTree(temp);
            }
        } finally {
            ONE_AT_A_TIME.unlock();
        }
    }

    /** Whether a profile is being collected. */
    static boolean running() {
        return ONE_AT_A_TIME.isLocked();
    }

    /** Kubo's rules: the sampling collectors need a profile time, mutex a fraction, block a rate. */
    static Set<Collector> enabled(Set<Collector> chosen, Options options) {
        Set<Collector> on = new LinkedHashSet<>();
        boolean timed = options.time().isPositive();
        for (Collector c : chosen) {
            boolean run = switch (c) {
                case MUTEX -> timed && options.mutexFraction() > 0;
                case BLOCK -> timed && options.blockRate().isPositive();
                default -> !c.sampling() || timed;
            };
            if (run) {
                on.add(c);
            }
        }
        return on;
    }

    private static void collect(Options options, Set<Collector> on, ZipOutputStream zip, Path temp,
                                BooleanSupplier cancelled) throws IOException {
        long end = System.nanoTime() + options.time().toNanos();
        Recording recording = null;
        try {
            if (on.stream().anyMatch(Collector::sampling)) {
                recording = new Recording(settings(on, options));
                recording.setName("p2pkit diag/profile");
                recording.setToDisk(true);
                recording.setMaxSize(MAX_RECORDING_BYTES);
                recording.start();
            }
            for (Collector c : on) {
                if (!c.sampling()) {
                    zip.putNextEntry(new ZipEntry(c.entry));
                    snapshot(c, options, zip, temp);
                    zip.closeEntry();
                    zip.flush();
                }
            }
            if (recording != null) {
                waitUntil(end, cancelled);
                recording.stop();
                Path file = temp.resolve(RECORDING);
                recording.dump(file);
                copy(file, RECORDING, zip);
            }
        } finally {
            if (recording != null) {
                recording.close();
            }
        }
    }

    private static void snapshot(Collector c, Options options, ZipOutputStream zip, Path temp) throws IOException {
        switch (c) {
            case GOROUTINES_STACK -> zip.write(threadStacks().getBytes(StandardCharsets.UTF_8));
            case GOROUTINES_PPROF -> {
                // the JDK's dump names virtual threads too, which ThreadMXBean does not see
                Path file = temp.resolve("threads.json");
                diagnostics().dumpThreads(file.toString(), ThreadDumpFormat.JSON);
                Files.copy(file, zip);
                Files.delete(file);
            }
            case VERSION -> zip.write((Json.write(options.version()) + "\n").getBytes(StandardCharsets.UTF_8));
            case HEAP -> zip.write(classHistogram().getBytes(StandardCharsets.UTF_8));
            case BIN -> zip.write((Json.write(runtime()) + "\n").getBytes(StandardCharsets.UTF_8));
            case HEAP_DUMP -> {
                Path file = temp.resolve("heap.hprof");
                diagnostics().dumpHeap(file.toString(), true);
                Files.copy(file, zip);
                Files.delete(file);
            }
            default -> throw new IllegalArgumentException(c + " samples");
        }
    }

    private static void copy(Path file, String entry, ZipOutputStream zip) throws IOException {
        zip.putNextEntry(new ZipEntry(entry));
        Files.copy(file, zip);
        zip.closeEntry();
    }

    /** Sleeps until {@code end} (System.nanoTime), or fails once the client has gone. */
    private static void waitUntil(long end, BooleanSupplier cancelled) throws IOException {
        long left;
        while ((left = end - System.nanoTime()) > 0) {
            if (cancelled.getAsBoolean()) {
                throw new IOException("the client has gone");
            }
            try {
                Thread.sleep(Math.min(POLL_MILLIS, Math.max(1, left / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while profiling", e);
            }
        }
    }

    /** The JFR settings: the {@code profile} configuration's, only the chosen collectors' events on. */
    static Map<String, String> settings(Set<Collector> on, Options options) throws IOException {
        Map<String, String> profile;
        try {
            profile = Configuration.getConfiguration("profile").getSettings();
        } catch (ParseException e) {
            throw new IOException("the JDK's profile configuration does not read: " + e.getMessage(), e);
        }
        if (on.contains(Collector.TRACE)) {
            return profile; // Go's execution trace: everything the profile configuration records
        }
        Map<String, String> s = new HashMap<>(profile);
        s.replaceAll((k, v) -> k.endsWith("#enabled") ? "false" : v);
        if (on.contains(Collector.CPU)) {
            enable(s, "jdk.ExecutionSample", "jdk.NativeMethodSample", "jdk.CPULoad", "jdk.ThreadCPULoad");
        }
        if (on.contains(Collector.ALLOCS)) {
            enable(s, "jdk.ObjectAllocationSample");
        }
        if (on.contains(Collector.MUTEX)) {
            // contended monitors and parked lock waiters, past the profile configuration's threshold
            enable(s, "jdk.JavaMonitorEnter", "jdk.ThreadPark");
        }
        if (on.contains(Collector.BLOCK)) {
            String threshold = options.blockRate().toNanos() + " ns";
            for (String e : List.of("jdk.JavaMonitorEnter", "jdk.JavaMonitorWait", "jdk.ThreadPark", "jdk.ThreadSleep",
                    "jdk.SocketRead", "jdk.SocketWrite", "jdk.FileRead", "jdk.FileWrite")) {
                enable(s, e);
                s.put(e + "#threshold", threshold);
            }
        }
        return s;
    }

    private static void enable(Map<String, String> settings, String... events) {
        for (String e : events) {
            settings.put(e + "#enabled", "true");
        }
    }

    /** Every platform thread's stack, as jstack prints it (ThreadInfo's own text stops at 8 frames). */
    static String threadStacks() {
        StringBuilder b = new StringBuilder();
        for (ThreadInfo t : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true, MAX_FRAMES)) {
            b.append('"').append(t.getThreadName()).append("\" #").append(t.getThreadId())
                    .append(t.isDaemon() ? " daemon" : "").append(" prio=").append(t.getPriority())
                    .append("\n   java.lang.Thread.State: ").append(t.getThreadState());
            if (t.getLockName() != null) {
                b.append(" on ").append(t.getLockName());
                if (t.getLockOwnerName() != null) {
                    b.append(" owned by \"").append(t.getLockOwnerName()).append("\" #").append(t.getLockOwnerId());
                }
            }
            b.append('\n');
            StackTraceElement[] stack = t.getStackTrace();
            for (int i = 0; i < stack.length; i++) {
                b.append("\tat ").append(stack[i]).append('\n');
                for (MonitorInfo m : t.getLockedMonitors()) {
                    if (m.getLockedStackDepth() == i) {
                        b.append("\t- locked ").append(m).append('\n');
                    }
                }
            }
            LockInfo[] synchronizers = t.getLockedSynchronizers();
            if (synchronizers.length > 0) {
                b.append("\n   Locked ownable synchronizers:\n");
                for (LockInfo l : synchronizers) {
                    b.append("\t- ").append(l).append('\n');
                }
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** The live objects' count and size per class, as {@code jcmd GC.class_histogram} prints it. */
    private static String classHistogram() throws IOException {
        try {
            return (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[]{new String[0]}, new String[]{String[].class.getName()});
        } catch (JMException e) {
            throw new IOException("the class histogram failed: " + e.getMessage(), e);
        }
    }

    /**
     * Which JVM and which jars run the node: the JVM's stand-in for the copy of the binary Kubo
     * adds. Not the JVM's arguments, which may hold secrets.
     */
    private static Map<String, Object> runtime() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("Name", System.getProperty("java.vm.name", ""));
        o.put("Vendor", System.getProperty("java.vm.vendor", ""));
        o.put("Version", Runtime.version().toString());
        o.put("Home", System.getProperty("java.home", ""));
        o.put("ClassPath", paths(System.getProperty("java.class.path", "")));
        o.put("ModulePath", paths(System.getProperty("jdk.module.path", "")));
        return o;
    }

    private static List<String> paths(String text) {
        List<String> out = new ArrayList<>();
        for (String p : text.split(java.io.File.pathSeparator)) {
            if (!p.isEmpty()) {
                out.add(p);
            }
        }
        return out;
    }

    private static HotSpotDiagnosticMXBean diagnostics() {
        return ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    }
}
