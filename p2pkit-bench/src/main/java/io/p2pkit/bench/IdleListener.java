package io.p2pkit.bench;

import io.p2pkit.core.muxer.yamux.Yamux;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.resource.ResourceManager;
import io.p2pkit.core.resource.ResourceManagerConfig;
import io.p2pkit.core.network.Connection;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The listening process of {@link IdleConnections}: a host with the default settings listening on
 * several loopback TCP ports, driven by commands on stdin, one per line:
 * {@code count} answers {@code COUNT <connections> <open streams>}; {@code measure <n>} answers
 * {@code HIST <line>} lines with the top {@code n} rows of the class histogram and then
 * {@code FOOTPRINT <values>}; {@code quit} closes the host and exits.
 */
public final class IdleListener {
    private IdleListener() {
    }

    /** @param args the number of ports to listen on (default 4) */
    public static void main(String[] args) throws Exception {
        int ports = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        String[] listen = new String[ports];
        for (int i = 0; i < ports; i++) {
            listen[i] = "/ip4/127.0.0.1/tcp/0";
        }
        // This measures memory, not admission: the default limits (scaled from the heap, like
        // go-libp2p's) would refuse most of 10,000 inbound connections, as they should on a node.
        try (Host host = Host.builder().listen(listen).muxer(Yamux.factory(IdleConnections.YAMUX)).muxers("mplex")
                .resourceManager(new ResourceManager(ResourceManagerConfig.unlimited())).build()) {
            StringBuilder ready = new StringBuilder("READY ").append(host.peerId());
            for (Multiaddr a : host.network().listenAddresses()) {
                ready.append(' ').append(a);
            }
            out.println(ready);
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                String[] cmd = line.trim().split("\\s+");
                switch (cmd[0]) {
                    case "count" -> {
                        List<Connection> conns = host.network().connections();
                        int streams = conns.stream().mapToInt(Connection::streamCount).sum();
                        out.println("COUNT " + conns.size() + " " + streams);
                    }
                    case "measure" -> {
                        ProcessFootprint f = ProcessFootprint.measure(Integer.parseInt(cmd[1]));
                        for (String h : f.histogramTop()) {
                            out.println("HIST " + h);
                        }
                        out.println("FOOTPRINT " + f.toLine());
                    }
                    case "quit" -> {
                        return;
                    }
                    default -> out.println("ERROR unknown command " + cmd[0]);
                }
            }
        }
    }
}
