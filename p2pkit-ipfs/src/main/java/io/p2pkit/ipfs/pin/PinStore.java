package io.p2pkit.ipfs.pin;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multihash;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Where recursive and direct pins are recorded (indirect pins are derived, never stored). Pins
 * are keyed by CID, as Kubo keys them; {@link #isPinned(Multihash)} answers by multihash for the
 * blockstore, which is keyed that way.
 */
public interface PinStore {
    /**
     * Records a pin, replacing the one of the same CID and type. Durable when it returns.
     *
     * @param pin a recursive or direct pin
     * @throws IOException when it cannot be recorded
     */
    void put(Pin pin) throws IOException;

    /**
     * Removes a pin. Durable when it returns.
     *
     * @param cid  its CID
     * @param type {@link PinType#RECURSIVE} or {@link PinType#DIRECT}
     * @return whether there was one
     * @throws IOException when it cannot be removed
     */
    boolean remove(Cid cid, PinType type) throws IOException;

    /**
     * @param cid  a CID
     * @param type {@link PinType#RECURSIVE} or {@link PinType#DIRECT}
     * @return the pin of that CID and type, if any
     * @throws IOException when the store cannot be read
     */
    Optional<Pin> get(Cid cid, PinType type) throws IOException;

    /**
     * @param type {@link PinType#RECURSIVE} or {@link PinType#DIRECT}
     * @return every pin of that type
     * @throws IOException when the store cannot be read
     */
    List<Pin> list(PinType type) throws IOException;

    /**
     * @param root a multihash
     * @return whether a recursive or direct pin's CID has this multihash
     */
    boolean isPinned(Multihash root);
}
