package io.p2pkit.nat.portmap;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Objects;

/**
 * A port the gateway forwards to this machine.
 *
 * @param protocol     TCP or UDP
 * @param internalPort the port on this machine
 * @param external     the gateway's public address and the mapped port
 * @param method       how it was mapped: {@code "NAT-PMP"} or {@code "UPnP"} (with the service, e.g.
 *                     {@code "UPnP WANIPConnection:2"})
 * @param expires      when the lease ends unless renewed ({@link Instant#MAX} for a permanent one)
 */
public record PortMapping(Protocol protocol, int internalPort, InetSocketAddress external, String method,
                          Instant expires) {
    /** Checks the fields. */
    public PortMapping {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(external, "external");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(expires, "expires");
    }

    /** Whether {@code other} maps the same port to the same external address (only the lease differs). */
    public boolean sameAs(PortMapping other) {
        return protocol == other.protocol && internalPort == other.internalPort && external.equals(other.external);
    }
}
