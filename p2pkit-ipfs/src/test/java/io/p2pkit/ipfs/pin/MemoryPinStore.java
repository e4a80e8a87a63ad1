package io.p2pkit.ipfs.pin;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multihash;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A pin store in memory, for tests. */
final class MemoryPinStore implements PinStore {
    private final Map<PinType, Map<Cid, Pin>> pins = Map.of(
            PinType.RECURSIVE, new ConcurrentHashMap<>(), PinType.DIRECT, new ConcurrentHashMap<>());

    @Override
    public void put(Pin pin) {
        pins.get(pin.type()).put(pin.cid(), pin);
    }

    @Override
    public boolean remove(Cid cid, PinType type) {
        return pins.get(type).remove(cid) != null;
    }

    @Override
    public Optional<Pin> get(Cid cid, PinType type) {
        return Optional.ofNullable(pins.get(type).get(cid));
    }

    @Override
    public List<Pin> list(PinType type) {
        return new ArrayList<>(pins.get(type).values());
    }

    @Override
    public boolean isPinned(Multihash root) {
        return pins.values().stream().anyMatch(m -> m.keySet().stream().anyMatch(c -> c.multihash().equals(root)));
    }
}
