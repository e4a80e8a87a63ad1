package io.p2pkit.node.cli.content;

import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.codec.Codecs;
import io.p2pkit.node.cli.UsageException;

import java.util.Locale;

/**
 * Codec and hash function names on the command line, as Kubo reads them: a multicodec table name
 * ({@code dag-cbor}, {@code sha2-256}) or a code in hex ({@code 0x71}).
 */
public final class CodecNames {
    private CodecNames() {
    }

    /**
     * A multicodec of the table's {@code ipld} tag (or any code given in hex), for a CID.
     *
     * @param option the option being read, for the message
     * @param name   its value
     * @return the code
     * @throws UsageException for an unknown name
     */
    public static long cidCodec(String option, String name) {
        return code(option, name, "ipld", "a codec such as raw, dag-pb, dag-cbor or dag-json");
    }

    /**
     * A codec p2pkit can read and write blocks in.
     *
     * @param option the option being read, for the message
     * @param name   its value
     * @param codecs the codecs known
     * @return the code
     * @throws UsageException for an unknown or unsupported codec
     */
    public static long supportedCodec(String option, String name, Codecs codecs) {
        long code = cidCodec(option, name);
        if (codecs.find(code).isEmpty()) {
            throw new UsageException(option + ": p2pkit cannot encode or decode " + Multicodec.nameOf(code)
                    + " (it knows dag-cbor, dag-json, dag-pb and raw)");
        }
        return code;
    }

    /**
     * A hash function p2pkit can compute.
     *
     * @param option the option being read, for the message
     * @param name   its value, e.g. {@code sha2-256}
     * @return the multihash code
     * @throws UsageException for an unknown or unsupported function
     */
    public static long hashFunction(String option, String name) {
        long code = code(option, name, "multihash", "a hash function such as sha2-256, sha2-512, blake2b-256 or blake3");
        if (!Multihash.isSupported(code)) {
            throw new UsageException(option + ": p2pkit cannot compute " + Multicodec.nameOf(code) + " hashes");
        }
        return code;
    }

    private static long code(String option, String name, String tag, String expected) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.startsWith("0x") && n.length() > 2 && n.length() <= 18) {
            try {
                return Long.parseUnsignedLong(n.substring(2), 16);
            } catch (NumberFormatException e) {
                throw new UsageException(option + ": '" + name + "' is not a hex code");
            }
        }
        return Multicodec.byName(n).filter(c -> c.tag().equals(tag)).map(Multicodec.Codec::code)
                .orElseThrow(() -> new UsageException(option + ": unknown " + tag + " name '" + name
                        + "' (expected " + expected + ")"));
    }
}
