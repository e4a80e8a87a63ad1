/** AutoRelay: reservations with circuit relays while the node is not publicly reachable (go-libp2p's autorelay). */
package io.p2pkit.nat.autorelay;
