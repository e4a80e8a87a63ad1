package io.p2pkit.node.names;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiformats.Multibase;
import io.p2pkit.ipfs.blockstore.SyncedFiles;
import io.p2pkit.kad.record.IpnsRecord;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Logger;

/**
 * The last IPNS record this node published for each of its names, one file per name
 * ({@code <repository>/ipns/<k51… name>}), each replaced atomically and synced, so that the
 * republisher finds them after a restart or a crash, as Kubo keeps them in its datastore.
 */
public final class PublishedNames {
    private static final Logger LOG = Logger.getLogger(PublishedNames.class.getName());

    private final Path dir;
    private final ReentrantLock lock = new ReentrantLock();

    /** Work done on a name's record with the lock held. */
    @FunctionalInterface
    public interface Change<T> {
        /** @return its result */
        T run() throws IOException;
    }

    /** The records kept in the repository at {@code repo}. */
    public PublishedNames(Path repo) {
        this.dir = repo.resolve("ipns");
    }

    /**
     * Runs {@code change} alone: a {@code name publish} (read the last record, sign the next, put
     * it, keep it) and a round of the republisher must not cross, or the republisher could keep
     * the record before the one just published.
     */
    public <T> T locked(Change<T> change) throws IOException {
        lock.lock();
        try {
            return change.run();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Keeps {@code record} as the last one published for {@code name}, replacing the one before.
     *
     * @throws IOException when it cannot be written
     */
    public void save(PeerId name, byte[] record) throws IOException {
        Files.createDirectories(dir);
        SyncedFiles.writeAtomically(file(name), record);
    }

    /**
     * The last record published for {@code name}: empty when there is none, or when the file does
     * not hold a record (logged: it is then published again only by a new {@code name publish}).
     *
     * @throws IOException when the file cannot be read
     */
    public Optional<IpnsRecord> last(PeerId name) throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file(name))) {
            bytes = in.readNBytes(IpnsRecord.MAX_BYTES + 1);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try {
            if (bytes.length > IpnsRecord.MAX_BYTES) {
                throw new DecodeException("record", "over " + IpnsRecord.MAX_BYTES + " bytes");
            }
            return Optional.of(IpnsRecord.decode(bytes));
        } catch (DecodeException e) {
            LOG.warning("the last IPNS record published for " + file(name).getFileName() + " is unreadable, "
                    + "so it is not republished: " + e.getMessage());
            return Optional.empty();
        }
    }

    private Path file(PeerId name) {
        return dir.resolve(name.toString(Multibase.Encoding.BASE36));
    }
}
