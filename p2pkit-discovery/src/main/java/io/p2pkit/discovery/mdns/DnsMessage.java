package io.p2pkit.discovery.mdns;

import java.util.List;

/**
 * A DNS message as mDNS uses it (RFC 1035 section 4, RFC 6762).
 *
 * @param id          the message ID (0 in multicast mDNS messages)
 * @param flags       the header's second 16 bits; {@link #RESPONSE} is the QR bit
 * @param questions   the question section
 * @param answers     the answer section
 * @param authorities the authority section
 * @param additionals the additional section
 */
record DnsMessage(int id, int flags, List<DnsQuestion> questions, List<DnsRecord> answers,
                  List<DnsRecord> authorities, List<DnsRecord> additionals) {
    /** The QR bit: set in responses. */
    static final int RESPONSE = 0x8000;
    /** QR and AA: an authoritative response, what mDNS responders send. */
    static final int AUTHORITATIVE_RESPONSE = 0x8400;

    DnsMessage {
        questions = List.copyOf(questions);
        answers = List.copyOf(answers);
        authorities = List.copyOf(authorities);
        additionals = List.copyOf(additionals);
    }

    boolean isResponse() {
        return (flags & RESPONSE) != 0;
    }
}
