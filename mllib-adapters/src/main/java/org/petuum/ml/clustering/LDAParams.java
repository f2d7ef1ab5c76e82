package org.petuum.ml.clustering;

import java.io.Serializable;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;
import scala.runtime.AbstractFunction1;

/**
 * The parameters {@link LDA} and {@link LDAModel} share, made in one place so that both carry the same names, docs
 * and validators (Spark's {@code copyValues} matches parameters by name). Each owner calls these in its
 * constructor after its uid is set.
 */
final class LDAParams {
    private LDAParams() {
    }

    static Param<String> featuresCol(Params owner) {
        return new Param<>(owner, "featuresCol", "column of term-count vectors, one per document, as CountVectorizer "
                + "gives (whole counts >= 0; every vector of one size, the vocabulary's)");
    }

    static Param<String> topicDistributionCol(Params owner) {
        return new Param<>(owner, "topicDistributionCol", "output column of each document's topic proportions");
    }

    static IntParam k(Params owner) {
        return new IntParam(owner, "k", "number of topics (>= 2)", ParamValidators.gtEq(2));
    }

    static DoubleParam docConcentration(Params owner) {
        return new DoubleParam(owner, "docConcentration", "symmetric Dirichlet prior alpha on each document's topic "
                + "proportions (> 0), or -1 for automatic: 50 / k, after Griffiths and Steyvers", new AutoOrPositive());
    }

    static DoubleParam topicConcentration(Params owner) {
        return new DoubleParam(owner, "topicConcentration", "symmetric Dirichlet prior beta on each topic's word "
                + "distribution (> 0), or -1 for automatic: 0.01", new AutoOrPositive());
    }

    static LongParam seed(Params owner) {
        return new LongParam(owner, "seed", "random seed");
    }

    /** The resolved alpha: {@code value}, or 50/k when it is -1. */
    static double alpha(double value, int k) {
        return value == -1 ? 50.0 / k : value;
    }

    /** The resolved beta: {@code value}, or 0.01 when it is -1. */
    static double beta(double value) {
        return value == -1 ? 0.01 : value;
    }

    /** Accepts -1 (automatic) or a finite value > 0. */
    private static final class AutoOrPositive extends AbstractFunction1<Object, Object> implements Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public Object apply(Object v) {
            double d = (Double) v;
            return d == -1 || (d > 0 && Double.isFinite(d));
        }
    }
}
