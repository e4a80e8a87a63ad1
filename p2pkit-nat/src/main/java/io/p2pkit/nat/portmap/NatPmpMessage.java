package io.p2pkit.nat.portmap;

import io.p2pkit.core.DecodeException;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * NAT-PMP messages (RFC 6886, section 3): the two requests this client sends and the gateway's
 * responses.
 */
final class NatPmpMessage {
    /** Largest datagram read; NAT-PMP responses are 12 or 16 bytes, 1100 is PCP's maximum (RFC 6887 §7). */
    static final int MAX_PACKET = 1100;
    static final int OP_EXTERNAL_ADDRESS = 0;
    static final int OP_MAP_UDP = 1;
    static final int OP_MAP_TCP = 2;

    private NatPmpMessage() {
    }

    /**
     * A decoded response.
     *
     * @param op           the request's opcode (the response's minus 128)
     * @param result       the result code, 0 on success
     * @param epoch        seconds since the gateway's mappings were reset
     * @param external     the external address (opcode 0, success only)
     * @param internalPort the internal port (mapping responses)
     * @param externalPort the mapped external port (mapping responses)
     * @param lifetime     the granted lifetime in seconds (mapping responses)
     */
    record Response(int op, int result, long epoch, InetAddress external, int internalPort, int externalPort,
                    long lifetime) {
    }

    static byte[] externalAddressRequest() {
        return new byte[]{0, OP_EXTERNAL_ADDRESS};
    }

    static byte[] mapRequest(Protocol protocol, int internalPort, int suggestedExternalPort, long lifetimeSeconds) {
        ByteBuffer b = ByteBuffer.allocate(12);
        b.put((byte) 0).put((byte) (protocol == Protocol.UDP ? OP_MAP_UDP : OP_MAP_TCP)).putShort((short) 0);
        b.putShort((short) internalPort).putShort((short) suggestedExternalPort).putInt((int) lifetimeSeconds);
        return b.array();
    }

    /**
     * Decodes a response.
     *
     * @throws DecodeException when it is not a well-formed NAT-PMP response
     */
    static Response decode(byte[] data, int length) {
        if (length > MAX_PACKET || length > data.length) {
            throw new DecodeException("nat-pmp", "response of " + length + " bytes");
        }
        if (length < 8) {
            throw new DecodeException("nat-pmp", "response of " + length + " bytes, less than a header");
        }
        ByteBuffer b = ByteBuffer.wrap(data, 0, length);
        int version = b.get() & 0xff;
        if (version != 0) {
            throw new DecodeException("nat-pmp.version", "version " + version);
        }
        int op = b.get() & 0xff;
        if (op < 128 || op > 128 + OP_MAP_TCP) {
            throw new DecodeException("nat-pmp.opcode", "opcode " + op + " is not a response");
        }
        op -= 128;
        int result = b.getShort() & 0xffff;
        long epoch = b.getInt() & 0xffffffffL;
        if (result != 0) {
            // the other fields are undefined after an error (RFC 6886 §3.5)
            return new Response(op, result, epoch, null, 0, 0, 0);
        }
        if (op == OP_EXTERNAL_ADDRESS) {
            if (length < 12) {
                throw new DecodeException("nat-pmp", "external address response of " + length + " bytes");
            }
            byte[] ip = new byte[4];
            b.get(ip);
            return new Response(op, result, epoch, inet4(ip), 0, 0, 0);
        }
        if (length < 16) {
            throw new DecodeException("nat-pmp", "mapping response of " + length + " bytes");
        }
        int internal = b.getShort() & 0xffff;
        int external = b.getShort() & 0xffff;
        long lifetime = b.getInt() & 0xffffffffL;
        return new Response(op, result, epoch, null, internal, external, lifetime);
    }

    /** The result code's name (RFC 6886 §3.5). */
    static String resultName(int code) {
        return switch (code) {
            case 0 -> "Success";
            case 1 -> "Unsupported Version";
            case 2 -> "Not Authorized/Refused";
            case 3 -> "Network Failure";
            case 4 -> "Out of resources";
            case 5 -> "Unsupported opcode";
            default -> "unknown result";
        };
    }

    private static Inet4Address inet4(byte[] ip) {
        try {
            return (Inet4Address) InetAddress.getByAddress(ip);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are an IPv4 address", e);
        }
    }
}
