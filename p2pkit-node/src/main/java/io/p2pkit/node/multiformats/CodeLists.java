package io.p2pkit.node.multiformats;

import io.p2pkit.core.multiformats.Multibase.Encoding;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.codec.Codecs;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

/**
 * What Kubo 0.39's {@code cid bases}, {@code cid codecs} and {@code cid hashes} list, and their
 * text: the multibases go-multibase 0.2 has, the multicodec table's {@code ipld} codes (go-multicodec
 * 0.10 has the same table), and the hash functions boxo allows in CIDs.
 */
public final class CodeLists {
    /**
     * One entry: a code and its name, {@code {"Code":…,"Name":…}} in Kubo's JSON.
     *
     * @param code the prefix's code point (bases) or the multicodec
     * @param name its name
     */
    public record Code(long code, String name) {
        /** Kubo's JSON object. */
        public Map<String, Object> json() {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("Code", code);
            o.put("Name", name);
            return o;
        }
    }

    /** boxo's default allowlist: the hash functions a CID may use (blake2b and blake2s from 160 bits). */
    private static final List<Long> ALLOWED_HASHES = LongStream.concat(LongStream.of(Multicodec.IDENTITY, Multicodec.SHA1,
                    Multicodec.SHA2_256, Multicodec.SHA2_512, Multicodec.SHA3_512, Multicodec.SHA3_384, Multicodec.SHA3_256,
                    Multicodec.SHA3_224, Multicodec.SHAKE_256, Multicodec.KECCAK_224, Multicodec.KECCAK_256,
                    Multicodec.KECCAK_384, Multicodec.KECCAK_512, Multicodec.BLAKE3, Multicodec.DBL_SHA2_256),
            LongStream.concat(LongStream.rangeClosed(0xb214, 0xb240), LongStream.rangeClosed(0xb254, 0xb260)))
            .sorted().boxed().toList();

    private CodeLists() {
    }

    /** The multibases, in Kubo's text order: by prefix ignoring case, lower case first. */
    public static List<Code> bases() {
        List<Code> out = new ArrayList<>();
        for (Encoding e : Multibases.listed()) {
            out.add(new Code(e.prefix(), e.multibaseName()));
        }
        out.sort(Comparator.comparingInt((Code c) -> Character.toLowerCase((int) c.code()))
                .thenComparing(Comparator.comparingLong(Code::code).reversed()));
        return out;
    }

    /**
     * The table's {@code ipld} codecs by code; with {@code supported}, those p2pkit reads and
     * writes blocks in, and libp2p-key (the codec of IPNS names), which Kubo adds too.
     */
    public static List<Code> codecs(boolean supported) {
        return Multicodec.all().stream().filter(c -> c.tag().equals("ipld"))
                .filter(c -> !supported || Codecs.standard().find(c.code()).isPresent() || c.code() == Multicodec.LIBP2P_KEY)
                .map(c -> new Code(c.code(), c.name())).sorted(Comparator.comparingLong(Code::code)).toList();
    }

    /** The hash functions a CID may use, by code; with {@code supported}, those p2pkit computes (all of them). */
    public static List<Code> hashes(boolean supported) {
        return ALLOWED_HASHES.stream().filter(code -> !supported || Multihash.isSupported(code))
                .map(code -> new Code(code, Multicodec.nameOf(code))).toList();
    }

    /** The entries as Kubo's JSON array. */
    public static List<Map<String, Object>> json(List<Code> codes) {
        return codes.stream().map(Code::json).toList();
    }

    /** Kubo's text of the bases: a name a line, after the prefix ({@code prefix}) and the code ({@code numeric}). */
    public static String basesText(List<Code> bases, boolean prefix, boolean numeric) {
        StringBuilder out = new StringBuilder();
        for (Code c : bases) {
            // a prefix Go does not print (identity's NUL) is shown as a space
            String p = Character.isISOControl((int) c.code()) ? " " : Character.toString((int) c.code());
            if (prefix && numeric) {
                out.append(p).append(String.format(" %7d  ", c.code()));
            } else if (prefix) {
                out.append(p).append("  ");
            } else if (numeric) {
                out.append(String.format("%7d  ", c.code()));
            }
            out.append(c.name()).append('\n');
        }
        return out.toString();
    }

    /** Kubo's text of codecs or hashes: a name a line, after the code with {@code numeric}. */
    public static String codesText(List<Code> codes, boolean numeric) {
        StringBuilder out = new StringBuilder();
        for (Code c : codes) {
            out.append(numeric ? String.format("%5d  ", c.code()) : "").append(c.name()).append('\n');
        }
        return out.toString();
    }
}
