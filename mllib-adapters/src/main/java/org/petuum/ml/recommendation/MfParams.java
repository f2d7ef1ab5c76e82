package org.petuum.ml.recommendation;

import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.Identifiable;

/**
 * The parameters of {@link MatrixFactorization} and {@link MatrixFactorizationModel}, defined once: name, doc and
 * validator. Each stage creates its own instances (a {@code Param} belongs to one parent) in its constructor.
 */
final class MfParams {
    static final String SSP = "ssp";
    static final String ROTATION = "rotation";
    static final String NAN = "nan";
    static final String DROP = "drop";

    private MfParams() {
    }

    static Param<String> userCol(Identifiable owner) {
        return new Param<>(owner, "userCol", "column of user ids: integral values in int range");
    }

    static Param<String> itemCol(Identifiable owner) {
        return new Param<>(owner, "itemCol", "column of item ids: integral values in 0..2147483646");
    }

    static Param<String> ratingCol(Identifiable owner) {
        return new Param<>(owner, "ratingCol", "column of ratings: finite numbers");
    }

    static Param<String> predictionCol(Identifiable owner) {
        return new Param<>(owner, "predictionCol", "output column of predicted ratings (float)");
    }

    static Param<String> coldStartStrategy(Identifiable owner) {
        return new Param<>(owner, "coldStartStrategy", "what transform does with a user or item the model has not "
                + "seen: 'nan' predicts NaN, 'drop' drops the row", ParamRange.oneOf("coldStartStrategy", NAN, DROP));
    }

    static IntParam rank(Identifiable owner) {
        return new IntParam(owner, "rank", "factors per user and item (1..1000)", ParamRange.closed("rank", 1, 1000));
    }

    static IntParam maxIter(Identifiable owner) {
        return new IntParam(owner, "maxIter", "passes over the training data (>= 1)",
                ParamRange.closed("maxIter", 1, 100_000));
    }

    static DoubleParam regParam(Identifiable owner) {
        return new DoubleParam(owner, "regParam", "L2 regularisation of factors, applied at every rating a user or "
                + "item has, on ratings in standard units (>= 0)", ParamRange.closed("regParam", 0, 100));
    }

    static DoubleParam biasRegParam(Identifiable owner) {
        return new DoubleParam(owner, "biasRegParam", "L2 regularisation of the user and item biases, in all (not per "
                + "rating): a bias with n ratings is shrunk as if it had biasRegParam more ratings of the mean (0..1e6)",
                ParamRange.closed("biasRegParam", 0, 1e6));
    }

    static DoubleParam stepSize(Identifiable owner) {
        return new DoubleParam(owner, "stepSize", "SGD step size of the first pass, on ratings in standard units "
                + "(0 < stepSize <= 1)", ParamRange.openBelow("stepSize", 0, 1));
    }

    static DoubleParam stepDecay(Identifiable owner) {
        return new DoubleParam(owner, "stepDecay", "the step size is multiplied by this after every pass "
                + "(0 < stepDecay <= 1)", ParamRange.openBelow("stepDecay", 0, 1));
    }

    static IntParam staleness(Identifiable owner) {
        return new IntParam(owner, "staleness", "SSP staleness of the item table under schedule 'ssp', in clocks; "
                + "0 is BSP (0..1000)", ParamRange.closed("staleness", 0, 1000));
    }

    static IntParam numWorkers(Identifiable owner) {
        return new IntParam(owner, "numWorkers", "workers (task slots used at once); 0 uses every task slot of the "
                + "cluster", ParamRange.closed("numWorkers", 0, 100_000));
    }

    static Param<String> schedule(Identifiable owner) {
        return new Param<>(owner, "schedule", "'ssp': every worker updates every item it rates, item factors in an "
                + "SSP table; 'rotation': item blocks rotate among the workers round by round, one owner per block",
                ParamRange.oneOf("schedule", SSP, ROTATION));
    }

    static IntParam numUserBlocks(Identifiable owner) {
        return new IntParam(owner, "numUserBlocks", "accepted for compatibility with ALS and ignored: the users are "
                + "split into one block per worker", ParamRange.closed("numUserBlocks", 1, Integer.MAX_VALUE));
    }

    static IntParam numItemBlocks(Identifiable owner) {
        return new IntParam(owner, "numItemBlocks", "accepted for compatibility with ALS and ignored: schedule "
                + "'rotation' rotates one item block per worker", ParamRange.closed("numItemBlocks", 1, Integer.MAX_VALUE));
    }

    static LongParam seed(Identifiable owner) {
        return new LongParam(owner, "seed", "seed of the initial factors and the order of the ratings");
    }
}
