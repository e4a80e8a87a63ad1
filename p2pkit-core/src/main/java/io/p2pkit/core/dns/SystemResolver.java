package io.p2pkit.core.dns;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The operating system's resolver: A and AAAA through {@link InetAddress#getAllByName} (so
 * {@code /etc/hosts}, nsswitch and the JDK's address cache apply), TXT through JNDI with the
 * system's configured DNS servers, since the JDK has no other TXT lookup.
 */
public final class SystemResolver implements DnsResolver {
    private final JndiDns txt = new JndiDns(null, 2000, 2);

    /** A resolver over the operating system's configuration. */
    public SystemResolver() {
    }

    @Override
    public List<InetAddress> ip4(String name) throws IOException {
        return byFamily(name, true);
    }

    @Override
    public List<InetAddress> ip6(String name) throws IOException {
        return byFamily(name, false);
    }

    @Override
    public List<String> txt(String name) throws IOException {
        return txt.txt(name);
    }

    private static List<InetAddress> byFamily(String name, boolean v4) throws IOException {
        InetAddress[] all;
        try {
            all = InetAddress.getAllByName(name);
        } catch (UnknownHostException e) {
            return List.of();
        }
        List<InetAddress> out = new ArrayList<>();
        for (InetAddress a : all) {
            if (v4 ? a instanceof Inet4Address : a instanceof Inet6Address) {
                out.add(a);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "system resolver";
    }
}
