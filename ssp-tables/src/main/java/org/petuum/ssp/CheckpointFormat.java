package org.petuum.ssp;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The checkpoint file of one shard:
 * <pre>
 *   magic "PTMCKPT1" | int version | int clock | int shardIndex | int numShards | int tables
 *   per table:  int id | UTF name | byte storage | int rows | int cols | byte model | int staleness
 *               | double valueBound | byte updateRule | double × its parameter count | int storedRows
 *     per row:  int row | dense: double × cols  |  sparse: int n, (int col, double value) × n
 *   per table whose update rule is not plain addition (version 3): int rowsWithState (-1: none taken)
 *     per row:  int row | long steps | first accumulator as a row | Adam: second accumulator as a row
 *   long CRC32C of every byte above
 * </pre>
 * A file that is truncated, has a bad magic, version or checksum is rejected with an {@link IOException} that
 * says which; a partial file is never mistaken for a checkpoint. Version 2 files (without optimizer state)
 * are still read: their optimizer tables restart their state from zero.
 */
public final class CheckpointFormat {
    private static final byte[] MAGIC = "PTMCKPT1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    /** 3 adds optimizer state; version 2 files (without it) are still read. */
    private static final int VERSION = 3;

    private CheckpointFormat() {
    }

    /** Writes {@code image} to {@code out} (not closed). */
    public static void write(CheckpointImage image, OutputStream out) throws IOException {
        CheckedOutputStream checked = new CheckedOutputStream(out, new CRC32C());
        DataOutputStream d = new DataOutputStream(new java.io.BufferedOutputStream(checked, 1 << 16));
        d.write(MAGIC);
        d.writeInt(VERSION);
        d.writeInt(image.clock());
        d.writeInt(image.shardIndex());
        d.writeInt(image.numShards());
        d.writeInt(image.tables().size());
        for (CheckpointImage.TableImage t : image.tables()) {
            TableSpec spec = t.table().spec();
            d.writeInt(t.table().id());
            d.writeUTF(spec.name());
            d.writeByte(spec.storage().ordinal());
            d.writeInt(spec.rows());
            d.writeInt(spec.cols());
            d.writeByte(spec.consistency().model().ordinal());
            d.writeInt(spec.consistency().staleness());
            d.writeDouble(spec.consistency().valueBound());
            d.writeByte(spec.updateRule().kind().ordinal());
            for (double p : spec.updateRule().parameters()) {
                d.writeDouble(p);
            }
            d.writeInt(t.rows().length);
            for (int i = 0; i < t.rows().length; i++) {
                d.writeInt(t.rows()[i]);
                writeRow(d, t.values()[i]);
            }
            if (!spec.updateRule().isAdd()) {
                writeOptimizer(d, t.optimizer());
            }
        }
        d.flush();
        long crc = checked.getChecksum().getValue();
        new DataOutputStream(out).writeLong(crc);
        out.flush();
    }

    private static void writeRow(DataOutputStream d, RowValues v) throws IOException {
        if (v instanceof DenseRow dense) {
            for (double x : dense.array()) {
                d.writeDouble(x);
            }
            return;
        }
        int[] nonZero = {0};
        v.forEachNonZero((c, x) -> nonZero[0]++);
        d.writeInt(nonZero[0]);
        IOException[] failure = {null};
        v.forEachNonZero((c, x) -> {
            try {
                d.writeInt(c);
                d.writeDouble(x);
            } catch (IOException e) {
                failure[0] = e;
            }
        });
        if (failure[0] != null) {
            throw failure[0];
        }
    }

    private static void writeOptimizer(DataOutputStream d, OptimizerState state) throws IOException {
        if (state == null) {
            d.writeInt(-1);
            return;
        }
        d.writeInt(state.rowsWithState());
        IOException[] failure = {null};
        state.forEachRow((row, steps, first, second) -> {
            try {
                if (failure[0] == null) {
                    d.writeInt(row);
                    d.writeLong(steps);
                    writeRow(d, first);
                    if (second != null) {
                        writeRow(d, second);
                    }
                }
            } catch (IOException e) {
                failure[0] = e;
            }
        });
        if (failure[0] != null) {
            throw failure[0];
        }
    }

