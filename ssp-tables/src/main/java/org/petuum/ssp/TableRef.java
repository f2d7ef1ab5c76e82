package org.petuum.ssp;

import java.io.Serializable;
import java.util.Objects;

/**
 * A created table: the id the coordinator gave it (what travels on the wire) and its spec.
 *
 * @param id   the table id, unique within one application
 * @param spec what the table is
 */
public record TableRef(int id, TableSpec spec) implements Serializable {
    public TableRef {
        Objects.requireNonNull(spec, "spec");
        if (id < 0) {
            throw new IllegalArgumentException("table id : " + id + " (expected: >= 0)");
        }
    }

    public String name() {
        return spec.name();
    }
}
