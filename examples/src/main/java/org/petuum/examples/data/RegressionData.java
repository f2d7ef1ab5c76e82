package org.petuum.examples.data;

import java.util.List;
import org.petuum.ml.regression.LabeledRow;

/** Rows of a regression problem as read from a file, with the number of features (the largest index + 1). */
public record RegressionData(List<LabeledRow> rows, int features) {
}
