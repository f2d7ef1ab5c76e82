package org.petuum.ps.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.petuum.ps.PsConf;
import org.petuum.ps.PsException;
import org.petuum.ps.ShardAddress;
import org.petuum.ps.client.PsClient;
import org.petuum.ps.protocol.Ack;
import org.petuum.ps.protocol.BeginRun;
import org.petuum.ps.protocol.CreateTable;
import org.petuum.ps.protocol.Message;
import org.petuum.ps.protocol.Restore;
import org.petuum.ssp.TableSpec;

/**
 * A client names a run, never a file-system location: the shard writes and reads checkpoints only below its own
 * configured folder, in the folder of its application and that run.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ShardCheckpointFolderTest {
    @TempDir
    Path root;
    private ShardServer server;
    private PsClient client;
    private ShardAddress address;

    private void start() throws InterruptedException {
        PsConf conf = PsConf.from(Map.of(PsConf.IO_THREADS, "1", PsConf.CHECKPOINT_DIR, root.toUri().toString()));
        server = ShardServer.start("shard under test", conf, "127.0.0.1");
        server.applicationId(() -> "app-7/../elsewhere");
        address = new ShardAddress(0, "exec-0", "127.0.0.1", server.address().getPort());
        client = new PsClient("test client", conf);
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private Message call(LongFunction<Message> request) {
        return PsClient.await(client.connection(address).send(request).answer(), 5_000, () -> "the shard");
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            // Hadoop's local file system writes a hidden .crc file beside each file.
            return all.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith("."))
                    .toList();
        }
    }

    @Test
    void aRunsImagesGoBelowTheShardsOwnFolderAndComeBackFromThere() throws Exception {
        start();
        assertInstanceOf(Ack.class, call(seq -> new CreateTable(seq, 0, TableSpec.dense("w", 4, 2), 0, 1)));
        assertInstanceOf(Ack.class, call(seq -> new BeginRun(seq, 11, 1, 0, 1, 0, 0, 5, true)));

        List<Path> written = files();
        assertEquals(1, written.size(), "the start image: " + written);
        Path image = written.get(0);
        // The application id is made one safe folder name: it cannot climb out of the configured folder.
        assertEquals(root.resolve("app-7_.._elsewhere").resolve("run-5").resolve("attempt-11"),
                image.getParent().getParent());
        assertTrue(image.getFileName().toString().startsWith("shard-0-of-1"), image.toString());

        assertInstanceOf(Ack.class, call(seq -> new Restore(seq, 5, 11, 0)));
    }

    @Test
    void anImageThatCannotBeReadIsAnErrorNamingItsFileAndTheShardGoesOn() throws Exception {
        start();
        assertInstanceOf(Ack.class, call(seq -> new CreateTable(seq, 0, TableSpec.dense("w", 4, 2), 0, 1)));
        assertInstanceOf(Ack.class, call(seq -> new BeginRun(seq, 11, 1, 0, 1, 0, 0, 5, true)));
        Path image = files().get(0);
        byte[] bytes = Files.readAllBytes(image);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.delete(image.resolveSibling("." + image.getFileName() + ".crc"));
        Files.write(image, bytes);

        PsException e = assertThrows(PsException.class, () -> call(seq -> new Restore(seq, 5, 11, 0)));
        assertTrue(e.getMessage().contains(image.toUri().getPath()) && e.getMessage().contains("checksum"),
                e.getMessage());
        e = assertThrows(PsException.class, () -> call(seq -> new Restore(seq, 5, 12, 0)));
        assertTrue(e.getMessage().contains("attempt-12"), "no image of attempt 12: " + e.getMessage());
        assertInstanceOf(Ack.class, call(seq -> new BeginRun(seq, 12, 1, 0, 1)), "the shard still serves");
    }

    @Test
    void aRunWithoutCheckpointsWritesNothing() throws Exception {
        start();
        assertInstanceOf(Ack.class, call(seq -> new CreateTable(seq, 0, TableSpec.dense("w", 4, 2), 0, 1)));
        assertInstanceOf(Ack.class, call(seq -> new BeginRun(seq, 11, 1, 0, 1, 0, 0, 0, true)));
        assertEquals(List.of(), files());
    }
}
