package io.p2pkit.node.gateway;

/**
 * How a request reached the content it names: by path ({@code /ipfs/{cid}/…} on any host), at an
 * isolated origin of a subdomain gateway ({@code {cid}.ipfs.{gateway}/…}), or at a DNSLink host
 * ({@code {domain}/…}). Isolated origins get {@code _redirects} and root-relative links.
 *
 * @param kind        which of the three
 * @param gatewayHost for a subdomain: the gateway's {@code host[:port]}, which path-form links point to
 * @param domain      for DNSLink: the domain
 */
record Origin(Kind kind, String gatewayHost, String domain) {
    static final Origin PATH = new Origin(Kind.PATH, null, null);

    enum Kind { PATH, SUBDOMAIN, DNSLINK }

    static Origin subdomain(String gatewayHost) {
        return new Origin(Kind.SUBDOMAIN, gatewayHost, null);
    }

    static Origin dnsLink(String domain) {
        return new Origin(Kind.DNSLINK, null, domain);
    }

    /** Whether the content root is the origin's {@code /} (where {@code _redirects} applies). */
    boolean isolated() {
        return kind != Kind.PATH;
    }
}
