package io.p2pkit.core.crypto;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.protobuf.ProtobufReader;
import io.p2pkit.core.protobuf.ProtobufWriter;

/**
 * The {@code PublicKey} and {@code PrivateKey} protobuf messages, which share one shape:
 * {@code required KeyType Type = 1; required bytes Data = 2;}. Encoding is the deterministic
 * form the spec demands (both fields, in field order), decoding rejects missing, repeated and
 * unknown fields, since the spec allows no others.
 */
record KeyMessage(KeyType type, byte[] data) {
    static byte[] encode(KeyType type, byte[] data) {
        return new ProtobufWriter(data.length + 8)
                .varint(1, type.number())
                .bytes(2, data)
                .toByteArray();
    }

    static KeyMessage decode(byte[] bytes, String messageName, int maxBytes) {
        if (bytes == null) {
            throw new DecodeException(messageName, "no bytes");
        }
        if (bytes.length > maxBytes) {
            throw new DecodeException(messageName, bytes.length + " bytes is over the limit of " + maxBytes);
        }
        ProtobufReader r = new ProtobufReader(bytes, messageName);
        Long type = null;
        byte[] data = null;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> {
                    if (type != null) {
                        throw new DecodeException(messageName, "Type appears twice");
                    }
                    type = r.varint();
                }
                case 2 -> {
                    if (data != null) {
                        throw new DecodeException(messageName, "Data appears twice");
                    }
                    data = r.bytes();
                }
                default -> throw new DecodeException(messageName, "unknown field " + r.field());
            }
        }
        if (type == null) {
            throw new DecodeException(messageName, "missing Type");
        }
        if (data == null) {
            throw new DecodeException(messageName, "missing Data");
        }
        KeyType keyType;
        try {
            keyType = KeyType.fromNumber(type);
        } catch (DecodeException e) {
            throw new DecodeException(messageName, "unknown key type " + type);
        }
        return new KeyMessage(keyType, data);
    }
}
