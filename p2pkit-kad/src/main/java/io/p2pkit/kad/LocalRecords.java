package io.p2pkit.kad;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.kad.record.PublicKeyValidator;
import io.p2pkit.kad.record.RecordStore;

import java.util.Arrays;
import java.util.Optional;

/**
 * The value records this node has for a key, valid ones only: those in its record store, and for
 * {@code /pk/} keys the public key from the peerstore, as go answers them. The server answers
 * GET_VALUE with them and a local {@code getValue} counts them.
 */
final class LocalRecords {
    private final Host host;
    private final KadConfig config;
    private final RecordStore records;

    LocalRecords(Host host, KadConfig config, RecordStore records) {
        this.host = host;
        this.config = config;
        this.records = records;
    }

    /** The record store behind it. */
    RecordStore store() {
        return records;
    }

    /** The valid record under {@code key}, if this node has one. */
    Optional<byte[]> value(byte[] key) {
        Optional<byte[]> v = records.get(key).map(RecordStore.Stored::value);
        if (v.isEmpty() && Arrays.equals(Arrays.copyOf(key, Math.min(key.length, 4)), PublicKeyValidator.PREFIX.getBytes())) {
            try {
                PeerId p = PeerId.decode(Arrays.copyOfRange(key, 4, key.length));
                v = host.peerStore().publicKey(p).map(pk -> pk.marshal());
            } catch (IllegalArgumentException e) {
                return Optional.empty(); // not a peer ID after /pk/: no such record
            }
        }
        if (v.isPresent()) {
            try {
                config.validators().validate(key, v.get());
            } catch (DecodeException e) {
                return Optional.empty(); // expired or otherwise no longer valid: not answered with
            }
        }
        return v;
    }
}
