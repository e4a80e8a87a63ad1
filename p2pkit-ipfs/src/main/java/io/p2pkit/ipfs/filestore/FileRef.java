package io.p2pkit.ipfs.filestore;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.multiformats.Varint;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Where a filestore block's bytes are: a range of a file under the filestore's root. Stored as
 * boxo's {@code DataObj} protobuf ({@code FilePath = 1, Offset = 2, Size = 3}), the path relative
 * to the root with '/' between names, as Kubo keeps it.
 *
 * @param filePath the file, relative to the filestore's root, '/'-separated
 * @param offset   where the block starts in it
 * @param size     the block's length
 */
public record FileRef(String filePath, long offset, long size) {
    /**
     * @return the {@code DataObj} bytes
     */
    public byte[] encode() {
        byte[] path = filePath.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(path.length + 24);
        out.write(0x0a);
        writeVarint(out, path.length);
        out.writeBytes(path);
        out.write(0x10);
        writeVarint(out, offset);
        out.write(0x18);
        writeVarint(out, size);
        return out.toByteArray();
    }

    private static void writeVarint(ByteArrayOutputStream out, long value) {
        out.writeBytes(Varint.encode(value));
    }

    /**
     * Reads a {@code DataObj}; fields it does not know are skipped, as protobuf readers do.
     *
     * @param bytes the stored value
     * @return the reference
     * @throws DecodeException when the bytes are not a {@code DataObj}
     */
    public static FileRef decode(byte[] bytes) {
        String path = "";
        long offset = 0;
        long size = 0;
        int at = 0;
        while (at < bytes.length) {
            long tag = Varint.read(bytes, at);
            at += Varint.size(tag);
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            if (wire == 0) {
                long v = Varint.read(bytes, at);
                at += Varint.size(v);
                if (field == 2) {
                    offset = v;
                } else if (field == 3) {
                    size = v;
                }
            } else if (wire == 2) {
                long len = Varint.read(bytes, at);
                at += Varint.size(len);
                if (len < 0 || len > bytes.length - at) {
                    throw new DecodeException("DataObj", "field " + field + " runs past the end");
                }
                if (field == 1) {
                    path = new String(bytes, at, (int) len, StandardCharsets.UTF_8);
                }
                at += (int) len;
            } else {
                throw new DecodeException("DataObj", "field " + field + " has wire type " + wire);
            }
        }
        return new FileRef(path, offset, size);
    }
}
