package org.petuum.ps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where checkpoints may go: the default temp folder is shared only when every JVM runs on one machine. */
class PsConfCheckpointTest {
    @Test
    void onOneMachineTheTempFolderIsUsedByDefault() {
        for (String master : new String[] {"local", "local[4]", "local-cluster[2,1,1024]"}) {
            PsConf conf = PsConf.from(Map.of("spark.master", master));
            assertTrue(conf.checkpointEnabled(), master);
            assertTrue(conf.checkpointDir().contains("petuum-checkpoints"), master);
            assertNull(conf.checkpointNotice(), master);
        }
        assertTrue(PsConf.from(Map.of()).checkpointEnabled());
    }

    @Test
    void onAClusterWithoutASharedFolderCheckpointsAreOffAndTheUserIsTold() {
        PsConf conf = PsConf.from(Map.of("spark.master", "spark://head:7077"));
        assertFalse(conf.checkpointEnabled());
        assertTrue(conf.checkpointNotice().contains(PsConf.CHECKPOINT_DIR), conf.checkpointNotice());
        assertTrue(conf.checkpointNotice().contains("spark://head:7077"), conf.checkpointNotice());
    }

    @Test
    void onAClusterWithASharedFolderCheckpointsAreOn() {
        PsConf conf = PsConf.from(Map.of("spark.master", "yarn", PsConf.CHECKPOINT_DIR, "hdfs:///tmp/ckpt"));
        assertTrue(conf.checkpointEnabled());
        assertEquals("hdfs:///tmp/ckpt", conf.checkpointDir());
        assertNull(conf.checkpointNotice());
    }

    @Test
    void askingForCheckpointsOnAClusterWithoutAFolderFailsNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PsConf.from(
                Map.of("spark.master", "spark://head:7077", PsConf.CHECKPOINT_ENABLED, "true")));
        assertTrue(e.getMessage().contains(PsConf.CHECKPOINT_DIR), e.getMessage());
        assertTrue(e.getMessage().contains("share"), e.getMessage());
    }

    @Test
    void turningThemOffOnAClusterNeedsNoNotice() {
        PsConf conf = PsConf.from(Map.of("spark.master", "yarn", PsConf.CHECKPOINT_ENABLED, "false"));
        assertFalse(conf.checkpointEnabled());
        assertNull(conf.checkpointNotice());
    }
}
