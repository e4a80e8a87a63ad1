package io.p2pkit.node.cli.command;

import io.p2pkit.kad.Mode;
import io.p2pkit.node.cli.UsageException;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --dht server|client|auto|off}. */
class DhtOptionsTest {
    @Test
    void modes() {
        assertEquals(Optional.of(Mode.SERVER), DhtOptions.parse(Optional.of("server")));
        assertEquals(Optional.of(Mode.CLIENT), DhtOptions.parse(Optional.of("client")));
        assertEquals(Optional.of(Mode.AUTO), DhtOptions.parse(Optional.of("auto")));
        assertEquals(Optional.empty(), DhtOptions.parse(Optional.of("off")));
        assertEquals(Optional.of(Mode.AUTO), DhtOptions.parse(Optional.empty()), "auto by default, as Kubo");
        assertThrows(UsageException.class, () -> DhtOptions.parse(Optional.of("dual")));
    }

    @Test
    void theHelpSaysAutoStaysClientWithoutAutoNat() {
        assertTrue(DhtOptions.DESCRIPTION.contains("AutoNAT"), DhtOptions.DESCRIPTION);
        assertTrue(DhtOptions.DESCRIPTION.contains("auto stays client"), DhtOptions.DESCRIPTION);
    }
}
