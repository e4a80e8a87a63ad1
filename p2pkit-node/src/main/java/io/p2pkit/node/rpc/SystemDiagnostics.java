package io.p2pkit.node.rpc;

import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.node.NodeVersion;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Kubo's {@code diag/sys} map, its keys filled with what this JVM and node are: the runtime, the
 * environment, the disk the repository is on, the process's memory, the network interfaces' addresses
 * and the node's version. Go's maps are written with their keys sorted, so each level is a
 * {@link TreeMap}.
 */
final class SystemDiagnostics {
    private static final Path PROC_STATUS = Path.of("/proc/self/status");

    private SystemDiagnostics() {
    }

    /**
     * @param repository where the repository is, for the disk's figures (the working directory when
     *                   the node has none)
     * @param online     whether the node is on the network
     */
    static Map<String, Object> report(Path repository, boolean online) throws IOException {
        Map<String, Object> info = new TreeMap<>();
        info.put("runtime", runtime());
        info.put("environment", environment());
        info.put("diskinfo", disk(repository));
        info.put("memory", memory());
        Map<String, Object> net = new TreeMap<>();
        net.put("interface_addresses", interfaceAddresses());
        net.put("online", online);
        info.put("net", net);
        info.put("ipfs_version", NodeVersion.get());
        info.put("ipfs_commit", ""); // as Kubo's version: a release build names no commit
        return info;
    }

    /** Go's runtime figures, in the JVM's terms (RPC.md says how each reads). */
    private static Map<String, Object> runtime() {
        Map<String, Object> rt = new TreeMap<>();
        rt.put("os", goOs());
        rt.put("arch", goArch());
        rt.put("compiler", System.getProperty("java.vm.name", ""));
        rt.put("version", "java" + System.getProperty("java.version", ""));
        int cpus = Runtime.getRuntime().availableProcessors();
        rt.put("numcpu", cpus);
        // the threads that run virtual threads, as GOMAXPROCS bounds the threads that run goroutines
        rt.put("gomaxprocs", Integer.getInteger("jdk.virtualThreadScheduler.parallelism", cpus));
        rt.put("numgoroutines", ManagementFactory.getThreadMXBean().getThreadCount());
        return rt;
    }

    /** Kubo names GOPATH and IPFS_PATH; p2pkit's repository comes from P2PKIT_HOME, named as well. */
    private static Map<String, Object> environment() {
        Map<String, Object> ev = new TreeMap<>();
        for (String name : List.of("GOPATH", "IPFS_PATH", "P2PKIT_HOME")) {
            ev.put(name, System.getenv().getOrDefault(name, ""));
        }
        return ev;
    }

    /**
     * The repository's file system as go-sysinfo reads statfs: {@code free_space} is every free
     * block, {@code total_space} the blocks an unprivileged process may still use (statfs's
     * {@code f_bavail}, not the file system's size), {@code fstype} its type.
     */
    private static Map<String, Object> disk(Path repository) throws IOException {
        FileStore store = Files.getFileStore(repository);
        Map<String, Object> d = new TreeMap<>();
        d.put("fstype", store.type());
        d.put("total_space", store.getUsableSpace());
        d.put("free_space", store.getUnallocatedSpace());
        return d;
    }

    /**
     * The process's virtual memory and swap in bytes, from {@code /proc/self/status} ({@code VmSize},
     * {@code VmSwap}) as go-sysinfo reads them; 0 where there is no such file, as Kubo on macOS.
     */
    private static Map<String, Object> memory() throws IOException {
        long virt = 0;
        long swap = 0;
        if (Files.isReadable(PROC_STATUS)) {
            for (String line : Files.readAllLines(PROC_STATUS)) {
                if (line.startsWith("VmSize:")) {
                    virt = kibibytes(line);
                } else if (line.startsWith("VmSwap:")) {
                    swap = kibibytes(line);
                }
            }
        }
        Map<String, Object> m = new TreeMap<>();
        m.put("swap", swap);
        m.put("virt", virt);
        return m;
    }

    /** {@code VmSize:   123456 kB} in bytes: the kernel's kB are KiB. */
    private static long kibibytes(String line) {
        String[] parts = line.substring(line.indexOf(':') + 1).trim().split("\\s+");
        try {
            long n = Long.parseLong(parts[0]);
            return parts.length > 1 && parts[1].equalsIgnoreCase("kB") ? n * 1024 : n;
        } catch (NumberFormatException e) {
            throw RpcError.failed("unexpected line in proc stats: " + io.p2pkit.node.cli.content.GoQuote.quote(line));
        }
    }

    /** Every interface's addresses as multiaddrs ({@code /ip4/127.0.0.1}), interfaces in index order, IPv4 first. */
    static List<String> interfaceAddresses() throws SocketException {
        List<NetworkInterface> interfaces = new ArrayList<>(NetworkInterface.networkInterfaces().toList());
        interfaces.sort(Comparator.comparingInt(NetworkInterface::getIndex));
        List<String> out = new ArrayList<>();
        for (NetworkInterface i : interfaces) {
            List<InetAddress> addresses = new ArrayList<>(i.inetAddresses().toList());
            addresses.sort(Comparator.comparing(a -> a instanceof Inet4Address ? 0 : 1));
            for (InetAddress a : addresses) {
                out.add(multiaddr(a));
            }
        }
        return out;
    }

    /** {@code /ip4/…} or {@code /ip6/…} in Go's text (compressed IPv6, no zone: Go's interface addresses carry none). */
    private static String multiaddr(InetAddress a) {
        String host = a.getHostAddress();
        int zone = host.indexOf('%');
        if (zone >= 0) {
            host = host.substring(0, zone);
        }
        return Multiaddr.parse((a instanceof Inet4Address ? "/ip4/" : "/ip6/") + host).toString();
    }

    /** The operating system as Go's GOOS names it. */
    static String goOs() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.startsWith("mac") || os.startsWith("darwin")) {
            return "darwin";
        }
        if (os.startsWith("windows")) {
            return "windows";
        }
        return os.replace(" ", "");
    }

    /** The JVM's architecture as Go's GOARCH names it. */
    static String goArch() {
        String arch = System.getProperty("os.arch", "");
        return switch (arch) {
            case "x86_64", "amd64" -> "amd64";
            case "aarch64" -> "arm64";
            case "x86", "i386", "i686" -> "386";
            default -> arch;
        };
    }
}
