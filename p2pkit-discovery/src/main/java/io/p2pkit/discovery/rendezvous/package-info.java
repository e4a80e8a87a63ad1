/**
 * Rendezvous ({@code /rendezvous/1.0.0}, libp2p/specs {@code rendezvous/README.md}): a
 * {@link io.p2pkit.discovery.rendezvous.RendezvousServer} keeps peers' signed registrations in
 * namespaces in a {@link io.p2pkit.discovery.rendezvous.RendezvousStore}, and a
 * {@link io.p2pkit.discovery.rendezvous.RendezvousClient} registers, unregisters and discovers.
 */
package io.p2pkit.discovery.rendezvous;
