package org.petuum.ssp;

import java.util.function.IntConsumer;
import org.petuum.shaded.fastutil.ints.Int2DoubleOpenHashMap;
import org.petuum.shaded.fastutil.ints.Int2ObjectOpenHashMap;

/**
 * The optimizer state that a shard keeps for one table whose {@link UpdateRule} is not {@link UpdateRule#add()}:
 * per row, AdaGrad's sums of squared gradients, or Adam's moments and step count. Rows are stored dense or
 * sparse like the table; a row has state only once it has received a gradient.
 *
 * <p>Not thread-safe: owned by the {@link ShardState} that holds the table, whose owner serialises every call.
 */
public final class OptimizerState {
    private final TableSpec spec;
    private final UpdateRule rule;
    private final Int2ObjectOpenHashMap<RowState> rows = new Int2ObjectOpenHashMap<>();

    /** @throws IllegalArgumentException if the table's rule is plain addition (it needs no state) */
    public OptimizerState(TableSpec spec) {
        if (spec.updateRule().isAdd()) {
            throw new IllegalArgumentException("table '" + spec.name() + "' adds its updates: it has no optimizer state");
        }
        this.spec = spec;
        this.rule = spec.updateRule();
    }

    /**
     * Runs one optimizer step of row {@code row}: updates its state with {@code gradient} and changes
     * {@code target} (the row's values) accordingly.
     *
     * @return the change made to {@code target}, as a new row of the table's storage that the caller owns
     */
    public RowValues step(int row, RowValues target, RowValues gradient) {
        RowState s = rows.get(row);
        if (s == null) {
            s = new RowState(spec);
            rows.put(row, s);
        }
        RowValues change = spec.zeroRow();
        double lr = rule.learningRate();
        double eps = rule.epsilon();
        RowState state = s;
        long t = ++state.steps;
        if (rule.kind() == UpdateRule.Kind.ADAGRAD) {
            gradient.forEachNonZero((c, g) -> {
                double sum = state.first.get(c) + g * g;
                state.first.set(c, sum);
                change.add(c, -(lr * g / (Math.sqrt(sum) + eps)));
            });
        } else {
            double b1 = rule.beta1();
            double b2 = rule.beta2();
            double correction1 = 1 - Math.pow(b1, t);
            double correction2 = 1 - Math.pow(b2, t);
            state.first.forEachCell(gradient, c -> {
                double g = gradient.get(c);
                double m = b1 * state.first.get(c) + (1 - b1) * g;
                double v = b2 * state.second.get(c) + (1 - b2) * g * g;
                state.first.set(c, m);
                state.second.set(c, v);
                change.add(c, -(lr * (m / correction1) / (Math.sqrt(v / correction2) + eps)));
            });
        }
        target.addAll(change);
        return change;
    }

    /** Forgets the state of {@code row}: its next gradient starts the optimizer afresh. */
    public void reset(int row) {
        rows.remove(row);
    }

    /** Forgets the state of every row. */
    public void clear() {
        rows.clear();
    }

    /** A deep copy: the copy and this one change independently from here on. */
    public OptimizerState copy() {
        OptimizerState out = new OptimizerState(spec);
        for (var e : rows.int2ObjectEntrySet()) {
            RowState from = e.getValue();
            out.putRow(e.getIntKey(), from.steps, from.first.toRow(spec), from.second == null ? null
                    : from.second.toRow(spec));
        }
        return out;
    }

    /**
     * Calls {@code visitor} with every row that has state, in increasing row order, its cells as new rows of the
     * table's storage (AdaGrad has no second accumulator: {@code null}).
     */
    public void forEachRow(RowVisitor visitor) {
        int[] ids = rows.keySet().toIntArray();
        java.util.Arrays.sort(ids);
        for (int row : ids) {
            RowState s = rows.get(row);
            visitor.visit(row, s.steps, s.first.toRow(spec), s.second == null ? null : s.second.toRow(spec));
        }
    }

