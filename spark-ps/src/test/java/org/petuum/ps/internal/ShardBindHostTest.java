package org.petuum.ps.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ShardBindHostTest {

    @Test
    void localModeShardListensOnLoopbackWhateverAddressSparkUses() {
        assertEquals("127.0.0.1", PsExecutorPlugin.bindHost("driver", null, () -> "10.1.2.3"));
    }

    @Test
    void clusterExecutorListensWhereSparkReachesIt() {
        assertEquals("10.1.2.3", PsExecutorPlugin.bindHost("4", null, () -> "10.1.2.3"));
    }

    @Test
    void aConfiguredBindAddressWinsEverywhere() {
        assertEquals("0.0.0.0", PsExecutorPlugin.bindHost("driver", "0.0.0.0", () -> "10.1.2.3"));
        assertEquals("192.0.2.7", PsExecutorPlugin.bindHost("4", "192.0.2.7", () -> "10.1.2.3"));
    }
}
