package io.p2pkit.nat.portmap;

import io.p2pkit.core.host.Host;
import io.p2pkit.testing.netns.NetnsProbe;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link PortMapper} in a process of its own, for tests that run it inside a testbed LAN host
 * (the test JVM cannot enter a network namespace). It listens on the ports it maps
 * ({@link NetnsProbe#serveTcp}, {@link NetnsProbe#serveUdp}) and prints one line per event; SIGTERM closes the mapper, which
 * removes the mappings, and prints "closed".
 *
 * <pre>
 * [--lease S] [--retry S] [--no-natpmp] [--no-upnp] [--gateway IP] [--host] (--tcp PORT | --udp PORT)...
 * </pre>
 * With {@code --host}, a p2pkit host listens on the TCP ports and {@link HostPortMapper} maps them;
 * it prints "external [addresses]" on each change.
 */
public final class PortMapperProbe {
    private PortMapperProbe() {
    }

    public static void main(String[] args) throws Exception {
        PortMapper.Builder b = PortMapper.builder().discoveryTimeout(Duration.ofSeconds(2));
        List<Integer> tcp = new ArrayList<>();
        List<Integer> udp = new ArrayList<>();
        boolean withHost = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--lease" -> b.lease(Duration.ofSeconds(Long.parseLong(args[++i])));
                case "--retry" -> b.retryInterval(Duration.ofSeconds(Long.parseLong(args[++i])));
                case "--no-natpmp" -> b.natPmp(false);
                case "--no-upnp" -> b.upnp(false);
                case "--gateway" -> b.gateway(Ipv4.literal(args[++i]).orElseThrow());
                case "--host" -> withHost = true;
                case "--tcp" -> tcp.add(Integer.parseInt(args[++i]));
                case "--udp" -> udp.add(Integer.parseInt(args[++i]));
                default -> throw new IllegalArgumentException(args[i]);
            }
        }
        PortMappingListener printer = new PortMappingListener() {
            @Override
            public void mapped(PortMapping m) {
                say("mapped " + describe(m));
            }

            @Override
            public void renewed(PortMapping m) {
                say("renewed " + describe(m));
            }

            @Override
            public void unmapped(PortMapping m) {
                say("unmapped " + describe(m));
            }

            @Override
            public void failed(Protocol protocol, int internalPort, String reason) {
                say("failed " + protocol + " " + internalPort + " " + reason);
            }

            @Override
            public void statusChanged(PortMapper.Status s) {
                say("status " + s.state() + " " + s.detail());
            }
        };
        for (int port : udp) {
            NetnsProbe.serveUdp(port);
        }
        if (withHost) {
            List<String> listen = tcp.stream().map(p -> "/ip4/0.0.0.0/tcp/" + p).toList();
            Host host = Host.builder().listen(listen.toArray(String[]::new)).build();
            HostPortMapper hm = HostPortMapper.start(host, b);
            hm.mapper().addListener(printer);
            hm.addListener(addrs -> say("external " + addrs));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                host.close();
                say("closed");
            }));
        } else {
            for (int port : tcp) {
                NetnsProbe.serveTcp(port);
            }
            PortMapper mapper = b.build();
            mapper.addListener(printer);
            tcp.forEach(p -> mapper.map(Protocol.TCP, p));
            udp.forEach(p -> mapper.map(Protocol.UDP, p));
            mapper.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                mapper.close();
                say("closed");
            }));
        }
        say("started");
        Thread.currentThread().join(); // until SIGTERM
    }

    private static String describe(PortMapping m) {
        return m.protocol() + " " + m.internalPort() + " " + m.external().getAddress().getHostAddress() + ":"
                + m.external().getPort() + " " + m.method();
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