    /**
     * Sets the state of {@code row} (restoring a checkpoint): its step count and accumulators.
     *
     * @throws IllegalArgumentException if the accumulators do not fit the table or the rule (Adam needs both,
     *                                  AdaGrad only the first)
     */
    public void putRow(int row, long steps, RowValues first, RowValues second) {
        boolean adam = rule.kind() == UpdateRule.Kind.ADAM;
        if (steps < 0 || first == null || first.cols() != spec.cols() || adam != (second != null)
                || (second != null && second.cols() != spec.cols())) {
            throw new IllegalArgumentException("table '" + spec.name() + "' row " + row + ": optimizer state of "
                    + steps + " steps does not fit " + rule + " over " + spec.cols() + " columns");
        }
        RowState s = new RowState(spec);
        s.steps = steps;
        first.forEachNonZero(s.first::set);
        if (second != null) {
            second.forEachNonZero(s.second::set);
            // Adam steps every cell its first moment holds: a cell with a zero moment but a second one stays in.
            second.forEachNonZero((c, v) -> s.first.set(c, first.get(c)));
        }
        rows.put(row, s);
    }

    /** Receives one row's optimizer state. */
    @FunctionalInterface
    public interface RowVisitor {
        void visit(int row, long steps, RowValues first, RowValues second);
    }

    /** The number of rows that have state. */
    public int rowsWithState() {
        return rows.size();
    }

    /** The number of steps row {@code row} has taken since its state was last reset (0 without state). */
    public long steps(int row) {
        RowState s = rows.get(row);
        return s == null ? 0 : s.steps;
    }

    /**
     * The first accumulator of a cell: AdaGrad's sum of squared gradients, Adam's first moment; 0 without state.
     */
    public double accumulator(int row, int col) {
        RowState s = rows.get(row);
        return s == null ? 0 : s.first.get(col);
    }

    /** One row's state. AdaGrad counts its steps too (one per applied update), for {@link #steps}. */
    private static final class RowState {
        final Cells first;
        final Cells second;
        long steps;

        RowState(TableSpec spec) {
            this.first = Cells.of(spec);
            this.second = spec.updateRule().kind() == UpdateRule.Kind.ADAM ? Cells.of(spec) : null;
        }
    }

    /**
     * Per-cell numbers, dense or sparse. Unlike {@link RowValues} it sets cells (an accumulator is replaced,
     * not incremented) and lets Adam visit every cell that has state.
     */
    private abstract static sealed class Cells permits DenseCells, SparseCells {
        static Cells of(TableSpec spec) {
            return spec.storage() == TableSpec.Storage.DENSE ? new DenseCells(spec.cols()) : new SparseCells();
        }

        abstract double get(int col);

        /** The cells as a new row of the table's storage. */
        abstract RowValues toRow(TableSpec spec);

        abstract void set(int col, double value);

        /** Visits every cell that has state here or a non-zero value in {@code gradient}, once each. */
        abstract void forEachCell(RowValues gradient, IntConsumer visit);
    }

    private static final class DenseCells extends Cells {
        private final double[] values;

        DenseCells(int cols) {
            this.values = new double[cols];
        }

        @Override
        double get(int col) {
            return values[col];
        }

        @Override
        void set(int col, double value) {
            values[col] = value;
        }

        @Override
        RowValues toRow(TableSpec spec) {
            return DenseRow.wrap(values.clone());
        }

        @Override
        void forEachCell(RowValues gradient, IntConsumer visit) {
            for (int c = 0; c < values.length; c++) {
                visit.accept(c);
            }
        }
    }

    private static final class SparseCells extends Cells {
        private final Int2DoubleOpenHashMap values = new Int2DoubleOpenHashMap();

        @Override
        double get(int col) {
            return values.get(col);
        }

        @Override
        void set(int col, double value) {
            values.put(col, value);
        }

        @Override
        RowValues toRow(TableSpec spec) {
            // A cell whose state is exactly zero is left out: it steps exactly as a cell without state would.
            SparseRow row = SparseRow.empty(spec.cols());
            for (var e : values.int2DoubleEntrySet()) {
                row.add(e.getIntKey(), e.getDoubleValue());
            }
            return row;
        }

        @Override
        void forEachCell(RowValues gradient, IntConsumer visit) {
            gradient.forEachNonZero((c, g) -> values.putIfAbsent(c, 0.0));
            for (int c : values.keySet().toIntArray()) {
                visit.accept(c);
            }
        }
    }
}
