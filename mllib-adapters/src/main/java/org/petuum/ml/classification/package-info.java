/**
 * Classifiers trained on the parameter server's SSP tables: {@link org.petuum.ml.classification.LogisticRegression}
 * (binomial and multinomial) and its {@link org.petuum.ml.classification.LogisticRegressionModel}.
 */
package org.petuum.ml.classification;
