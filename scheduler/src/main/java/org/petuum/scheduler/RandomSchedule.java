package org.petuum.scheduler;

import java.util.Random;

/**
 * Uniform random selection without replacement among the schedulable variables: the baseline that dynamic
 * scheduling is measured against. Ignores what updates did.
 */
public final class RandomSchedule implements VariableSchedule {
    private final Random random;
    private final int[] pool;
    private final int[] position;
    private int schedulable;

    public RandomSchedule(int size, long seed) {
        if (size < 1) {
            throw new IllegalArgumentException("size : " + size + " (expected: >= 1)");
        }
        this.random = new Random(seed);
        this.pool = new int[size];
        this.position = new int[size];
        for (int j = 0; j < size; j++) {
            pool[j] = j;
            position[j] = j;
        }
        this.schedulable = size;
    }

    @Override
    public int size() {
        return pool.length;
    }

    @Override
    public int[] select(int count) {
        int k = Math.min(count, schedulable);
        int[] out = new int[k];
        // A partial Fisher-Yates shuffle of the schedulable prefix of the pool.
        for (int i = 0; i < k; i++) {
            int pick = i + random.nextInt(schedulable - i);
            swap(i, pick);
            out[i] = pool[i];
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
        int at = position[j];
        boolean now = at < schedulable;
        if (on == now) {
            return;
        }
        if (on) {
            swap(at, schedulable);
            schedulable++;
        } else {
            schedulable--;
            swap(at, schedulable);
        }
    }

    @Override
    public String name() {
        return "random";
    }

    private void swap(int a, int b) {
        int va = pool[a];
        int vb = pool[b];
        pool[a] = vb;
        pool[b] = va;
        position[vb] = a;
        position[va] = b;
    }
}
