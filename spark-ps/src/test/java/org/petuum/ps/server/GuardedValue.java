package org.petuum.ps.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.LongFunction;
import org.petuum.ps.ShardAddress;
import org.petuum.ps.client.PsClient;
import org.petuum.ps.protocol.Ack;
import org.petuum.ps.protocol.Flush;
import org.petuum.ps.protocol.GetRows;
import org.petuum.ps.protocol.Message;
import org.petuum.ps.protocol.Rows;
import org.petuum.ssp.DenseRow;
import org.petuum.ssp.RowUpdate;

/**
 * The well-behaved client of the fuzz tests: between hostile inputs it writes one clock to row 1 of table 0 (a dense
 * table of 3 columns, run {@code run}, one worker) and reads it back, so a fuzz test sees at once if an input reached
 * the table or broke the shard for others.
 */
final class GuardedValue {
    static final long WAIT_MS = 5_000;

    private GuardedValue() {
    }

    /** Worker 0 adds (1, 1/2, 1/4) to row 1 at each clock; after clock c the row must be exactly (c+1) times it. */
    static void check(PsClient client, ShardAddress address, long run, int clock) {
        RowUpdate u = new RowUpdate(0, 1, DenseRow.wrap(new double[] {1, 0.5, 0.25}));
        Ack ack = assertInstanceOf(Ack.class,
                call(client, address, seq -> new Flush(seq, run, 0, clock, List.of(u)), address.toString()));
        assertTrue(ack.applied(), "flush of clock " + clock);
        Rows rows = assertInstanceOf(Rows.class, call(client, address,
                seq -> new GetRows(seq, 0, clock + 1, 0, clock + 1, WAIT_MS, new int[] {1}), address.toString()));
        double n = clock + 1;
        assertEquals(DenseRow.wrap(new double[] {n, n / 2, n / 4}), rows.snapshot().values()[0],
                "row 1 after clock " + clock);
    }

    /** Sends {@code request} to {@code address} and waits at most {@link #WAIT_MS} for the answer of {@code who}. */
    static Message call(PsClient client, ShardAddress address, LongFunction<Message> request, String who) {
        return PsClient.await(client.connection(address).send(request).answer(), WAIT_MS, () -> who);
    }
}
