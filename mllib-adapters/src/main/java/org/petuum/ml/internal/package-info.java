/** Helpers shared by the estimators; not part of the public API. */
package org.petuum.ml.internal;
