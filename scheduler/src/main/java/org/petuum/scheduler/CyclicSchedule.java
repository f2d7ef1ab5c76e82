package org.petuum.scheduler;

import java.util.Arrays;

/**
 * Static rotation over the schedulable variables: each round takes the next {@code count} of them in index order,
 * wrapping around, so every variable is visited once every {@code ceil(schedulable / count)} rounds (cyclic block
 * coordinate descent). Ignores what updates did.
 */
public final class CyclicSchedule implements VariableSchedule {
    private final boolean[] schedulable;
    private int next;
    private int count;

    public CyclicSchedule(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("size : " + size + " (expected: >= 1)");
        }
        this.schedulable = new boolean[size];
        Arrays.fill(schedulable, true);
        this.count = size;
    }

    @Override
    public int size() {
        return schedulable.length;
    }

    @Override
    public int[] select(int wanted) {
        int k = Math.min(wanted, count);
        int[] out = new int[k];
        for (int i = 0; i < k; ) {
            if (schedulable[next]) {
                out[i++] = next;
            }
            next = next + 1 == schedulable.length ? 0 : next + 1;
        }
        return out;
    }

    @Override
    public void updated(int j, double delta) {
    }

    @Override
    public void expected(int j, double expectedDelta) {
    }

    @Override
    public void setSchedulable(int j, boolean on) {
        if (schedulable[j] != on) {
            schedulable[j] = on;
            count += on ? 1 : -1;
        }
    }

    @Override
    public String name() {
        return "rotation";
    }
}
