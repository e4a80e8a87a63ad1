package io.p2pkit.discovery.mdns;

/**
 * One question of a DNS message.
 *
 * @param name     the name asked about, labels joined by dots, no trailing dot
 * @param type     the record type asked for
 * @param dnsClass the class without the mDNS unicast-response bit
 * @param unicast  whether the mDNS "QU" bit (the top bit of the class) asks for a unicast answer
 */
record DnsQuestion(String name, int type, int dnsClass, boolean unicast) {
}
