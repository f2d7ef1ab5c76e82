package org.petuum.ps.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.petuum.ssp.CheckpointImage;
import org.petuum.ssp.DenseRow;
import org.petuum.ssp.RowValues;
import org.petuum.ssp.TableRef;
import org.petuum.ssp.TableSpec;

/** Checkpoint files on the local file system: per-attempt folders, write-once images, pruning. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CheckpointStoreTest {
    private static final TableRef TABLE = new TableRef(0, TableSpec.dense("w", 4, 2));

    @TempDir
    Path root;
    private final CheckpointStore store = new CheckpointStore(new Configuration());

    private String runDir() {
        return CheckpointStore.runDir(root.toUri().toString(), "app-1", 3);
    }

    private static CheckpointImage image(int clock, int shard, double value) {
        return new CheckpointImage(clock, shard, 2, List.of(new CheckpointImage.TableImage(TABLE, new int[] {shard},
                new RowValues[] {DenseRow.wrap(new double[] {value, clock})})));
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            // Hadoop's local file system keeps a hidden .crc file beside each file.
            return all.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().endsWith(".crc"))
                    .toList();
        }
    }

    @Test
    void shardFilesOfTwoAttemptsNeverMakeOneCompleteCheckpoint() throws IOException {
        String run = runDir();
        store.write(run, 10, image(3, 0, 1));
        store.write(run, 10, image(3, 1, 1));
        // Attempt 10 failed after shard 0 wrote clock 6; attempt 11 (resumed at 3) wrote only shard 1's clock 6.
        store.write(run, 10, image(6, 0, 2));
        store.write(run, 11, image(6, 1, 5));

        assertEquals(List.of(new CheckpointStore.Checkpoint(10, 3)), store.complete(run, 2));

        store.write(run, 11, image(6, 0, 5));
        assertEquals(List.of(new CheckpointStore.Checkpoint(11, 6), new CheckpointStore.Checkpoint(10, 3)),
                store.complete(run, 2));
        assertEquals(5.0, store.read(run, 11, 6, 0, 2).tables().get(0).values()[0].get(0));
    }

    @Test
    void anImageIsWrittenOnceAndAFailedWriteLeavesNoTemporaryFile() throws IOException {
        String run = runDir();
        store.write(run, 10, image(3, 0, 1));
        store.write(run, 10, image(3, 0, 99));
        assertEquals(1.0, store.read(run, 10, 3, 0, 2).tables().get(0).values()[0].get(0), "the first one stays");

        // A row that cannot be written fails the write midway.
        CheckpointImage broken = new CheckpointImage(6, 0, 2, List.of(new CheckpointImage.TableImage(TABLE,
                new int[] {0}, new RowValues[] {null})));
        assertThrows(RuntimeException.class, () -> store.write(run, 10, broken));
        List<Path> left = files();
        assertEquals(1, left.size(), "only the image of clock 3: " + left);
        assertTrue(left.get(0).toString().endsWith("shard-0-of-2.ckpt"), left.toString());
    }

    @Test
    void pruningKeepsTheTwoNewestCompleteCheckpointsOfTheAttempt() throws IOException {
        String run = runDir();
        for (int clock = 0; clock <= 12; clock += 3) {
            store.write(run, 10, image(clock, 0, clock));
            store.write(run, 10, image(clock, 1, clock));
        }
        store.write(run, 10, image(15, 0, 15)); // shard 1 has not written clock 15 yet
        store.prune(run, 10, 0, 2, 2);

        assertEquals(List.of(new CheckpointStore.Checkpoint(10, 12), new CheckpointStore.Checkpoint(10, 9)),
                store.complete(run, 2));
        assertEquals(15.0, store.read(run, 10, 15, 0, 2).tables().get(0).values()[0].get(0), "newer images stay");
        assertEquals(3.0, store.read(run, 10, 3, 1, 2).tables().get(0).values()[0].get(0),
                "another shard's files are its own to prune");
    }

    @Test
    void theRunFolderIsOneSafeNameBelowTheRoot() {
        String dir = CheckpointStore.runDir("file:/ckpt", "app/../x y", 7);
        assertEquals("file:/ckpt/app_.._x_y/run-7", dir);
        assertThrows(IllegalArgumentException.class, () -> CheckpointStore.runDir("file:/ckpt", "app", 0));
    }
}
