package io.p2pkit.discovery.mdns;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** A network interface mDNS runs on, with its addresses as they were when the service started. */
record LanInterface(NetworkInterface nif, List<InterfaceAddress> addresses) {
    LanInterface {
        addresses = List.copyOf(addresses);
    }

    /**
     * The interfaces named in {@code names}, or, when it is empty, every interface that is up,
     * multicast-capable, not loopback, not point-to-point and not a virtual sub-interface.
     */
    static List<LanInterface> choose(List<String> names) throws IOException {
        List<LanInterface> out = new ArrayList<>();
        if (!names.isEmpty()) {
            for (String name : names) {
                NetworkInterface nif = NetworkInterface.getByName(name);
                if (nif == null) {
                    throw new IOException("no network interface named " + name);
                }
                out.add(of(nif));
            }
            return out;
        }
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nif.isUp() && nif.supportsMulticast() && !nif.isLoopback() && !nif.isPointToPoint() && !nif.isVirtual()) {
                out.add(of(nif));
            }
        }
        return out;
    }

    private static LanInterface of(NetworkInterface nif) throws SocketException {
        return new LanInterface(nif, nif.getInterfaceAddresses());
    }

    String name() {
        return nif.getName();
    }

    boolean hasIpv4() {
        return addresses.stream().anyMatch(a -> a.getAddress() instanceof Inet4Address);
    }

    boolean hasIpv6() {
        return addresses.stream().anyMatch(a -> a.getAddress() instanceof Inet6Address);
    }

    /** Whether {@code ip} is one of this interface's addresses (IPv6 scope ignored). */
    boolean owns(InetAddress ip) {
        return addresses.stream().anyMatch(a -> Arrays.equals(a.getAddress().getAddress(), ip.getAddress()));
    }

    /** Whether {@code source} is on one of this interface's subnets, or (IPv6) scoped to it. */
    boolean reaches(InetAddress source) {
        if (source instanceof Inet6Address v6 && v6.getScopeId() != 0) {
            return v6.getScopeId() == nif.getIndex();
        }
        for (InterfaceAddress a : addresses) {
            if (sameSubnet(a.getAddress().getAddress(), source.getAddress(), a.getNetworkPrefixLength())) {
                return true;
            }
        }
        return false;
    }

    /** The addresses for A and AAAA records: IPv4 and non-link-local IPv6 ones, link-local only if nothing else. */
    List<InetAddress> recordAddresses() {
        List<InetAddress> out = new ArrayList<>();
        for (InterfaceAddress a : addresses) {
            InetAddress ip = a.getAddress();
            if (!ip.isLinkLocalAddress()) {
                out.add(plain(ip));
            }
        }
        if (out.isEmpty()) {
            addresses.stream().map(InterfaceAddress::getAddress).map(LanInterface::plain).forEach(out::add);
        }
        return out;
    }

    private static InetAddress plain(InetAddress ip) {
        try {
            return InetAddress.getByAddress(ip.getAddress()); // without the IPv6 scope
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean sameSubnet(byte[] a, byte[] b, int prefix) {
        if (a.length != b.length) {
            return false;
        }
        for (int bit = 0; bit < prefix && bit < a.length * 8; bit++) {
            int mask = 0x80 >>> (bit % 8);
            if ((a[bit / 8] & mask) != (b[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }
}
