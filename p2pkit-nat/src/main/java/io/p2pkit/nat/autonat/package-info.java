/** AutoNAT v1 ({@code /libp2p/autonat/1.0.0}) and v2 ({@code /libp2p/autonat/2/dial-request}, {@code /dial-back}): clients, servers and the host's reachability. */
package io.p2pkit.nat.autonat;
