package io.p2pkit.core.reqres;

import io.p2pkit.core.DecodeException;

import java.util.function.Function;

/**
 * Turns request or response values into the bytes of one message and back. The framing (a varint
 * length prefix by default) is the {@link RequestResponse}'s; a codec sees whole messages only.
 * A protobuf message is a codec of its {@code encode} and {@code decode} methods:
 * {@code Codec.of(MyMessage::encode, MyMessage::decode)}.
 *
 * @param <T> the value type
 */
public interface Codec<T> {
    /** The bytes of {@code value}. */
    byte[] encode(T value);

    /**
     * The value {@code bytes} hold.
     *
     * @throws DecodeException when the bytes are malformed (the exchange then fails with a
     *                         {@link RequestResponseException.Malformed})
     */
    T decode(byte[] bytes);

    /** The identity codec: the message is the byte array itself. */
    static Codec<byte[]> bytes() {
        return of(b -> b, b -> b);
    }

    /** A codec of two functions. */
    static <T> Codec<T> of(Function<T, byte[]> encoder, Function<byte[], T> decoder) {
        return new Codec<>() {
            @Override
            public byte[] encode(T value) {
                return encoder.apply(value);
            }

            @Override
            public T decode(byte[] bytes) {
                return decoder.apply(bytes);
            }
        };
    }
}
