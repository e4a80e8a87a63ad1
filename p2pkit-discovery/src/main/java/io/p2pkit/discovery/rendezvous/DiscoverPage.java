package io.p2pkit.discovery.rendezvous;

import java.util.List;

/**
 * One answer to discover: registrations and the cookie that asks for the ones after them.
 *
 * @param registrations the registrations, each record verified
 * @param cookie        pass it to the next discover of the same namespace at the same point to
 *                      get only registrations made (or refreshed) since; opaque
 */
public record DiscoverPage(List<Registration> registrations, byte[] cookie) {
    /** Copies the list. */
    public DiscoverPage {
        registrations = List.copyOf(registrations);
    }
}
