package io.p2pkit.core.testing;

import io.p2pkit.core.resource.Resource;
import io.p2pkit.core.resource.ResourceLimits;
import io.p2pkit.core.resource.ResourceManager;
import io.p2pkit.core.resource.ResourceManagerConfig;

/** Resource managers for the memory-accounting tests. */
public final class MemoryLimits {
    private MemoryLimits() {
    }

    /** A resource manager whose connections may each hold {@code connectionMemory} bytes; nothing else is limited. */
    public static ResourceManager manager(long connectionMemory) {
        return new ResourceManager(ResourceManagerConfig.builder()
                .connection(ResourceLimits.unlimited().with(Resource.MEMORY, connectionMemory)).build());
    }
}
