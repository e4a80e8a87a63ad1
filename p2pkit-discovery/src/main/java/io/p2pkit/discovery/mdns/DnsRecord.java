package io.p2pkit.discovery.mdns;

import java.net.InetAddress;
import java.util.List;

/**
 * One resource record of a DNS message, with its data decoded for the types mDNS discovery uses
 * (PTR, TXT, SRV, A, AAAA) and kept raw for the rest.
 *
 * @param name     the owner name, labels joined by dots, no trailing dot
 * @param type     the record type ({@link #PTR}, {@link #TXT}, …)
 * @param dnsClass the class without the mDNS cache-flush bit (1 for IN)
 * @param flush    whether the mDNS cache-flush bit (the top bit of the class) was set
 * @param ttl      seconds, 0 to 2^32-1
 * @param data     the record data
 */
record DnsRecord(String name, int type, int dnsClass, boolean flush, long ttl, Data data) {
    static final int A = 1;
    static final int PTR = 12;
    static final int TXT = 16;
    static final int AAAA = 28;
    static final int SRV = 33;
    static final int ANY = 255;
    static final int IN = 1;

    /** A record's data. */
    sealed interface Data {
    }

    /** PTR: the name pointed to. */
    record Ptr(String target) implements Data {
    }

    /** TXT: its character strings, as received (each at most 255 bytes). */
    record Txt(List<byte[]> strings) implements Data {
        Txt {
            strings = List.copyOf(strings);
        }
    }

    /** SRV: where the service runs. */
    record Srv(int priority, int weight, int port, String target) implements Data {
    }

    /** A or AAAA: an address. */
    record Address(InetAddress address) implements Data {
    }

    /** Any other type: the data bytes as they were. */
    record Other(byte[] bytes) implements Data {
    }
}
