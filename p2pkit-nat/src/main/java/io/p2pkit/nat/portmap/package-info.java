/** Port mapping on the default gateway: UPnP IGD v1 and v2, and NAT-PMP. */
package io.p2pkit.nat.portmap;
