package io.p2pkit.ipfs.blockstore;

import java.io.IOException;

/**
 * Where the tiered store keeps block heat between runs. Heat is a hint: losing the latest
 * values in a crash only makes some blocks start colder.
 */
public interface HeatStore {
    /** A store that keeps nothing. */
    HeatStore NONE = new HeatStore() {
        @Override
        public HeatSnapshot loadHeat() {
            return HeatSnapshot.empty();
        }

        @Override
        public void saveHeat(HeatSnapshot snapshot) {
        }
    };

    /**
     * @return the last saved heat, or an empty snapshot
     * @throws IOException when it cannot be read
     */
    HeatSnapshot loadHeat() throws IOException;

    /**
     * Replaces the saved heat.
     *
     * @param snapshot the heat now
     * @throws IOException when it cannot be written
     */
    void saveHeat(HeatSnapshot snapshot) throws IOException;
}
