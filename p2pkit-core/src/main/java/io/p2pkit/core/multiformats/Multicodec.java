package io.p2pkit.core.multiformats;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The multicodec table: the registry of codes used by multihash, CID, multiaddr and keys.
 * The table is the multiformats {@code table.csv}, shipped verbatim as the resource
 * {@code multicodec-table.csv} beside this class, and parsed once on first use. Lookups return
 * {@link Optional}s; unknown codes are normal in untrusted input.
 */
public final class Multicodec {
    /** Identity multihash: the "digest" is the data itself. */
    public static final long IDENTITY = 0x00;
    /** CID version 1 (as a multicodec). */
    public static final long CIDV1 = 0x01;
    public static final long SHA1 = 0x11;
    public static final long SHA2_256 = 0x12;
    public static final long SHA2_512 = 0x13;
    public static final long SHA3_512 = 0x14;
    public static final long SHA3_384 = 0x15;
    public static final long SHA3_256 = 0x16;
    public static final long SHA3_224 = 0x17;
    public static final long SHAKE_128 = 0x18;
    public static final long SHAKE_256 = 0x19;
    public static final long KECCAK_224 = 0x1a;
    public static final long KECCAK_256 = 0x1b;
    public static final long KECCAK_384 = 0x1c;
    public static final long KECCAK_512 = 0x1d;
    public static final long BLAKE3 = 0x1e;
    public static final long SHA2_384 = 0x20;
    public static final long MURMUR3_X64_64 = 0x22;
    public static final long DBL_SHA2_256 = 0x56;
    public static final long MD5 = 0xd5;
    public static final long SHA2_224 = 0x1013;
    public static final long SHA2_512_224 = 0x1014;
    public static final long SHA2_512_256 = 0x1015;
    public static final long BLAKE2B_256 = 0xb220;
    public static final long BLAKE2B_512 = 0xb240;
    public static final long BLAKE2S_256 = 0xb260;
    /** Raw binary IPLD blocks. */
    public static final long RAW = 0x55;
    public static final long DAG_PB = 0x70;
    public static final long DAG_CBOR = 0x71;
    /** Public key of a libp2p peer: the codec of peer IDs written as CIDs. */
    public static final long LIBP2P_KEY = 0x72;
    public static final long DAG_JSON = 0x0129;
    public static final long LIBP2P_PEER_RECORD = 0x0301;
    public static final long IPNS_RECORD = 0x0300;
    public static final long ED25519_PUB = 0xed;
    public static final long SECP256K1_PUB = 0xe7;
    public static final long X25519_PUB = 0xec;

    /** One row of the table. */
    public record Codec(String name, String tag, long code, String status, String description) {
        /** Validates the components. */
        public Codec {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(description, "description");
            if (code < 0) {
                throw new IllegalArgumentException("negative code " + code);
            }
        }
    }

    /** Where the table resource lives, relative to this class. */
    public static final String RESOURCE = "multicodec-table.csv";

    private Multicodec() {
    }

    /** Initialization-on-demand holder: the table is read once, on the first lookup. */
    private static final class Table {
        static final List<Codec> ALL;
        static final Map<Long, Codec> BY_CODE = new HashMap<>();
        static final Map<String, Codec> BY_NAME = new HashMap<>();

        static {
            List<Codec> all = load();
            for (Codec c : all) {
                if (BY_CODE.put(c.code(), c) != null || BY_NAME.put(c.name(), c) != null) {
                    throw new IllegalStateException("duplicate multicodec entry " + c);
                }
            }
            ALL = Collections.unmodifiableList(all);
        }

        private static List<Codec> load() {
            try (InputStream in = Multicodec.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("resource " + RESOURCE + " missing");
                }
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                List<Codec> out = new ArrayList<>();
                String header = reader.readLine();
                if (header == null || !header.startsWith("name,")) {
                    throw new IllegalStateException("unexpected multicodec table header: " + header);
                }
                String line;
                while ((line = reader.readLine()) != null) {
                    if (!line.isBlank()) {
                        out.add(parse(line));
                    }
                }
                return out;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static Codec parse(String line) {
            // Five columns; only the last (description) could ever hold a comma, so limit the split.
            String[] f = line.split(",", 5);
            if (f.length < 4) {
                throw new IllegalStateException("malformed multicodec table row: " + line);
            }
            String code = f[2].trim();
            if (!code.startsWith("0x")) {
                throw new IllegalStateException("multicodec code not in hex: " + line);
            }
            return new Codec(f[0].trim(), f[1].trim(), Long.parseLong(code.substring(2), 16),
                    f[3].trim(), f.length == 5 ? f[4].trim() : "");
        }
    }

    /** The entry with this code, if the table has one. */
    public static Optional<Codec> byCode(long code) {
        return Optional.ofNullable(Table.BY_CODE.get(code));
    }

    /** The entry with this name (for example {@code "dag-pb"}), if the table has one. */
    public static Optional<Codec> byName(String name) {
        return Optional.ofNullable(Table.BY_NAME.get(Objects.requireNonNull(name, "name")));
    }

    /** The name of {@code code}, or its hex form {@code 0x…} when the table doesn't know it. */
    public static String nameOf(long code) {
        Codec c = Table.BY_CODE.get(code);
        return c != null ? c.name() : "0x" + Long.toHexString(code);
    }

    /** Every entry, in table order. */
    public static List<Codec> all() {
        return Table.ALL;
    }
}
