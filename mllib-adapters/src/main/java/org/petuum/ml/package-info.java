/**
 * Spark ML estimators trained on the parameter server's SSP tables and by the STRADS scheduler. Each follows
 * Spark ML's conventions: parameters are {@code Param}s with documentation, defaults and validators; stages have a
 * public {@code (String uid)} constructor; models save and load with {@code MLWritable}/{@code MLReadable}. Training
 * data stays in the partitions of the caller's {@code Dataset}.
 */
package org.petuum.ml;
