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
 *   long CRC32C of every byte above
 * </pre>
 * A file that is truncated, has a bad magic, version or checksum is rejected with an {@link IOException} that
 * says which; a partial file is never mistaken for a checkpoint. Optimizer state ({@link OptimizerState}) is
 * not part of a checkpoint.
 */
public final class CheckpointFormat {
    private static final byte[] MAGIC = "PTMCKPT1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int VERSION = 2;

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
                RowValues v = t.values()[i];
                if (v instanceof DenseRow dense) {
                    for (double x : dense.array()) {
                        d.writeDouble(x);
                    }
                } else {
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
            }
        }
        d.flush();
        long crc = checked.getChecksum().getValue();
        new DataOutputStream(out).writeLong(crc);
        out.flush();
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
            if (version != VERSION) {
                throw new IOException(name + ": checkpoint format version " + version + " (expected " + VERSION + ")");
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
                    if (storage == 0) {
                        double[] v = new double[cols];
                        for (int c = 0; c < cols; c++) {
                            v[c] = d.readDouble();
                        }
                        values[i] = DenseRow.wrap(v);
                    } else {
                        int n = d.readInt();
                        if (n < 0 || n > cols) {
                            throw new IOException(name + ": sparse row " + ids[i] + " claims " + n + " cells of " + cols);
                        }
                        SparseRow row = new SparseRow(cols);
                        for (int k = 0; k < n; k++) {
                            int c = d.readInt();
                            double x = d.readDouble();
                            row.add(c, x);
                        }
                        values[i] = row;
                    }
                }
                tables.add(new CheckpointImage.TableImage(new TableRef(id, spec), ids, values));
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
}
