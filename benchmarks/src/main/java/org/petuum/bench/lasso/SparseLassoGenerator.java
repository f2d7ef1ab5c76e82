package org.petuum.bench.lasso;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.petuum.examples.data.RegressionData;
import org.petuum.ml.regression.LabeledRow;

/**
 * A seeded sparse regression problem with many more features than rows and a sparse true model, the setting where
 * a coordinate method that picks its coordinates has most to gain over one that computes the full gradient.
 *
 * <p>Every row has {@code nnzPerRow} non-zero features at distinct positions: half of them drawn uniformly from the
 * first {@code commonFeatures} features (the "common" ones, so that each appears in many rows) and the rest uniformly
 * from all {@code features}; values are {@code N(0, 1)}. The true coefficients are non-zero at {@code support}
 * common features, chosen at random, with magnitude uniform in [1, 3] and a random sign. The label is
 * {@code x . beta + noiseStd * N(0, 1)}. Most of the features beyond the common ones appear in a row or two, or in
 * none (an all-zero column, which no solver moves).
 */
final class SparseLassoGenerator {

    /** What was generated, with the true coefficients (non-zero entries only). */
    record Generated(RegressionData data, int[] trueSupport, double[] trueValues) {
    }

    private SparseLassoGenerator() {
    }

    static Generated generate(int rows, int features, int nnzPerRow, int commonFeatures, int support, double noiseStd,
                              long seed) {
        if (rows < 1 || features < 2) {
            throw new IllegalArgumentException("rows : " + rows + ", features : " + features
                    + " (expected: rows >= 1, features >= 2)");
        }
        if (nnzPerRow < 2 || nnzPerRow > features) {
            throw new IllegalArgumentException("nnzPerRow : " + nnzPerRow + " (expected: 2 <= value <= features = "
                    + features + ")");
        }
        if (commonFeatures < nnzPerRow || commonFeatures > features) {
            throw new IllegalArgumentException("commonFeatures : " + commonFeatures + " (expected: nnzPerRow = "
                    + nnzPerRow + " <= value <= features = " + features + ")");
        }
        if (support < 1 || support > commonFeatures) {
            throw new IllegalArgumentException("support : " + support + " (expected: 1 <= value <= commonFeatures = "
                    + commonFeatures + ")");
        }
        if (!(noiseStd >= 0 && Double.isFinite(noiseStd))) {
            throw new IllegalArgumentException("noiseStd : " + noiseStd + " (expected: finite and >= 0)");
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] beta = new double[features];
        int[] supportIds = distinct(rnd, support, commonFeatures, new int[0]);
        Arrays.sort(supportIds);
        double[] supportValues = new double[support];
        for (int s = 0; s < support; s++) {
            double magnitude = 1 + 2 * rnd.nextDouble();
            supportValues[s] = rnd.nextBoolean() ? magnitude : -magnitude;
            beta[supportIds[s]] = supportValues[s];
        }
        List<LabeledRow> out = new ArrayList<>(rows);
        int common = nnzPerRow / 2;
        for (int i = 0; i < rows; i++) {
            int[] fromCommon = distinct(rnd, common, commonFeatures, new int[0]);
            int[] idx = Arrays.copyOf(fromCommon, nnzPerRow);
            int[] rest = distinct(rnd, nnzPerRow - common, features, fromCommon);
            System.arraycopy(rest, 0, idx, common, rest.length);
            Arrays.sort(idx);
            double[] val = new double[nnzPerRow];
            double y = 0;
            for (int k = 0; k < nnzPerRow; k++) {
                val[k] = gaussian(rnd);
                y += val[k] * beta[idx[k]];
            }
            out.add(new LabeledRow(y + noiseStd * gaussian(rnd), idx, val));
        }
        return new Generated(new RegressionData(out, features), supportIds, supportValues);
    }

    /** {@code count} distinct values in {@code [0, bound)}, none of them in {@code exclude} (which is short). */
    private static int[] distinct(SplittableRandom rnd, int count, int bound, int[] exclude) {
        int[] picked = new int[count];
        int k = 0;
        while (k < count) {
            int v = rnd.nextInt(bound);
            if (!contains(picked, k, v) && !contains(exclude, exclude.length, v)) {
                picked[k++] = v;
            }
        }
        return picked;
    }

    private static boolean contains(int[] a, int length, int v) {
        for (int i = 0; i < length; i++) {
            if (a[i] == v) {
                return true;
            }
        }
        return false;
    }

    /** A standard normal draw (Box-Muller; SplittableRandom has no nextGaussian on Java 17). */
    private static double gaussian(SplittableRandom rnd) {
        double u = 1 - rnd.nextDouble();
        double v = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
