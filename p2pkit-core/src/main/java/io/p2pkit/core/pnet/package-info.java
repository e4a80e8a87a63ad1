/**
 * Private networks (libp2p PSK v1): a {@link io.p2pkit.core.pnet.PreSharedKey} read from a
 * {@code swarm.key} file, and {@link io.p2pkit.core.pnet.PnetConnection}, which encrypts a raw
 * connection with XSalsa20 under it before multistream-select and the security handshake. A host
 * joins a private network with {@code HostBuilder.privateNetwork(key)}.
 */
package io.p2pkit.core.pnet;
