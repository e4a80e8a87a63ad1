package io.p2pkit.node.gateway;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.kad.KadDht;
import io.p2pkit.kad.record.IpnsRecord;
import io.p2pkit.kad.record.IpnsValidator;
import io.p2pkit.node.cli.content.IpnsNames;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Signed IPNS records given to the daemon as files ({@code --ipns-record NAME=FILE}), put into
 * its DHT's local store so that {@code /ipns/NAME} resolves without the network, as Kubo's
 * {@code routing put --allow-offline} does. Each record is checked as the DHT would check it.
 */
public final class IpnsPreload {
    private IpnsPreload() {
    }

    /**
     * A record read from its file and checked, ready to be put into a DHT's store.
     *
     * @param key   the DHT key it goes under ({@code /ipns/} and the name's multihash)
     * @param bytes the signed record
     */
    public record Entry(byte[] key, byte[] bytes) {
        /** Puts the record into {@code dht}'s local store. */
        public void putInto(KadDht dht) {
            dht.recordStore().put(key, bytes);
        }
    }

    /**
     * Reads and checks a record without putting it anywhere: a daemon reads its records before it
     * starts and puts them into the DHT before its gateway takes requests.
     *
     * @param spec {@code NAME=FILE}: an IPNS name (peer ID or libp2p-key CID) and a record file
     * @throws IllegalArgumentException when the spec is malformed or the record is not a valid
     *                                  record of the name
     * @throws IOException              when the file cannot be read
     */
    public static Entry read(String spec) throws IOException {
        int eq = spec.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("expected NAME=FILE, not \"" + spec + "\"");
        }
        String name = spec.substring(0, eq);
        PeerId id;
        try {
            id = PeerId.parse(name.startsWith("/ipns/") ? name.substring(6) : name);
        } catch (DecodeException e) {
            throw new IllegalArgumentException(name + " is not an IPNS name: " + e.getMessage(), e);
        }
        Path file = Path.of(spec.substring(eq + 1));
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) { // bounded: a pipe's size is not known beforehand
            bytes = in.readNBytes(IpnsRecord.MAX_BYTES + 1);
        }
        if (bytes.length > IpnsRecord.MAX_BYTES) {
            throw new IllegalArgumentException(file + " is larger than an IPNS record may be");
        }
        try {
            IpnsValidator.check(id, IpnsRecord.decode(bytes), Instant.now());
        } catch (DecodeException e) {
            throw new IllegalArgumentException(file + " is not a valid record of " + name + ": " + e.getMessage(), e);
        }
        return new Entry(IpnsNames.dhtKey(id), bytes);
    }

    /**
     * Reads, checks and puts a record into {@code dht}'s local store ({@link #read}, then
     * {@link Entry#putInto}).
     *
     * @param spec {@code NAME=FILE}: an IPNS name (peer ID or libp2p-key CID) and a record file
     * @throws IllegalArgumentException when the spec is malformed or the record is not a valid
     *                                  record of the name
     * @throws IOException              when the file cannot be read
     */
    public static void load(KadDht dht, String spec) throws IOException {
        read(spec).putInto(dht);
    }
}
