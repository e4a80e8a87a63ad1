package io.p2pkit.kad.record;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The validators by namespace. Keys in a namespace without a validator are refused, as go and
 * js do: a DHT that stored arbitrary values would be a free, unauthenticated disk for anyone.
 */
public final class Validators {
    private final Map<String, RecordValidator> byNamespace;

    /** Validators for the given namespaces (for example {@code "pk"}). */
    public Validators(Map<String, RecordValidator> byNamespace) {
        this.byNamespace = Map.copyOf(byNamespace);
    }

    /** {@code pk} and {@code ipns}, judging expiry by {@code clock}. */
    public static Validators defaults(Clock clock) {
        return new Validators(Map.of("pk", new PublicKeyValidator(), "ipns", new IpnsValidator(clock)));
    }

    /** The validator for {@code key}'s namespace, if any. */
    public Optional<RecordValidator> forKey(byte[] key) {
        return NamespacedKey.namespace(key).map(byNamespace::get);
    }

    /**
     * Validates a record.
     *
     * @throws InvalidRecordException if invalid or in a namespace without a validator
     */
    public void validate(byte[] key, byte[] value) {
        forKey(key).orElseThrow(() -> new InvalidRecordException("key", "no validator for the key's namespace"))
                .validate(key, value);
    }

    /** The index of the best of {@code values} for {@code key}. */
    public int select(byte[] key, List<byte[]> values) {
        return forKey(key).orElseThrow(() -> new InvalidRecordException("key", "no validator for the key's namespace"))
                .select(key, values);
    }
}
