package io.p2pkit.nat.portmap;

import io.p2pkit.core.DecodeException;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * SSDP discovery of Internet Gateway Devices on the default gateway's LAN: M-SEARCH for the IGD
 * and WAN connection types, multicast out of the interface that leads to the gateway and unicast
 * to the gateway itself.
 */
final class Ssdp {
    static final InetSocketAddress MULTICAST = new InetSocketAddress(Ipv4.literal("239.255.255.250").orElseThrow(), 1900);
    private static final List<String> TARGETS = List.of(
            "urn:schemas-upnp-org:device:InternetGatewayDevice:2",
            "urn:schemas-upnp-org:device:InternetGatewayDevice:1",
            "urn:schemas-upnp-org:service:WANIPConnection:2",
            "urn:schemas-upnp-org:service:WANIPConnection:1",
            "urn:schemas-upnp-org:service:WANPPPConnection:1");
    /** Most distinct devices kept from one search. */
    private static final int MAX_DEVICES = 16;

    private Ssdp() {
    }

    /**
     * Searches and returns the description URLs that answered, the gateway's first. Stops early
     * once the gateway answered; otherwise waits {@code timeout}.
     *
     * @param local   this machine's address towards the gateway (the search goes out there)
     * @param gateway the default gateway
     */
    static List<SsdpResponse> search(InetAddress local, InetAddress gateway, Duration timeout) throws IOException {
        Map<String, SsdpResponse> found = new LinkedHashMap<>();
        try (MulticastSocket socket = new MulticastSocket(new InetSocketAddress(local, 0))) {
            NetworkInterface ni = NetworkInterface.getByInetAddress(local);
            if (ni != null) {
                socket.setNetworkInterface(ni);
            }
            socket.setTimeToLive(2);
            int mx = (int) Math.max(1, Math.min(5, timeout.toSeconds()));
            for (String st : TARGETS) {
                byte[] m = ("M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\n"
                        + "MX: " + mx + "\r\nST: " + st + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
                socket.send(new DatagramPacket(m, m.length, MULTICAST));
                socket.send(new DatagramPacket(m, m.length, new InetSocketAddress(gateway, MULTICAST.getPort())));
            }
            byte[] buf = new byte[SsdpResponse.MAX_BYTES + 1];
            long deadline = System.nanoTime() + timeout.toNanos();
            boolean fromGateway = false;
            Optional<DatagramPacket> received;
            while (!fromGateway && found.size() < MAX_DEVICES
                    && (received = Datagrams.receive(socket, buf, deadline)).isPresent()) {
                DatagramPacket in = received.get();
                SsdpResponse r;
                try {
                    r = SsdpResponse.decode(buf, in.getLength());
                } catch (DecodeException malformed) {
                    continue; // someone else's noise
                }
                // the description must come from the device that answered, not from a host it names
                if (!Ipv4.literal(r.location().getHost()).map(in.getAddress()::equals).orElse(false)) {
                    continue;
                }
                found.putIfAbsent(r.location().toString(), r);
                fromGateway = in.getAddress().equals(gateway);
            }
        }
        List<SsdpResponse> out = new ArrayList<>(found.values());
        out.sort((a, b) -> Boolean.compare(!isFrom(a, gateway), !isFrom(b, gateway)));
        return out;
    }

    private static boolean isFrom(SsdpResponse r, InetAddress gateway) {
        return Ipv4.literal(r.location().getHost()).map(gateway::equals).orElse(false);
    }
}
