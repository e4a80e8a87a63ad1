/** Circuit relay v2 ({@code /libp2p/circuit/relay/0.2.0/hop} and {@code /stop}): the relay service and the client. */
package io.p2pkit.nat.relay;
