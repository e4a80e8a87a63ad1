package io.p2pkit.nat.portmap;

import io.p2pkit.core.DecodeException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * What this client needs from an Internet Gateway Device's description (IGD v1 and v2): the best
 * WAN connection service and its control URL.
 */
final class IgdDescription {
    /** Largest description accepted; miniupnpd's is about 3 KB, big routers' 20 KB. */
    static final int MAX_BYTES = 64 * 1024;

    /** The services this client controls, best first. */
    static final List<String> SERVICES = List.of(
            "urn:schemas-upnp-org:service:WANIPConnection:2",
            "urn:schemas-upnp-org:service:WANIPConnection:1",
            "urn:schemas-upnp-org:service:WANPPPConnection:1");

    /**
     * A WAN connection service.
     *
     * @param type       its service type, one of {@link #SERVICES}
     * @param controlUrl where its SOAP actions go
     */
    record Service(String type, URI controlUrl) {
        /** WANIPConnection:2 has AddAnyPortMapping. */
        boolean isV2() {
            return type.endsWith("WANIPConnection:2");
        }

        /** The short name used in reports, e.g. {@code WANIPConnection:2}. */
        String shortName() {
            return type.substring(type.lastIndexOf(':', type.length() - 3) + 1);
        }
    }

    private IgdDescription() {
    }

    /**
     * Finds the best WAN connection service in a device description.
     *
     * @param location where the description came from: relative URLs resolve against it (or
     *                 against URLBase), and the control URL must be on the same host
     * @return the service, or empty when the device offers none this client controls
     * @throws DecodeException when the document is too large, not XML, or its control URL is unusable
     */
    static Optional<Service> decode(byte[] xml, URI location) {
        Document doc = SafeXml.parse(xml, MAX_BYTES, "igd.description");
        Element root = doc.getDocumentElement();
        URI base = location;
        Optional<String> urlBase = SafeXml.childText(root, "URLBase");
        if (urlBase.isPresent() && !urlBase.get().isEmpty()) {
            base = SsdpResponse.httpUri(urlBase.get(), "igd.urlbase");
        }
        Service best = null;
        int bestRank = Integer.MAX_VALUE;
        for (Element s : SafeXml.all(root, "service")) {
            String type = SafeXml.childText(s, "serviceType").orElse("");
            int rank = SERVICES.indexOf(type);
            if (rank < 0 || rank >= bestRank) {
                continue;
            }
            String control = SafeXml.childText(s, "controlURL").orElse("");
            if (control.isEmpty() || control.length() > 1024) {
                throw new DecodeException("igd.controlURL", "missing or too long for " + type);
            }
            URI url;
            try {
                url = base.resolve(control);
            } catch (IllegalArgumentException e) {
                throw new DecodeException("igd.controlURL", "not a URL: " + SsdpResponse.abbreviate(control), e);
            }
            url = SsdpResponse.httpUri(url.toString(), "igd.controlURL");
            // SOAP goes to the device that answered on the LAN, never to a host it names
            if (!url.getHost().equalsIgnoreCase(location.getHost())) {
                throw new DecodeException("igd.controlURL", "on another host than the description: " + url.getHost());
            }
            best = new Service(type, url);
            bestRank = rank;
        }
        return Optional.ofNullable(best);
    }
}
