package org.petuum.ml.classification;

import java.util.Locale;
import org.petuum.ssp.UpdateRule;

/**
 * The step rule of a fit, as the {@code optimizer} parameter names it. AdaGrad and Adam run on the shards
 * (the model table's {@link UpdateRule}; workers push gradients); SGD runs on the workers, which push
 * {@code -stepSize / sqrt(1 + pass) * gradient} into a table that adds.
 */
enum LrOptimizer {
    SGD, ADAGRAD, ADAM;

    /** The names the parameter accepts. */
    static final String[] NAMES = {"sgd", "adagrad", "adam"};

    static LrOptimizer parse(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }

    /** The model table's update rule for this step rule and step size. */
    UpdateRule updateRule(double stepSize) {
        return switch (this) {
            case SGD -> UpdateRule.add();
            case ADAGRAD -> UpdateRule.adaGrad(stepSize, 1e-8);
            case ADAM -> UpdateRule.adam(stepSize, 0.9, 0.999, 1e-8);
        };
    }

    /** Whether workers push gradients (the shard steps) rather than changes. */
    boolean onShards() {
        return this != SGD;
    }
}
