package io.p2pkit.core.resource;

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
