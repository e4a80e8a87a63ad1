package io.p2pkit.core.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;

/**
 * Looks names up in DNS: the records multiaddr resolution needs (A, AAAA, TXT). A name with no
 * record of the asked type yields an empty list; a failure to ask (no server, a timeout) is an
 * {@link IOException}. Implementations: {@link SystemResolver} (the operating system's resolver)
 * and {@link ServerResolver} (a configured DNS server, asked directly).
 */
public interface DnsResolver {
    /** The IPv4 addresses (A records) of {@code name}. */
    List<InetAddress> ip4(String name) throws IOException;

    /** The IPv6 addresses (AAAA records) of {@code name}. */
    List<InetAddress> ip6(String name) throws IOException;

    /** The TXT records of {@code name}, one string per record (its character-strings joined). */
    List<String> txt(String name) throws IOException;
}
