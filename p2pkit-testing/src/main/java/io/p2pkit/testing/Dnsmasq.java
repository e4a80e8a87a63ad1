package io.p2pkit.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A Debian {@code dnsmasq} serving fixed records on a free loopback port, for tests that need a
 * real DNS server. It never forwards (no upstream, no hosts file): names it does not know get
 * NXDOMAIN, so a test can never reach the internet's DNS.
 */
public final class Dnsmasq implements AutoCloseable {
    private final Process process;
    private final InetSocketAddress address;

    private Dnsmasq(Process process, InetSocketAddress address) {
        this.process = process;
        this.address = address;
    }

    /** The dnsmasq binary, if installed ({@code apt-get install dnsmasq}). */
    public static Optional<Path> binary() {
        return Prerequisites.findProgram("dnsmasq");
    }

    /** The dnsmasq binary; fails under CI and skips elsewhere when it is not installed. */
    public static Path required() {
        return Prerequisites.program("dnsmasq", "Debian: apt-get install dnsmasq");
    }

    /**
     * Starts dnsmasq with {@code records}: dnsmasq options such as
     * {@code --address=/node.test/127.0.0.1} or {@code --txt-record=_dnsaddr.x.test,dnsaddr=/ip4/…}.
     * Returns once it answers TCP connections on its port.
     */
    public static Dnsmasq start(List<String> records) throws IOException, InterruptedException {
        Path bin = binary().orElseThrow(() -> new IOException("dnsmasq is not installed"));
        int port = LoopbackPorts.free();
        List<String> cmd = new ArrayList<>(List.of(bin.toString(), "--keep-in-foreground", "--no-resolv", "--no-hosts",
                "--conf-file=/dev/null", "--pid-file=", "--bind-interfaces", "--listen-address=127.0.0.1",
                "--port=" + port, "--user=" + System.getProperty("user.name"), "--cache-size=0", "--log-facility=-"));
        cmd.addAll(records);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        InetSocketAddress addr = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            if (!p.isAlive()) {
                throw new IOException("dnsmasq exited with status " + p.exitValue() + " (command " + cmd + ")");
            }
            try (Socket s = new Socket()) {
                s.connect(addr, 200);
                return new Dnsmasq(p, addr);
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    p.destroyForcibly();
                    throw new IOException("dnsmasq did not start listening on " + addr);
                }
                // dnsmasq binds within milliseconds; the refused connect above is the wait
                p.waitFor(50, TimeUnit.MILLISECONDS);
            }
        }
    }

    /** The address it answers on (UDP and TCP). */
    public InetSocketAddress address() {
        return address;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
