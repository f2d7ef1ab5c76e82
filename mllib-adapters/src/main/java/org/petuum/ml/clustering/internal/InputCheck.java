package org.petuum.ml.clustering.internal;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;

/**
 * One pass over the partitions a fit will train on, before any table exists: how many points each holds, their
 * dimension, and the first point that would poison the centres (a missing vector, a NaN or infinite element, a
 * size differing from the others). Only these facts come back to the driver, one small record per partition.
 */
public final class InputCheck {
    private InputCheck() {
    }

    /** The facts of one partition. {@code problem} is null when every point is usable. */
    public record PartitionFacts(int partition, long count, int dim, String problem) implements Serializable {
    }

    /** The facts of all partitions of {@code data}. */
    public static List<PartitionFacts> run(JavaRDD<Vector> data) {
        return data.mapPartitionsWithIndex(InputCheck::check, false).collect();
    }

    /**
     * The number of points per partition, checked.
     *
     * @throws IllegalArgumentException naming {@code column} if a point is unusable or sizes differ
     */
    public static long[] counts(List<PartitionFacts> facts, String param, String column) {
        long[] counts = new long[facts.size()];
        int dim = -1;
        for (PartitionFacts f : facts) {
            if (f.problem() != null) {
                throw new IllegalArgumentException(param + ": column '" + column + "': " + f.problem());
            }
            if (f.count() > 0) {
                if (dim >= 0 && dim != f.dim()) {
                    throw new IllegalArgumentException(param + ": column '" + column + "' holds vectors of "
                            + dim + " and of " + f.dim() + " elements (expected: one size)");
                }
                dim = f.dim();
            }
            counts[f.partition()] = f.count();
        }
        return counts;
    }

    /** The dimension of the points, or -1 when there are none. */
    public static int dim(List<PartitionFacts> facts) {
        return facts.stream().filter(f -> f.count() > 0).mapToInt(PartitionFacts::dim).findFirst().orElse(-1);
    }

    private static Iterator<PartitionFacts> check(int partition, Iterator<Vector> it) {
        long count = 0;
        int dim = -1;
        String problem = null;
        while (it.hasNext() && problem == null) {
            Vector v = it.next();
            if (v == null) {
                problem = "row " + count + " of partition " + partition + " has no vector (null)";
            } else {
                if (dim < 0) {
                    dim = v.size();
                } else if (v.size() != dim) {
                    problem = "row " + count + " of partition " + partition + " has " + v.size()
                            + " elements where the rows before have " + dim + " (expected: one size)";
                }
                double[] values = v instanceof SparseVector s ? s.values() : ((DenseVector) v).values();
                for (int j = 0; j < values.length && problem == null; j++) {
                    if (!Double.isFinite(values[j])) {
                        problem = "row " + count + " of partition " + partition + " holds " + values[j]
                                + " (expected: finite values)";
                    }
                }
            }
            count++;
        }
        List<PartitionFacts> out = new ArrayList<>(1);
        out.add(new PartitionFacts(partition, count, dim, problem));
        return out.iterator();
    }
}
