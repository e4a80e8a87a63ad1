package io.p2pkit.ipfs.repo;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.core.multiformats.Multicodec;
import io.p2pkit.core.multiformats.Multihash;
import io.p2pkit.ipfs.pin.Pin;
import io.p2pkit.ipfs.pin.PinType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The child process of {@link MetadataCrashTest}: records pins one after the other and prints
 * {@code pin <cid> ok} after each {@code put} has returned. Arguments: the metadata file, the index of
 * the first pin, how many.
 */
public final class PinWriter {
    private PinWriter() {
    }

    public static void main(String[] args) throws IOException {
        int first = Integer.parseInt(args[1]);
        int n = Integer.parseInt(args[2]);
        try (MetadataStore store = MetadataStore.open(Path.of(args[0]))) {
            System.out.println("open");
            System.out.flush();
            for (int i = first; i < first + n; i++) {
                Cid cid = cidOf(i);
                store.put(new Pin(cid, i % 2 == 0 ? PinType.RECURSIVE : PinType.DIRECT, "pin " + i));
                System.out.println("pin " + cid + " ok");
                System.out.flush();
            }
        }
    }

    static Cid cidOf(int i) {
        return Cid.v1(Multicodec.RAW, Multihash.digest(Multicodec.SHA2_256, ByteBuffer.allocate(4).putInt(i).array()));
    }
}
