package io.p2pkit.core.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * Asks one configured DNS server directly for A, AAAA and TXT records (through the JDK's JNDI DNS
 * client), bypassing the operating system's configuration: for a node that must use a given
 * resolver, and for tests against a local server.
 */
public final class ServerResolver implements DnsResolver {
    private final InetSocketAddress server;
    private final JndiDns dns;

    /**
     * @param server  the DNS server's address and port
     * @param timeout the timeout of a query's first try (each of the 2 retries doubles it)
     */
    public ServerResolver(InetSocketAddress server, Duration timeout) {
        if (server.isUnresolved()) {
            throw new IllegalArgumentException("the DNS server must be an IP address: " + server);
        }
        this.server = server;
        String host = server.getAddress().getHostAddress();
        String url = "dns://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + server.getPort();
        this.dns = new JndiDns(url, (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())), 2);
    }

    @Override
    public List<InetAddress> ip4(String name) throws IOException {
        return dns.addresses(name, "A");
    }

    @Override
    public List<InetAddress> ip6(String name) throws IOException {
        return dns.addresses(name, "AAAA");
    }

    @Override
    public List<String> txt(String name) throws IOException {
        return dns.txt(name);
    }

    @Override
    public String toString() {
        return "DNS server " + server;
    }
}