    /** Reads a checkpoint written by {@link #write}. @param name the file, for error messages */
    public static CheckpointImage read(InputStream in, String name) throws IOException {
        CheckedInputStream checked = new CheckedInputStream(new java.io.BufferedInputStream(in, 1 << 16), new CRC32C());
        DataInputStream d = new DataInputStream(checked);
        try {
            byte[] magic = new byte[MAGIC.length];
            d.readFully(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new IOException(name + ": not a checkpoint file (bad magic)");
            }
            int version = d.readInt();
            if (version != VERSION && version != 2) {
                throw new IOException(name + ": checkpoint format version " + version + " (expected 2 or " + VERSION
                        + ")");
            }
            int clock = d.readInt();
            int shardIndex = d.readInt();
            int numShards = d.readInt();
            int tableCount = d.readInt();
            List<CheckpointImage.TableImage> tables = new ArrayList<>();
            for (int t = 0; t < tableCount; t++) {
                int id = d.readInt();
                String tableName = d.readUTF();
                byte storage = d.readByte();
                int rows = d.readInt();
                int cols = d.readInt();
                byte model = d.readByte();
                int staleness = d.readInt();
                double valueBound = d.readDouble();
                Consistency.Model[] models = Consistency.Model.values();
                if (model < 0 || model >= models.length) {
                    throw new IOException(name + ": table '" + tableName + "' has consistency model " + model);
                }
                byte ruleKind = d.readByte();
                UpdateRule.Kind[] kinds = UpdateRule.Kind.values();
                if (ruleKind < 0 || ruleKind >= kinds.length) {
                    throw new IOException(name + ": table '" + tableName + "' has update rule " + ruleKind);
                }
                double[] ruleParameters = new double[kinds[ruleKind].parameterCount()];
                for (int p = 0; p < ruleParameters.length; p++) {
                    ruleParameters[p] = d.readDouble();
                }
                TableSpec spec = (storage == 0 ? TableSpec.dense(tableName, rows, cols) : TableSpec.sparse(tableName, rows, cols))
                        .consistency(Consistency.of(models[model], staleness, valueBound))
                        .updateRule(UpdateRule.of(kinds[ruleKind], ruleParameters));
                int stored = d.readInt();
                if (stored < 0 || stored > rows) {
                    throw new IOException(name + ": table '" + tableName + "' claims " + stored + " stored rows of " + rows);
                }
                int[] ids = new int[stored];
                RowValues[] values = new RowValues[stored];
                for (int i = 0; i < stored; i++) {
                    ids[i] = d.readInt();
                    values[i] = readRow(d, spec, name, "row " + ids[i]);
                }
                OptimizerState optimizer = version >= 3 && !spec.updateRule().isAdd()
                        ? readOptimizer(d, spec, name) : null;
                tables.add(new CheckpointImage.TableImage(new TableRef(id, spec), ids, values, optimizer));
            }
            long expected = checked.getChecksum().getValue();
            long written = d.readLong();
            if (written != expected) {
                throw new IOException(name + ": checksum mismatch (file is corrupt)");
            }
            return new CheckpointImage(clock, shardIndex, numShards, tables);
        } catch (EOFException e) {
            throw new IOException(name + ": truncated checkpoint file", e);
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new IOException(name + ": invalid checkpoint content: " + e.getMessage(), e);
        }
    }

    private static RowValues readRow(DataInputStream d, TableSpec spec, String name, String what) throws IOException {
        int cols = spec.cols();
        if (spec.storage() == TableSpec.Storage.DENSE) {
            double[] v = new double[cols];
            for (int c = 0; c < cols; c++) {
                v[c] = d.readDouble();
            }
            return DenseRow.wrap(v);
        }
        int n = d.readInt();
        if (n < 0 || n > cols) {
            throw new IOException(name + ": table '" + spec.name() + "' sparse " + what + " claims " + n
                    + " cells of " + cols);
        }
        SparseRow row = SparseRow.empty(cols);
        for (int k = 0; k < n; k++) {
            int c = d.readInt();
            row.add(c, d.readDouble());
        }
        return row;
    }

    private static OptimizerState readOptimizer(DataInputStream d, TableSpec spec, String name) throws IOException {
        int count = d.readInt();
        if (count == -1) {
            return null;
        }
        if (count < 0 || count > spec.rows()) {
            throw new IOException(name + ": table '" + spec.name() + "' claims optimizer state for " + count
                    + " rows of " + spec.rows());
        }
        OptimizerState state = new OptimizerState(spec);
        boolean adam = spec.updateRule().kind() == UpdateRule.Kind.ADAM;
        for (int i = 0; i < count; i++) {
            int row = d.readInt();
            long steps = d.readLong();
            RowValues first = readRow(d, spec, name, "optimizer row " + row);
            RowValues second = adam ? readRow(d, spec, name, "optimizer row " + row) : null;
            state.putRow(row, steps, first, second);
        }
        return state;
    }
}
