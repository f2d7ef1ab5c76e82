package org.petuum.scheduler;

import java.util.Random;

/**
 * STRADS's dynamic schedule: variable {@code j} is drawn with probability proportional to
 * {@code delta_j^2 + eta}, where {@code delta_j} is its last change (or the change a full pass expects of it), so
 * the variables still moving are updated most often and every variable keeps a chance of {@code eta}.
 *
 * <p>The priorities live in a sum tree, so drawing one variable and changing one priority both cost
 * {@code O(log size)}; a round of {@code m} draws without replacement costs {@code O(m log size)}.
 */
public final class PrioritySchedule implements VariableSchedule {
    private final Random random;
    private final double eta;
    private final int leaves;
    /** tree[1] is the total; the leaves start at {@code leaves}. */
    private final double[] tree;
    private final double[] priority;
    private final boolean[] schedulable;

    /**
     * @param size     the number of variables
     * @param eta      the floor added to every squared change ({@code > 0}, finite)
     * @param initial  each variable's initial priority before {@code eta} is added (e.g. its expected first
     *                 change squared), or {@code null} for all equal
     */
    public PrioritySchedule(int size, double eta, double[] initial, long seed) {
        if (size < 1) {
            throw new IllegalArgumentException("size : " + size + " (expected: >= 1)");
        }
        if (!(eta > 0) || Double.isInfinite(eta)) {
            throw new IllegalArgumentException("eta : " + eta + " (expected: > 0 and finite)");
        }
        if (initial != null && initial.length != size) {
            throw new IllegalArgumentException("initial.length : " + initial.length + " (expected: " + size + ")");
        }
        this.random = new Random(seed);
        this.eta = eta;
        int l = 1;
        while (l < size) {
            l <<= 1;
        }
        this.leaves = l;
        this.tree = new double[2 * l];
        this.priority = new double[size];
        this.schedulable = new boolean[size];
        for (int j = 0; j < size; j++) {
            priority[j] = (initial == null ? 1.0 : initial[j]) + eta;
            schedulable[j] = true;
            tree[l + j] = priority[j];
        }
        for (int i = l - 1; i >= 1; i--) {
            tree[i] = tree[2 * i] + tree[2 * i + 1];
        }
    }

    @Override
    public int size() {
        return priority.length;
    }

    public double eta() {
        return eta;
    }

    /** The current priority of {@code j} ({@code delta^2 + eta}), whether or not it is schedulable. */
    public double priority(int j) {
        return priority[j];
    }

    @Override
    public int[] select(int count) {
        int[] picked = new int[count];
        int k = 0;
        while (k < count && tree[1] > 0) {
            int j = draw();
            picked[k++] = j;
            set(j, 0); // without replacement: out of the tree until the round's draws are done
        }
        for (int i = 0; i < k; i++) {
            set(picked[i], priority[picked[i]]);
        }
        return k == count ? picked : java.util.Arrays.copyOf(picked, k);
    }

    @Override
    public void updated(int j, double delta) {
        reprioritise(j, delta);
    }

    @Override
    public void expected(int j, double expectedDelta) {
        reprioritise(j, expectedDelta);
    }

    @Override
    public void setSchedulable(int j, boolean on) {
        schedulable[j] = on;
        set(j, on ? priority[j] : 0);
    }

    @Override
    public String name() {
        return "dynamic";
    }

    private void reprioritise(int j, double delta) {
        double p = delta * delta + eta;
        priority[j] = Double.isFinite(p) ? p : Double.MAX_VALUE / priority.length;
        if (schedulable[j]) {
            set(j, priority[j]);
        }
    }

    private int draw() {
        // Rounding can leave the walk a hair past the last positive leaf; the loop always lands on a leaf whose
        // subtree has positive mass because it never descends into a zero-mass child when the other has mass.
        double u = random.nextDouble() * tree[1];
        int i = 1;
        while (i < leaves) {
            double left = tree[2 * i];
            if ((u < left && left > 0) || tree[2 * i + 1] <= 0) {
                i = 2 * i;
            } else {
                u -= left;
                i = 2 * i + 1;
            }
        }
        return i - leaves;
    }

    private void set(int j, double value) {
        int i = leaves + j;
        tree[i] = value;
        for (i >>= 1; i >= 1; i >>= 1) {
            tree[i] = tree[2 * i] + tree[2 * i + 1];
        }
    }
}
