package io.p2pkit.bench.perf;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.perf.PerfListener;
import io.p2pkit.core.perf.PerfResult;
import io.p2pkit.core.perf.PerfService;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * p2pkit↔p2pkit perf inside one JVM, for profiling the data path (run it under JFR). Besides wall
 * throughput it reports the process's CPU time per GiB moved, which stays meaningful on a machine
 * shared with other work, where wall time does not, and the bytes allocated per GiB moved (all
 * threads, virtual ones included), which does not depend on the machine at all.
 *
 * <pre>java -cp … io.p2pkit.bench.perf.LoopbackPerf [security] [MiB] [runs] [upload|download|both]</pre>
 */
public final class LoopbackPerf {
    private LoopbackPerf() {
    }

    public static void main(String[] args) throws Exception {
        String security = args.length > 0 ? args[0] : "noise";
        long bytes = (args.length > 1 ? Long.parseLong(args[1]) : 100) << 20;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        String which = args.length > 3 ? args[3] : "both";
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (Host server = Host.builder().listen("/ip4/127.0.0.1/tcp/0").security(security).muxers("yamux")
                .perf(true).build();
             Host client = Host.builder().security(security).muxers("yamux").build()) {
            Connection c = client.connect(new PeerInfo(server.peerId(), server.addresses()));
            PerfService perf = PerfService.client(client);
            for (String dir : which.equals("both") ? List.of("upload", "download") : List.of(which)) {
                List<Double> mibs = new ArrayList<>();
                List<Double> cpu = new ArrayList<>();
                List<Double> alloc = new ArrayList<>();
                for (int i = 0; i < runs; i++) {
                    long cpu0 = os.getProcessCpuTime();
                    long alloc0 = threads.getTotalThreadAllocatedBytes();
                    PerfResult r = dir.equals("upload")
                            ? perf.measure(c, bytes, 0, PerfListener.NONE)
                            : perf.measure(c, 0, bytes, PerfListener.NONE);
                    long cpuNanos = os.getProcessCpuTime() - cpu0;
                    long allocated = threads.getTotalThreadAllocatedBytes() - alloc0;
                    mibs.add(bytes / (r.total().toNanos() / 1e9) / (1 << 20));
                    cpu.add(cpuNanos / 1e6 * ((1L << 30) / (double) bytes));
                    alloc.add(allocated / (1024.0 * 1024) * ((1L << 30) / (double) bytes));
                    // each run on stderr: the ramp shows how long the JITs take to reach steady state
                    System.err.printf(Locale.ROOT, "  %s run %d: %.0f MiB/s, CPU %.0f ms per GiB, allocated %.0f MiB per GiB%n",
                            dir, i + 1, mibs.getLast(), cpu.getLast(), alloc.getLast());
                }
                System.out.printf(Locale.ROOT,
                        "%s %s: median %.0f MiB/s (best %.0f), CPU %.0f ms per GiB (median), allocated %.0f MiB per GiB (median)%n",
                        security, dir, Stats.median(mibs), Stats.max(mibs), Stats.median(cpu), Stats.median(alloc));
            }
        }
    }
}
